"""When each step of a build ran: `build.py build --timings` prints them, the benchmark records them.

Steps overlap (Pagefind indexes in a background thread while pages are rendered), so each is
kept as a span from the start of the process: where it began and how long it took.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

_LOCK = threading.Lock()
_origin = time.perf_counter()


@dataclass(frozen=True)
class Span:
    label: str
    start: float  # seconds since reset(): the start of the command
    seconds: float


SPANS: list[Span] = []


@contextmanager
def span(label: str) -> Iterator[None]:
    """Record how long the body takes under `label` (also when it raises)."""
    started = time.perf_counter()
    try:
        yield
    finally:
        record(label, started)


def record(label: str, started: float) -> None:
    """Record a step that began at perf_counter() value `started` and ends now."""
    now = time.perf_counter()
    with _LOCK:
        SPANS.append(Span(label, round(started - _origin, 3), round(now - started, 3)))


def reset() -> None:
    """Forget earlier spans; later ones start from now (each build of a long-running server)."""
    global _origin
    with _LOCK:
        SPANS.clear()
        _origin = time.perf_counter()


def report() -> str:
    """The spans in the order they began, one per line."""
    lines = ["step                          start s   took s"]
    for item in sorted(SPANS, key=lambda s: s.start):
        lines.append(f"{item.label:<28}{item.start:>8.2f}{item.seconds:>9.2f}")
    return "\n".join(lines)
