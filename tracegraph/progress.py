"""Progress of long jobs on the terminal: one bar on standard error, never in a pipe."""

from __future__ import annotations

import sys
import time

import click

__all__ = ["TerminalProgress"]


class TerminalProgress:
    """Called by a job as ``progress(label, done, total)``; draws a click progress bar.

    ``total`` is in the job's own measure (bytes read for a load, steps for a detection).
    Nothing is drawn when standard error is not a terminal, nor for a job over within
    ``delay`` seconds, so scripts and quick commands see no noise.
    """

    def __init__(self, enabled: bool | None = None, delay: float = 1.0):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.delay = delay
        self.started = time.monotonic()
        self._bar = None
        self._key: tuple | None = None

    def __call__(self, label: str, done: int, total: int) -> None:
        if not self.enabled or time.monotonic() - self.started < self.delay:
            return
        if self._key != (label, total):
            self.close()
            self._key = (label, total)
            self._bar = click.progressbar(length=max(total, 1), label=label, file=sys.stderr,
                                          show_percent=True, show_eta=True)
            self._bar._is_atty = True  # whether to draw was decided above, once (click would
            # otherwise print only the label where stderr is not a terminal, e.g. under tests)
            self._bar.__enter__()
        self._bar.update(max(0, done - self._bar.pos))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None
            self._key = None

    def __enter__(self) -> "TerminalProgress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
