"""`--import MODULE`: modules imported before a run, so the domains they register can be used by name.

Worker processes and Ray workers may not have imported them (a spawned or remote process starts fresh),
so the executor is wrapped to import them in every worker before its first work item too.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable, Generator, Iterable, Sequence
from typing import Any

from funreason_envs.errors import ConfigError, FunReasonError
from funreason_envs.executors import Executor, OnLost


def add_import_argument(parser: argparse.ArgumentParser) -> None:
    """`--import MODULE`, repeatable."""
    parser.add_argument(
        "--import",
        dest="imports",
        action="append",
        default=[],
        metavar="MODULE",
        help="import this module first (repeatable), e.g. a plugin calling funreason_envs.register_domain; "
        "it must be importable (installed, or its folder on PYTHONPATH)",
    )


def import_modules(names: Sequence[str]) -> None:
    """Import each module by its dotted name, or raise one `ConfigError` line naming it and the cause."""
    for name in names:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            missing = exc.name or name
            if name == missing or name.startswith(f"{missing}."):
                raise ConfigError(
                    f"--import {name}: no module named {missing!r}; install it or put it on PYTHONPATH"
                ) from None
            raise ConfigError(f"--import {name}: it imports {missing!r}, which is not installed") from None
        except FunReasonError as exc:
            raise ConfigError(f"--import {name}: {exc}") from None
        except Exception as exc:  # the plugin's own code failed: name the module, not a traceback
            raise ConfigError(f"--import {name}: importing it failed: {type(exc).__name__}: {exc}") from None


class _ImportFirst:
    """A work function that imports the plugin modules in its process before running (cheap once done)."""

    def __init__(self, work: Callable[[Any], Any], modules: tuple[str, ...]) -> None:
        self.work = work
        self.modules = modules

    def __call__(self, item: Any) -> Any:
        import_modules(self.modules)
        return self.work(item)


class ImportingExecutor:
    """An executor whose workers import `modules` before their first item."""

    def __init__(self, inner: Executor, modules: Sequence[str]) -> None:
        self.inner = inner
        self.modules = tuple(modules)

    def map(
        self, work: Callable[[Any], Any], items: Iterable[Any], on_lost: OnLost | None = None
    ) -> Generator[Any, None, None]:
        return self.inner.map(_ImportFirst(work, self.modules), items, on_lost)
