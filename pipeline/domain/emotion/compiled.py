"""The engine's compiled helpers (``_scan.c``) and the switch that runs their Python references instead.

The package builds ``_scan`` where a C compiler is there (it is optional to pip); every compiled function has
a Python reference with the same results, held to them by tests. Modules that use a compiled function
register a switch, so that ``python_only`` runs the whole engine as an install without the compiler would
(the speed benchmark measures both in one run; ``check-config`` says which one a worker runs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import ModuleType


def _import() -> ModuleType | None:
    try:
        from pipeline.domain.emotion import _scan  # noqa: PLC0415
    except ImportError:
        return None
    return _scan


_module = _import()
_switches: list[Callable[[bool], None]] = []
_active = True


def module() -> ModuleType | None:
    """The compiled module, or None where the package was installed without it."""
    return _module


def loaded() -> bool:
    """Whether the compiled helpers were built."""
    return _module is not None


def active() -> bool:
    """False inside ``python_only``."""
    return _active


def on_switch(switch: Callable[[bool], None]) -> None:
    """Call ``switch(False)`` when ``python_only`` starts and ``switch(True)`` when it ends."""
    _switches.append(switch)


@contextmanager
def python_only() -> Iterator[None]:
    """Every compiled helper replaced by its Python reference while inside."""
    global _active  # noqa: PLW0603 (the switch is this module's own)
    _active = False
    for switch in _switches:
        switch(False)
    try:
        yield
    finally:
        _active = True
        for switch in _switches:
            switch(True)
