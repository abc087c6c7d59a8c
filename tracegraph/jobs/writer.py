"""Writes handed to a second thread, so reading and resolving the next chunk overlaps them."""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from collections.abc import Callable

__all__ = ["WriterThread"]


class WriterThread:
    """Writes chunks in a second thread while the caller reads and resolves the next one.

    Resolution is Python work and writing is mostly waiting for the server (the driver
    releases the GIL on socket I/O), so on a machine with two cores the two overlap. Jobs
    run one at a time in the order given, so entities still reach the graph before the
    shipments that point at them. The queue holds one job: with the chunk being written and
    the one being resolved, at most three chunks are in memory, whatever the file size. An
    error in the writer stops the load at the next hand-over, raised in the caller's thread.
    """

    _STOP = object()

    def __init__(self, timings: Counter):
        self._jobs: queue.Queue = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._timings = timings
        self._thread = threading.Thread(target=self._run, name="tracegraph-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is self._STOP:
                return
            if self._error is not None:
                continue  # drain what was queued before the caller saw the error
            label, fn, args = job
            started = time.perf_counter()
            try:
                fn(*args)
            except BaseException as error:  # handed to the caller's thread
                self._error = error
            finally:
                self._timings[label] += time.perf_counter() - started

    def submit(self, label: str, fn: Callable, *args) -> None:
        self._raise()
        started = time.perf_counter()
        self._jobs.put((label, fn, args))
        self._timings["wait_for_writer"] += time.perf_counter() - started

    def close(self) -> None:
        """Wait for every job; raise the writer's error if there was one."""
        started = time.perf_counter()
        self._jobs.put(self._STOP)
        self._thread.join()
        self._timings["wait_for_writer"] += time.perf_counter() - started
        self._raise()

    def abandon(self) -> None:
        """Stop after the job in hand (the caller failed): what was queued is dropped."""
        self._error = self._error or RuntimeError("load abandoned")
        try:
            while True:
                self._jobs.get_nowait()
        except queue.Empty:
            pass
        self._jobs.put(self._STOP)
        self._thread.join()

    def _raise(self) -> None:
        if self._error is not None:
            raise self._error
