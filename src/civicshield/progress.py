"""Progress reporting that the API accepts and the CLI draws with rich.

API functions take ``progress: Progress | None`` and call it as
``progress(task, done, total)``; ``total`` may be ``None`` when unknown.
They never import rich, so notebooks and the web layer can pass their own.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress


class Progress(Protocol):
    def __call__(self, task: str, done: float, total: float | None = None) -> None: ...


def no_progress(task: str, done: float, total: float | None = None) -> None:
    return None


class _Bar:
    def __init__(self, rp: RichProgress):
        self._rp = rp
        self._tasks: dict[str, int] = {}

    def __call__(self, task: str, done: float, total: float | None = None) -> None:
        if task not in self._tasks:
            self._tasks[task] = self._rp.add_task(task, total=total)
        self._rp.update(self._tasks[task], completed=done, total=total)

    def step(self, task: str) -> None:
        """A stage with no measurable size: shown as a line that completes."""
        for tid in self._tasks.values():
            t = self._rp.tasks[tid] if tid < len(self._rp.tasks) else None
            if t is not None and t.total is None:
                self._rp.update(tid, total=1, completed=1)
        self(task, 0, None)


@contextmanager
def progress_bar(label: str) -> Iterator[_Bar]:
    """A rich progress display on stderr; quiet when stderr is not a terminal
    except for the final state, so CI logs stay short."""
    rp = RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=False,
        disable=not sys.stderr.isatty(),
    )
    with rp:
        yield _Bar(rp)
