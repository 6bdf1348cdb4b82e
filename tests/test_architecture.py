"""The import rules of ARCHITECTURE.md: each floor imports only the floors below it,
and no output channel imports another. Imports inside functions count too."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from clairvoie import outputs

PACKAGE = Path(outputs.__file__).resolve().parent.parent
ROOT = "clairvoie"

# Lowest first: a module may import its own floor and the floors listed before it.
FLOORS = (
    ("foundation", ("settings", "messages", "markup", "parallel", "phases", "fingerprints", "pelican_sources",
                    "signals", "sound_tags")),
    ("model", ("model",)),
    ("build services", ("labels", "incremental", "staging", "collector", "admin")),
    ("outputs", ("outputs",)),
    ("subscribers", ("subscribers",)),
    ("newsletter", ("newsletter",)),
    ("publish", ("publish",)),
    ("report import", ("report_import",)),
    ("subscription service", ("subscriptions",)),
    ("commands and plugin", ("cli", "preview_server", "generator", "news_pages", "image_privacy", "__init__")),
)
# Floors side by side: neither may import the other.
SIDE_BY_SIDE = {frozenset({"newsletter", "publish"}), frozenset({"newsletter", "report import"}),
                frozenset({"publish", "report import"})}
REGISTRY = f"{ROOT}.outputs"  # outputs/__init__.py lists the channels, so it imports them all


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports_of(name: str) -> set[str]:
    """The Clairvoie modules a module imports (``from pkg import module`` names the module)."""
    path = MODULES[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[:len(package.split(".")) - (node.level - 1)] if node.level else []
            source = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:
                submodule = f"{source}.{alias.name}"
                found.add(submodule if submodule in MODULES else source)
    return {module for module in found if module == ROOT or module.startswith(ROOT + ".")}


def floor_of(name: str) -> tuple[int, str]:
    relative = name.removeprefix(ROOT).removeprefix(".") or "__init__"
    top = relative.split(".")[0]
    for rank, (floor, members) in enumerate(FLOORS):
        if top in members:
            return rank, floor
    raise AssertionError(f"{name}: on no floor; put it on one in ARCHITECTURE.md and in FLOORS")


def channels() -> set[str]:
    """The modules (or packages) whose functions are in OUTPUTS or ALTERNATE_LINKS."""
    return {function.__module__ for function in (*outputs.OUTPUTS, *outputs.ALTERNATE_LINKS)}


def channel_of(name: str) -> str | None:
    return next((c for c in channels() if name == c or name.startswith(c + ".")), None)


def test_every_module_is_on_a_floor():
    for name in MODULES:
        floor_of(name)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_imports_upward(name):
    rank, floor = floor_of(name)
    for imported in imports_of(name):
        imported_rank, imported_floor = floor_of(imported)
        assert imported_rank <= rank, f"{name} ({floor}) imports {imported} ({imported_floor}), a floor above"
        assert frozenset({floor, imported_floor}) not in SIDE_BY_SIDE, \
            f"{name} ({floor}) imports {imported} ({imported_floor}), a floor beside it"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n.startswith(REGISTRY + ".")))
def test_no_output_imports_another_channel(name):
    own = channel_of(name)
    for imported in imports_of(name):
        other = channel_of(imported)
        assert other is None or other == own, (
            f"{name} imports the channel {other}: move what they share to a module of its own")


def test_the_rules_see_a_forbidden_import():
    """The checks above read real imports: a lazy one inside a function is found."""
    assert f"{ROOT}.outputs.site" in imports_of(f"{ROOT}.outputs.feeds")
    assert f"{ROOT}.outputs.imaging" in imports_of(f"{ROOT}.image_privacy")  # imported in a function
    assert channel_of(f"{ROOT}.outputs.panels.compose") == f"{ROOT}.outputs.panels"
    assert channel_of(f"{ROOT}.outputs.site") is None
