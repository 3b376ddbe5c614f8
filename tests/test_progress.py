"""Progress of reproduce/verify: the time left from the previous run's timings, plain lines off a terminal."""

from __future__ import annotations

import io

import pytest

from samlab.progress import Progress, format_seconds


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    c = Clock()
    monkeypatch.setattr("samlab.progress.time.perf_counter", c)
    return c


def test_format_seconds():
    assert [format_seconds(s) for s in (0, 3.4, 59.6, 75, 3599, 4000)] == ["0s", "3s", "1m00s", "1m15s", "59m59s",
                                                                           "1h06m"]


def test_time_left_from_the_previous_run(clock):
    """Pending tasks count in full, running ones minus their elapsed time, shared by the workers;
    never less than what the longest running task still needs; unknown tasks count as the mean."""
    p = Progress(["a", "b", "c", "d"], [40.0, 10.0, 10.0, None], workers=2, stream=io.StringIO(), tty=False)
    assert p.expected == [40.0, 10.0, 10.0, 20.0] and p.total_expected() == 40.0
    assert p.seconds_left() == 40.0
    p.start(0)
    p.start(1)
    clock.now += 8.0
    assert p.seconds_left() == pytest.approx((32 + 2 + 10 + 20) / 2)
    p.done(1, "PASS", 8.0)
    clock.now += 30.0
    assert p.seconds_left() == pytest.approx((2 + 10 + 20) / 2)
    p.start(2)
    p.done(2, "PASS", 1.0)
    p.start(3)
    clock.now += 10.0
    assert p.seconds_left() == pytest.approx(10.0)  # d still needs 10 s; a is late (counts 0)
    assert Progress(["a"], [None], stream=io.StringIO(), tty=False).seconds_left() is None


def test_plain_lines_say_what_runs_what_is_done_and_the_time_left(clock):
    stream = io.StringIO()
    p = Progress(["general/a", "general/b", "general/c"], [30.0, 20.0, 10.0], workers=2, stream=stream, tty=False)
    p.header("3 tasks")
    p.start(0)
    p.start(1)
    clock.now += 20.0
    p.done(1, "PASS", 20.0)
    p.start(2)
    p.done(2, "FAIL", 0.5, note=" (reason)")
    p.close()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "3 tasks"
    assert lines[1] == "[1/3] general/b PASS 20.0s · running: general/a · about 10s left"
    assert lines[2] == "[2/3] general/c FAIL 0.5s (reason) · running: general/a · about 10s left"
    assert "\r" not in stream.getvalue() and "\033" not in stream.getvalue()


def test_terminal_mode_redraws_one_status_line(clock):
    stream = io.StringIO()
    p = Progress(["a", "b"], [5.0, 5.0], stream=stream, tty=True, refresh=0)
    p.start(0)
    assert stream.getvalue().startswith("\r\033[K0/2 done · about 10s left · running: a (0s)")
    p.done(0, "PASS", 1.0)
    p.close()
    text = stream.getvalue()
    assert "\r\033[K[1/2] a PASS 1.0s\n" in text and text.endswith("\r\033[K")


def test_a_long_running_list_is_cut(clock):
    stream = io.StringIO()
    p = Progress([f"t{i}" for i in range(8)], None, workers=8, stream=stream, tty=False)
    for i in range(8):
        p.start(i)
    p.done(0, "PASS", 1.0)
    assert stream.getvalue() == "[1/8] t0 PASS 1.0s · running: t1, t2, t3, t4 and 3 more\n"
