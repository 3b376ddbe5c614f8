"""Executors: run independent tasks serially, on a local process pool, or on a dask cluster.

A task is a module-level function applied to a small picklable item (a claim id, a script path),
so the same call runs unchanged in this process, in a ``ProcessPoolExecutor`` worker or on a
``dask.distributed`` worker. Claims and figure scripts are seeded, so the results do not depend
on which executor ran them::

    from functools import partial
    records = map_tasks(partial(check_claim, quick=True), ids, jobs=4)
    records = map_tasks(partial(check_claim, quick=True), ids, scheduler="tcp://host:8786")

:func:`check_claim` and :func:`run_script` never raise: an exception inside a claim or a script
becomes a failed record carrying the traceback (its last line in ``details["error"]``).

Every executor runs its tasks with one BLAS thread (:func:`single_blas_thread`): a matrix product
split over several threads sums in another order, so a claim checked here with multi-threaded BLAS
and in a worker with one thread would differ around 1e-10 and verdicts would depend on ``--jobs``.
With one thread everywhere, records are bit-identical whichever executor ran them.

A task runs in :func:`task_environment`: one BLAS thread, the run cache switched on or off as the
command line says (``SAMLAB_CACHE``, set in the task itself so that spawned and dask workers follow
it too) and the output mode of :mod:`samlab.experiment` (quick outputs marked and kept apart).
A claim record carries its wall-clock ``seconds`` at the top level, never in ``details``, so that
the verdict itself is the same bytes on every run.

Scheduling: the local pool keeps exactly ``jobs`` tasks in flight and starts them in the order of
``priority`` (longest expected first, from the previous run's timings), so ``on_start`` knows what
runs and a long task does not start last.

Incremental runs: :func:`task_key` names a task's outcome by everything it depends on (the task,
mode, seed, the samlab sources, the script's source, ...); ``samlab reproduce`` keeps outcomes in
the task cache (:func:`samlab.cache.store_task`) and skips a task whose key and written files are
unchanged.

Ctrl-C: pool workers ignore SIGINT; the parent, on KeyboardInterrupt, cancels what is pending,
terminates the workers (their running tasks are abandoned) and re-raises, so the caller prints one
line instead of one traceback per worker.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import multiprocessing
import os
import platform
import signal
import sys
import threading
import time
import traceback
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence

__all__ = ["map_tasks", "check_claim", "run_script", "run_task", "load_script", "executor_name", "SchedulerUnavailable",
           "single_blas_thread", "task_environment", "task_key", "task_name"]


class SchedulerUnavailable(RuntimeError):
    """``scheduler=`` was given but dask.distributed is not installed."""


def executor_name(jobs: int = 1, scheduler: Any = None) -> str:
    """Human-readable description of where tasks run (for reports)."""
    if scheduler is not None:
        return f"dask.distributed ({scheduler if isinstance(scheduler, str) else type(scheduler).__name__})"
    return "serial" if jobs <= 1 else f"process pool, {jobs} workers"


def map_tasks(fn: Callable[[Any], Any], items: Iterable[Any], jobs: int = 1, scheduler: Any = None,
              on_done: Callable[[int, Any, Any], None] | None = None, *, mp_context: str | None = None,
              on_start: Callable[[int, Any], None] | None = None,
              priority: Sequence[float] | None = None,
              after: Sequence[Sequence[int]] | None = None) -> list[Any]:
    """``[fn(item) for item in items]``, possibly in parallel, in the order of ``items``.

    jobs : number of local worker processes (1 = run here, one after the other).
    scheduler : address of a dask.distributed scheduler (``"tcp://host:8786"``), or a ``Client``
        or cluster object; takes precedence over ``jobs``. Needs the ``samlab[dask]`` extra.
    on_done : called as ``on_done(index, item, result)`` in this process as each task finishes
        (completion order), e.g. to print progress.
    on_start : called as ``on_start(index, item)`` in this process when a task starts (serial and
        local pool: exactly; dask: when it is submitted).
    priority : one number per item; the local pool starts higher ones first (e.g. the seconds a
        task took last time: longest first, so the pool does not end waiting for one long task).
        The results keep the order of ``items`` whatever the schedule.
    after : per item, indices of items that must finish before it starts (local pool). A figure script
        waits for the claims it illustrates: they share runs through the run cache, and two workers
        computing the same run at once would compute it twice. A cycle is broken by starting the
        highest-priority waiting task.
    mp_context : start method of the local pool. Default: ``"fork"`` when this process runs a
        single thread (workers start at once, with samlab already imported), else ``"spawn"``
        (forking a multi-threaded process can deadlock). Tasks are seeded, so the results do not
        depend on the start method.

    An exception raised by ``fn`` (or a KeyboardInterrupt here) propagates after the pending tasks
    are cancelled and the pool's workers stopped. Tasks run with one BLAS thread (module docstring).
    """
    items = list(items)
    if isinstance(jobs, bool) or int(jobs) != jobs or jobs < 1:
        raise ValueError(f"jobs must be a positive integer, got {jobs!r}")
    jobs = int(jobs)
    if priority is not None and len(priority) != len(items):
        raise ValueError(f"priority must give one number per item ({len(items)}), got {len(priority)}")
    if after is not None and len(after) != len(items):
        raise ValueError(f"after must give one list per item ({len(items)}), got {len(after)}")
    results: list[Any] = [None] * len(items)
    if not items:
        return results
    if scheduler is not None:
        if on_start is not None:
            for i, item in enumerate(items):
                on_start(i, item)
        return _map_dask(_WithSingleBlasThread(fn), items, scheduler, on_done, results)
    if jobs == 1 or len(items) == 1:
        with single_blas_thread():
            for i, item in enumerate(items):
                if on_start is not None:
                    on_start(i, item)
                results[i] = fn(item)
                if on_done is not None:
                    on_done(i, item, results[i])
        return results
    order = list(range(len(items)))
    if priority is not None:
        order.sort(key=lambda i: -float(priority[i]))  # stable: ties keep the items' order
    waits = [set() if after is None else {int(j) for j in after[i] if 0 <= int(j) < len(items) and j != i}
             for i in range(len(items))]
    finished: set[int] = set()
    context = multiprocessing.get_context(mp_context or _default_start_method())
    workers = min(jobs, len(items))
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker)
    futures: dict[Any, int] = {}

    def submit_next() -> None:
        """Start the first task in priority order whose prerequisites are done (or, if nothing runs
        and nothing is ready, the first waiting one: a cycle must not stall the pool)."""
        if not order:
            return
        ready = next((i for i in order if waits[i] <= finished), None)
        if ready is None:
            if futures:
                return  # a running task will release one
            ready = order[0]
        order.remove(ready)
        futures[pool.submit(fn, items[ready])] = ready
        if on_start is not None:
            on_start(ready, items[ready])

    try:
        for _ in range(workers):  # exactly `workers` in flight: what runs is what was submitted
            submit_next()
        while futures:
            done, _ = wait(list(futures), return_when=FIRST_COMPLETED)
            for future in sorted(done, key=futures.get):
                i = futures.pop(future)
                results[i] = future.result()
                finished.add(i)
                while len(futures) < workers and order:
                    before = len(futures)
                    submit_next()
                    if len(futures) == before:
                        break
                if on_done is not None:
                    on_done(i, items[i], results[i])
    except BaseException:
        _stop(pool, futures)
        raise
    pool.shutdown()
    return results


def single_blas_thread():
    """Context manager limiting BLAS to one thread (threadpoolctl), restoring the count on exit.

    Used around every task, serial or parallel, so that results do not depend on the executor; and
    N workers × multi-threaded BLAS on N cores would oversubscribe (OpenBLAS's spinning threads then
    slow a matrix-product-bound run down by 10–100×).
    """
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


class _WithSingleBlasThread:
    """``fn`` run under :func:`single_blas_thread` (picklable, for dask workers)."""

    def __init__(self, fn: Callable[[Any], Any]):
        self.fn = fn

    def __call__(self, item: Any) -> Any:
        with single_blas_thread():
            return self.fn(item)


def _init_worker() -> None:
    """Pool worker set-up: one BLAS thread for the worker's life, and SIGINT ignored (the parent
    handles Ctrl-C and stops the workers, so no worker prints a KeyboardInterrupt traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    single_blas_thread()


