"""The two processes share code only through common/: the Rasa server side never imports the
action server's package, and the action server never imports the Rasa server's; neither imports
the offline editors' report (reporting/)."""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Dict, Iterator, Set

import pytest

ROOT = Path(__file__).resolve().parents[2]
OURS = {"actions", "channels", "common", "components", "ops", "rasa_internals", "reporting", "scripts", "stores"}
#: package -> our packages it must not import
#: The editors' report (reporting/) is an offline command: no server process imports it, so no
#: endpoint can serve it (docs/bericht.md).
FORBIDDEN: Dict[str, Set[str]] = {
    "components": {"actions", "reporting"}, "channels": {"actions", "reporting"},
    "stores": {"actions", "reporting"}, "rasa_internals": {"actions", "reporting"}, "ops": {"actions", "reporting"},
    "actions": {"components", "channels", "stores", "rasa_internals", "ops", "reporting"},
    "common": OURS - {"common"},
}


def imported_packages(path: Path) -> Iterator[str]:
    """Top-level names of everything ``path`` imports (also inside functions)."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module.split(".")[0]


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_packages_import_only_what_their_process_may(package: str) -> None:
    wrong = sorted({f"{p.relative_to(ROOT)} imports {name}" for p in (ROOT / package).rglob("*.py")
                    for name in imported_packages(p) if name in FORBIDDEN[package]})
    assert wrong == [], "shared code belongs in common/"


def test_the_check_sees_a_forbidden_import(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from actions.render import template\n    import stores.tracker_store\n")
    assert set(imported_packages(module)) == {"actions", "stores"}
