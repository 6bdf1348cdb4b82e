"""Theme files under names made of their content (``theme/css/clairvoie.3f2a9c1b0d.css``).

A fingerprinted file never changes under its name, so browsers and the CDN may keep
it for a year (``publish.py``); a changed stylesheet gets a new name, which the pages,
rendered again because the theme changed, link. Templates ask for the address with
``asset("css/clairvoie.css")``. Pelican still copies the theme under the plain names:
the feeds' XSL finds ``feed.css`` beside itself by that name.
"""

from __future__ import annotations

import functools
import os
from typing import Any

from jinja2 import pass_context

from .. import incremental
from ..fingerprints import fingerprinted_name
from ..model.records import Model
from .site import Site


# theme_files() of this build: every page asks, the theme is walked once per build.
# A new build (``pelican --autoreload``) looks again: the theme may have new files.
_theme_files_of_build = incremental.ForOneBuild()


def theme_files(settings: dict[str, Any]) -> dict[str, str]:
    """Each theme static file by its path under THEME_STATIC_DIR, as Pelican copies them:
    the folders of THEME_STATIC_PATHS merged, a later one winning."""
    key = (settings["THEME"], tuple(settings.get("THEME_STATIC_PATHS", ["static"])))
    return _theme_files_of_build.get(key, lambda: _walk_theme(*key))


def _walk_theme(theme: str, static_paths: tuple[str, ...]) -> dict[str, str]:
    files = {}
    for static_path in static_paths:
        root = os.path.join(theme, static_path)
        for folder, _, names in os.walk(root):
            for name in names:
                source = os.path.join(folder, name)
                files[os.path.relpath(source, root).replace(os.sep, "/")] = source
    return files


@functools.lru_cache(maxsize=None)
def _fingerprinted_name_of(relative_path: str, source: str, mtime_ns: int, size: int) -> str:
    # mtime and size in the key: a theme edited between two builds in one process is read again.
    with open(source, "rb") as stream:
        return fingerprinted_name(relative_path, stream.read())


@pass_context
def asset(context: Any, relative_path: str) -> str:
    """The address, from the site root, of a theme file under its fingerprinted name."""
    source = theme_files(context).get(relative_path)
    if source is None:
        raise LookupError(f"asset({relative_path!r}) : le thème n'a pas ce fichier dans static/")
    status = os.stat(source)
    name = _fingerprinted_name_of(relative_path, source, status.st_mtime_ns, status.st_size)
    return f"{context.get('THEME_STATIC_DIR', 'theme')}/{name}"


def template_globals() -> dict[str, object]:
    return {"asset": asset}


def write_fingerprinted_assets(model: Model, site: Site) -> None:
    settings = site.pelican_settings
    static_dir = settings.get("THEME_STATIC_DIR", "theme")
    for relative_path, source in sorted(theme_files(settings).items()):
        with open(source, "rb") as stream:
            data = stream.read()
        site.write(f"{static_dir}/{fingerprinted_name(relative_path, data)}", data)
