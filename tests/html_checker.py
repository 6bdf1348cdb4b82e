"""The Nu HTML checker (npm package vnu-jar, pinned in package-lock.json; make test installs it
with Java), run on files of a built site.

    from html_checker import nu_errors
    assert not nu_errors(sorted(output.rglob("*.html")), root=output)
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlparse

from building import REPO

VNU_JAR = REPO / "node_modules/vnu-jar/build/dist/vnu.jar"


def nu_errors(paths: Iterable[Path], root: Path | None = None) -> list[str]:
    """Every error the checker finds in these files (HTML, or SVG for .svg), as
    "file:line: message", file relative to ``root`` when given. One JVM for all files."""
    return [_line(message, root) for message in _check(paths, errors_only=True)
            if message["type"] != "info"]


def nu_warnings(paths: Iterable[Path], root: Path | None = None) -> list[str]:
    """The checker's warnings (not errors) for these files, in the same form."""
    return [_line(message, root) for message in _check(paths, errors_only=False)
            if message["type"] == "info" and message.get("subType") == "warning"]


def _check(paths: Iterable[Path], errors_only: bool) -> list[dict]:
    paths = [Path(path).resolve() for path in paths]
    if not paths:
        return []
    # The checker says nothing about a file that does not exist: that must not pass for valid.
    missing = [str(path) for path in paths if not path.is_file()]
    if missing:
        raise FileNotFoundError(f"not a file: {', '.join(missing)}")
    if not VNU_JAR.is_file() or not shutil.which("java"):
        raise RuntimeError(f"the Nu HTML checker needs {VNU_JAR} and java: run make test (npm ci, "
                           "Debian's default-jre-headless)")
    result = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--stdout", "--exit-zero-always",
         "--also-check-svg", *(["--errors-only"] if errors_only else []), *map(str, paths)],
        capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(f"the Nu HTML checker failed: {result.stderr}")
    return json.loads(result.stdout)["messages"]


def _line(message: dict, root: Path | None) -> str:
    url = message.get("url", "")
    path = Path(unquote(urlparse(url).path)) if url.startswith("file:") else Path(url)
    if root is not None and path.is_relative_to(root.resolve()):
        path = path.relative_to(root.resolve())
    line = message.get("lastLine", message.get("firstLine", 0))
    return f"{path}:{line}: {message['message']}"