def _stop(pool: ProcessPoolExecutor, futures) -> None:
    """Cancel pending tasks and terminate the workers now (running tasks are abandoned).

    ``shutdown(wait=True)`` would wait for every running task, minutes after a Ctrl-C; Python 3.11
    has no public call that stops a running worker, hence ``_processes`` (the executor's own table).
    """
    for future in futures:
        future.cancel()
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=10)


def _default_start_method() -> str:
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _dask():
    try:
        from dask import distributed
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise SchedulerUnavailable(
            "--scheduler needs dask.distributed, which is not installed: pip install 'samlab[dask]'"
            f" ({exc})") from None
    return distributed


def _map_dask(fn, items, scheduler, on_done, results):
    distributed = _dask()
    own_client = not isinstance(scheduler, distributed.Client)
    client = distributed.Client(scheduler, set_as_default=False) if own_client else scheduler
    try:
        # pure=False: every item is computed (never deduplicated from a cache on the cluster)
        futures = client.map(fn, items, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        try:
            for future in distributed.as_completed(futures, loop=client.loop):
                i = index[future.key]
                results[i] = future.result()
                if on_done is not None:
                    on_done(i, items[i], results[i])
        except BaseException:
            client.cancel(futures)
            raise
    finally:
        if own_client:
            client.close()
    return results


# ----------------------------------------------------------------------------- tasks
def _error_line(exc: BaseException) -> str:
    lines = traceback.format_exception_only(type(exc), exc)
    return lines[-1].strip() if lines else type(exc).__name__


@contextmanager
def _cache_switch(cache: bool | None) -> Iterator[None]:
    """``SAMLAB_CACHE`` set to "1"/"0" inside the block (None: left as it is), restored after."""
    if cache is None:
        yield
        return
    from .cache import ENV_SWITCH

    previous = os.environ.get(ENV_SWITCH)
    os.environ[ENV_SWITCH] = "1" if cache else "0"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(ENV_SWITCH, None)
        else:
            os.environ[ENV_SWITCH] = previous


@contextmanager
def task_environment(quick: bool = False, out: str | Path | None = None, cache: bool | None = None) -> Iterator[None]:
    """Where every task runs: one BLAS thread, the run cache on/off (None: as ``SAMLAB_CACHE`` says),
    and samlab.experiment's output mode (quick outputs marked, under ``out`` or the mode's default)."""
    from .experiment import output_mode

    with ExitStack() as stack:
        stack.enter_context(single_blas_thread())
        stack.enter_context(_cache_switch(cache))
        stack.enter_context(output_mode(bool(quick), out))
        yield


def check_claim(claim_id: str, quick: bool = False, seed: int = 0, modules: tuple[str, ...] = (),
                controls: bool = False, cache: bool | None = None, out: str | None = None) -> dict[str, Any]:
    """Check one registered claim and return its record (a JSON-ready dict).

    Keys: id, paper, statement, provenance, kind, passed, measured, predicted, tolerance, quantity,
    unit, criteria, findings, details, seconds (wall clock: outside ``details``, so that the verdict
    is the same bytes on every run); with ``controls``, also controls (one
    :meth:`ControlOutcome.to_dict` per control: the claim measured where it must fail). An exception
    inside the claim gives ``passed=False`` with the traceback's last line in ``details["error"]``
    (and the whole traceback in ``details["traceback"]``). ``modules``: users' claims files to load
    first (a worker process has not loaded them). ``cache``: the run cache on/off (None: unchanged);
    ``out``: the figures folder for files the claim writes (default: by mode, samlab.experiment).
    """
    from . import claims
    from .result import recording_writes

    for path in modules:
        claims.load_module(path)
    c = claims.get(claim_id)
    record = c.describe()
    started = time.perf_counter()
    with task_environment(quick, out, cache), recording_writes() as written:
        try:
            verdict = c.check(quick=quick, seed=seed)
            record.update(verdict.to_dict())
        except Exception as exc:  # a broken claim is a failed verdict, never a crash of the caller
            record.update({"passed": False, "measured": None, "predicted": None, "tolerance": "",
                           "details": {"error": _error_line(exc), "traceback": traceback.format_exc(),
                                       "mode": "quick" if quick else "full", "seed": int(seed)}})
        if controls:
            try:
                record["controls"] = [o.to_dict() for o in c.check_controls(quick=quick, seed=seed)]
            except Exception as exc:
                record["controls"] = [{"name": "(controls)", "overrides": {}, "discriminates": False, "passed": None,
                                       "measured": None, "predicted": None, "error": _error_line(exc)}]
    details = record.get("details")
    if isinstance(details, dict):
        details.pop("seconds", None)
    record["seconds"] = round(time.perf_counter() - started, 3)
    files = _own_files(written)
    if files:  # e.g. a worst-case claim's instance; the caller drops the key once it has used it
        record["written"] = files
    return record


def _own_files(written: Iterable[str]) -> list[str]:
    """The files a task wrote, sorted, without the run cache's entries (they belong to the cache)."""
    from .cache import location

    cache_dir = location().resolve()
    return sorted({str(p) for p in written if cache_dir not in Path(p).resolve().parents})


def load_script(path: str | Path):
    """Import a figure script by its path (as a fresh module that is not kept in sys.modules)."""
    path = Path(path)
    name = "samlab_script_" + "_".join(path.with_suffix("").parts[-2:]).replace("-", "_").replace(".", "_")
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look the module up while it executes
    try:
        spec.loader.exec_module(module)
    finally:
        sys.modules.pop(name, None)
    return module


def run_script(path: str, quick: bool = False, out: str | None = None, cache: bool | None = None) -> dict[str, Any]:
    """Run a figure script's ``main(quick=..., out=...)`` and return a record.

    Keys: path, ok, outputs (paths the script returned, as strings), written (every file it wrote
    through samlab's atomic writers, sorted; the run cache's own files excepted), seconds, error
    (last traceback line or None), traceback. ``out=None``: the mode's default folder
    (``figures/`` or ``figures/quick/``).
    """
    from .experiment import default_out
    from .result import recording_writes

    started = time.perf_counter()
    record: dict[str, Any] = {"path": str(path), "ok": False, "outputs": [], "written": [], "error": None,
                              "traceback": None}
    folder = Path(out) if out is not None else default_out(quick)
    with task_environment(quick, folder, cache), recording_writes() as written:
        try:
            module = load_script(path)
            main = getattr(module, "main", None)
            if not callable(main):
                raise AttributeError(f"{path} defines no main(quick, out) function")
            outputs = main(quick=quick, out=folder)
            record["outputs"] = [str(p) for p in (outputs or [])]
            record["ok"] = True
        except Exception as exc:
            record["error"] = _error_line(exc)
            record["traceback"] = traceback.format_exc()
    record["written"] = _own_files(written)
    record["seconds"] = round(time.perf_counter() - started, 3)
    return record


def run_task(task: tuple[str, str], quick: bool = False, seed: int = 0, out: str | None = None,
             modules: tuple[str, ...] = (), controls: bool = False, cache: bool | None = None) -> dict[str, Any]:
    """Dispatch ``("claim", claim_id)`` to :func:`check_claim` and ``("script", path)`` to :func:`run_script`.

    Lets one pool (or one cluster submission) run figure scripts and claims side by side.
    """
    kind, target = task
    if kind == "claim":
        return check_claim(target, quick=quick, seed=seed, modules=modules, controls=controls, cache=cache, out=out)
    if kind == "script":
        return run_script(target, quick=quick, out=out, cache=cache)
    raise ValueError(f"task kind must be 'claim' or 'script', got {kind!r}")


# ----------------------------------------------------------------------------- task identity
def task_name(task: tuple[str, str], root: str | Path | None = None) -> str:
    """A stable, readable name: the claim id, or the script's path relative to ``root`` (its
    experiments folder), e.g. ``general/gd_linear_rate.py``; used for timings and progress."""
    kind, target = task
    if kind == "claim":
        return target
    path = Path(target)
    if root is not None:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            pass
    return "/".join(path.parts[-2:])


def _source_digest(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def task_key(task: tuple[str, str], *, quick: bool, seed: int = 0, out: str | Path | None = None,
             modules: Sequence[str] = (), controls: bool = False,
             illustrated_by: Sequence[str | Path] = ()) -> str:
    """The content key of a task's outcome (hex SHA-256): equal keys, equal records and files.

    It covers the task (claim id or script), the mode, and what the outcome depends on: the sources
    of the whole samlab package, the library versions that compute and draw (Python, NumPy, SciPy,
    matplotlib); for a claim the seed, ``controls``, the users' claims files (``modules``) and the
    sources of the figure scripts that illustrate it (``illustrated_by``: those listing it in
    CLAIMS, so that changing a script re-checks its claims); for a script its own source. Both
    include the output folder ``out`` (the files a task writes, e.g. a worst-case claim's instance,
    must be there). The samlab version of the code is its content, not a version number.
    """
    import matplotlib
    import numpy
    import scipy

    from .fingerprint import digest

    kind, target = task
    content: dict[str, Any] = {
        "format": "samlab.task-key/1", "kind": kind, "quick": bool(quick), "samlab": _package_sources(),
        "versions": [platform.python_version(), numpy.__version__, scipy.__version__, matplotlib.__version__],
        "out": str(Path(out).resolve()) if out is not None else None,
    }
    if kind == "claim":
        content.update(claim=target, seed=int(seed), controls=bool(controls),
                       modules=sorted(_source_digest(m) for m in modules),
                       illustrated_by=sorted(_source_digest(p) for p in illustrated_by))
    elif kind == "script":
        content.update(script=_source_digest(target), name=Path(target).name)
    else:
        raise ValueError(f"task kind must be 'claim' or 'script', got {kind!r}")
    return digest(content)


@functools.cache
def _package_sources() -> str:
    """SHA-256 of every samlab source file (read once per process: the code does not change mid-run)."""
    from .fingerprint import source_version

    return source_version()
