"""Reading YAML files fast: with libyaml's C loader where PyYAML has it (the knowledge files
and the gazetteer are read at start-up and in every test; the pure-Python loader took seconds)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Union

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_text(text: str) -> Any:
    """``yaml.safe_load`` of a text, with the C loader if there is one."""
    return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader


def read(path: Union[str, Path]) -> Any:
    """``yaml.safe_load`` of a UTF-8 file, with the C loader if there is one."""
    return load_text(Path(path).read_text(encoding="utf-8"))
