"""Progress of ``samlab reproduce``/``verify``: what runs, what is done, and the time left.

The time left is estimated from the seconds each task took the last time it ran in the same mode
(kept by :func:`samlab.cache.store_timings`, never in any result): the expected work still to do
(pending tasks in full, running tasks minus their elapsed time) divided by the number of workers,
and never less than the longest running task still needs. A task never timed before counts as the
mean of those that were; with no timings at all, no estimate is shown.

On a terminal (stderr is a tty) a status line at the bottom is redrawn every second (from the
first task's start on); elsewhere
(CI logs, pipes) every event is one plain line::

    [3/55] general/gd-linear-rate PASS 0.5s · running: si-yun-2023/nsam-biased-limit · about 2m10s left
"""

from __future__ import annotations

import shutil
import sys
import threading
import time
from typing import Sequence, TextIO

__all__ = ["Progress", "format_seconds"]


def format_seconds(seconds: float) -> str:
    """``75`` → ``"1m15s"``, ``3.2`` → ``"3s"``, ``4000`` → ``"1h07m"``."""
    s = int(round(max(0.0, seconds)))
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{(s % 3600) // 60:02d}m"


class Progress:
    """Track tasks by index; ``start(i)``, ``done(i, status, seconds)``; ``close()`` at the end.

    names : one readable name per task. expected : the seconds each task is expected to take (the
    previous run's), None where unknown. workers : how many tasks run at once. stream : where to
    write (default stderr); tty : force the terminal mode on or off (default: ``stream.isatty()``).
    """

    def __init__(self, names: Sequence[str], expected: Sequence[float | None] | None = None, workers: int = 1,
                 stream: TextIO | None = None, tty: bool | None = None, refresh: float = 1.0):
        self.names = list(names)
        self.workers = max(1, int(workers))
        self.stream = stream if stream is not None else sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)()) if tty is None else bool(tty)
        given = list(expected) if expected is not None else [None] * len(self.names)
        if len(given) != len(self.names):
            raise ValueError(f"expected must give one value per task ({len(self.names)}), got {len(given)}")
        known = [float(v) for v in given if v is not None]
        self.has_estimate = bool(known)
        fallback = sum(known) / len(known) if known else 0.0
        self.expected = [fallback if v is None else float(v) for v in given]
        self.running: dict[int, float] = {}
        self.finished: set[int] = set()
        self._lock = threading.Lock()
        self._status_shown = False
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None
        self._refresh = float(refresh)

    # ------------------------------------------------------------------ estimate
    def seconds_left(self, now: float | None = None) -> float | None:
        """The estimated wall-clock seconds until every task is done (None without timings)."""
        if not self.has_estimate:
            return None
        now = time.perf_counter() if now is None else now
        pending = [self.expected[i] for i in range(len(self.names)) if i not in self.finished and i not in self.running]
        running = [max(self.expected[i] - (now - t0), 0.0) for i, t0 in self.running.items()]
        total = sum(pending) + sum(running)
        return max(total / self.workers, max(running, default=0.0))

    def total_expected(self) -> float | None:
        return sum(self.expected) / self.workers if self.has_estimate else None

    # ------------------------------------------------------------------ events
    def header(self, text: str) -> None:
        """A first line (e.g. how many tasks, how many reused, the expected duration)."""
        with self._lock:
            self._write_line(text)

    def start(self, index: int) -> None:
        with self._lock:
            self.running[index] = time.perf_counter()
            if self.tty:
                self._draw_status()
        if self.tty and self._refresh > 0 and self._ticker is None:
            # started with the first task, not before: a process pool has chosen its start method
            # (fork only while this process has one thread) and forked its workers by then
            self._ticker = threading.Thread(target=self._tick, args=(self._refresh,), daemon=True)
            self._ticker.start()

    def done(self, index: int, status: str, seconds: float | None = None, note: str = "") -> None:
        """Task ``index`` finished with ``status`` (PASS, FAIL, OK, cached …) after ``seconds``."""
        with self._lock:
            self.running.pop(index, None)
            self.finished.add(index)
            timing = f" {seconds:.1f}s" if seconds is not None else ""
            line = f"[{len(self.finished)}/{len(self.names)}] {self.names[index]} {status}{timing}{note}"
            if not self.tty:
                line += self._context()
            self._write_line(line)

    def close(self) -> None:
        self._stop.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)
        with self._lock:
            self._clear_status()
            self.stream.flush()

    # ------------------------------------------------------------------ drawing
    def _context(self) -> str:
        parts = []
        if self.running:
            running = [self.names[i] for i in sorted(self.running)]
            more = f" and {len(running) - 4} more" if len(running) > 4 else ""
            parts.append("running: " + ", ".join(running[:4]) + more)
        left = self.seconds_left()
        if left is not None and len(self.finished) < len(self.names):
            parts.append(f"about {format_seconds(left)} left")
        return "".join(" · " + p for p in parts)

    def _status_line(self) -> str:
        now = time.perf_counter()
        running = ", ".join(f"{self.names[i]} ({format_seconds(now - t0)})" for i, t0 in sorted(self.running.items()))
        left = self.seconds_left(now)
        text = f"{len(self.finished)}/{len(self.names)} done"
        if left is not None:
            text += f" · about {format_seconds(left)} left"
        if running:
            text += f" · running: {running}"
        width = shutil.get_terminal_size((100, 20)).columns - 1
        return text if len(text) <= width else text[: max(width - 1, 0)] + "…"

    def _clear_status(self) -> None:
        if self._status_shown:
            self.stream.write("\r\033[K")
            self._status_shown = False

    def _draw_status(self) -> None:
        self.stream.write("\r\033[K" + self._status_line())
        self.stream.flush()
        self._status_shown = True

    def _write_line(self, line: str) -> None:
        self._clear_status()
        self.stream.write(line + "\n")
        if self.tty and len(self.finished) < len(self.names):
            self._draw_status()
        else:
            self.stream.flush()

    def _tick(self, refresh: float) -> None:
        while not self._stop.wait(refresh):
            with self._lock:
                if len(self.finished) < len(self.names):
                    self._draw_status()
