"""Worker processes: a share of a long list of independent jobs per core, results in order.

Workers are forked with the whole build in memory, so a job is just a range of indices into
lists the caller already holds; only small results travel back. Every job depends on its
inputs alone, so the output is the same with one process or many.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

T = TypeVar("T")
PARALLEL_FROM = 400  # below this many jobs, starting processes costs more than it saves

_TASK: Callable[[int, int], list[Any]] | None = None
# Raised while Pagefind indexes in the background: the search index is a build's longest chain,
# so workers started meanwhile yield the processor to it (the work is the same, it ends sooner).
background = {"nice": 0}


_PR_SET_PDEATHSIG = 1
_PR_SET_NAME = 15
# Loaded before any fork: a child must not load libraries (another thread may hold the loader's lock).
_LIBC = ctypes.CDLL(None, use_errno=True) if sys.platform.startswith("linux") else None


def die_with_parent(parent: int) -> None:
    """In a child process of the build `parent`: be killed as soon as the build dies.

    A build killed alone (an out-of-memory kill, a CI timeout) would otherwise leave its workers
    and Pagefind running, writing into folders the next build has already cleaned up. Linux only
    (elsewhere a killed build's children run to their end).
    """
    if _LIBC is None:
        return
    _LIBC.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the build died before the line above took effect
        os._exit(1)


def name_process(name: bytes) -> None:
    """Name this process (as `ps` and /proc/PID/comm show it; at most 15 bytes)."""
    if _LIBC is not None:
        _LIBC.prctl(_PR_SET_NAME, ctypes.c_char_p(name[:15]), 0, 0, 0)


def worker_started(parent: int) -> None:
    """Worker initializer: die with the build; yield to the search index while it runs."""
    die_with_parent(parent)
    yield_to_background()


def yield_to_background() -> None:
    """Lower this process's priority by background['nice'] (workers started while Pagefind indexes)."""
    if background["nice"]:
        try:
            os.nice(background["nice"])
        except OSError:
            pass


def count(jobs: int | None = None) -> int:
    """Worker processes to use: `jobs`, or every core this process may run on."""
    if jobs:
        return max(1, jobs)
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _run(bounds: tuple[int, int]) -> list[Any]:
    assert _TASK is not None
    return _TASK(*bounds)


def chunked(task: Callable[[int, int], list[T]], total: int, jobs: int | None = None, step: int = 32,
            parallel_from: int | None = None) -> Iterator[T]:
    """Yield task(start, end)'s results for consecutive ranges covering 0..total, in order.

    With many jobs and more than one core, ranges run in forked worker processes.
    """
    global _TASK
    workers = count(jobs)
    threshold = PARALLEL_FROM if parallel_from is None else parallel_from
    if workers < 2 or total < threshold or "fork" not in multiprocessing.get_all_start_methods():
        yield from task(0, total)
        return
    step = max(1, min(step, -(-total // (workers * 4))))
    _TASK = task
    try:
        with frozen_heap(), multiprocessing.get_context("fork").Pool(workers, initializer=worker_started,
                                                                     initargs=(os.getpid(),)) as pool:
            for results in pool.imap(_run, [(i, min(i + step, total)) for i in range(0, total, step)]):
                yield from results
    finally:
        _TASK = None


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Fork workers with the build's objects out of reach of the garbage collector.

    A forked worker shares its parent's memory until either writes to it. The collector writes
    into every object it examines, so one full collection in a worker would copy the whole heap
    into it; frozen objects are never examined (gc.freeze). They are unfrozen when the pool ends.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
