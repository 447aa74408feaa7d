"""The engine's compiled helpers (``_scan.c``) and the switch that runs their Python references instead.

The package builds ``_scan`` where a C compiler is there (it is optional to pip); every compiled function has
a Python reference with the same results, held to them by tests. Modules that use a compiled function ask
``active()`` before each use, so that ``python_only`` runs the whole engine as an install without the
compiler would (the speed benchmark measures both in one run; ``check-config`` and the ``build_info`` metric
say which one a worker runs).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from types import ModuleType
from typing import Literal


def _import() -> ModuleType | None:
    try:
        from pipeline.domain.emotion import _scan  # noqa: PLC0415
    except ImportError:
        return None
    return _scan


_module = _import()
_active = True


def module() -> ModuleType | None:
    """The compiled module, or None where the package was installed without it."""
    return _module


def loaded() -> bool:
    """Whether the compiled helpers were built."""
    return _module is not None


def active() -> bool:
    """Whether the compiled helpers are to be used: built, and not inside ``python_only``."""
    return _active and _module is not None


def build() -> Literal["compiled", "python"]:
    """What the engine runs now: its compiled helpers or their Python references."""
    return "compiled" if active() else "python"


@contextmanager
def python_only() -> Iterator[None]:
    """Every compiled helper replaced by its Python reference while inside."""
    global _active  # noqa: PLW0603 (the switch is this module's own)
    _active = False
    try:
        yield
    finally:
        _active = True
