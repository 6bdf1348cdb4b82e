"""The online editor at /admin/ (docs/editer-en-ligne.md): Decap CMS as npm installed it,
Clairvoie's page and script around it, and its configuration made from the schemas.

Nothing is fetched from another host when staff open it: the CMS is copied into the site.
Without the npm package (``make site`` installs it) the build goes on without /admin/.
"""

from __future__ import annotations

import logging
import os
from importlib import resources

from ..admin import config_of_site, preview_names
from ..model.records import Model
from .site import Site

logger = logging.getLogger(__name__)

# Where npm puts the packages, from the site root; a test or a city may name another folder.
NODE_MODULES_VARIABLE = "CLAIRVOIE_NODE_MODULES"
CMS_DIST = ("decap-cms", "dist")
OWN_FILES = ("clairvoie-admin.js",)
# The theme's stylesheet under the plain name Pelican copies too (outputs/assets.py), which
# the preview pane uses to show records in the site's look.
STYLESHEET = "css/clairvoie.css"


def cms_folder(site_root: str) -> str | None:
    node_modules = os.environ.get(NODE_MODULES_VARIABLE) or os.path.join(site_root, "node_modules")
    folder = os.path.join(node_modules, *CMS_DIST)
    return folder if os.path.isfile(os.path.join(folder, "decap-cms.js")) else None


def cms_files(folder: str) -> list[str]:
    """The bundle, the chunks it loads on demand and their WebAssembly (not the source maps)."""
    return sorted(name for name in os.listdir(folder)
                  if name.endswith(("decap-cms.js", ".wasm")) or name == "decap-cms.js.LICENSE.txt")


def write_admin(model: Model, site: Site) -> None:
    folder = cms_folder(model.settings.site_root)
    if folder is None:
        logger.warning("Éditeur en ligne : Decap CMS n'est pas installé (node_modules/decap-cms), "
                       "le site est construit sans /admin/. Lancez « make site » pour l'installer.")
        return
    own = resources.files(__package__).parent.joinpath("admin", "static")
    for name in OWN_FILES:
        site.write(f"admin/{name}", own.joinpath(name).read_bytes())
    stylesheet = f"{site.pelican_settings.get('THEME_STATIC_DIR', 'theme')}/{STYLESHEET}"
    page = own.joinpath("index.html").read_text("utf-8")
    site.write("admin/index.html", page.replace("{stylesheet}", stylesheet)
               .replace("{collections}", " ".join(preview_names())))
    site.write("admin/config.yml", config_of_site(site.pelican_settings))
    for name in cms_files(folder):
        # Written, not copied: the same bytes as the last build keep the published file.
        with open(os.path.join(folder, name), "rb") as stream:
            site.write(f"admin/{name}", stream.read())
