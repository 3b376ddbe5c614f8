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

Ctrl-C: pool workers ignore SIGINT; the parent, on KeyboardInterrupt, cancels what is pending,
terminates the workers (their running tasks are abandoned) and re-raises, so the caller prints one
line instead of one traceback per worker.
"""

from __future__ import annotations

import importlib.util
import multiprocessing
import signal
import sys
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, Callable, Iterable

__all__ = ["map_tasks", "check_claim", "run_script", "run_task", "load_script", "executor_name", "SchedulerUnavailable",
           "single_blas_thread"]


class SchedulerUnavailable(RuntimeError):
    """``scheduler=`` was given but dask.distributed is not installed."""


def executor_name(jobs: int = 1, scheduler: Any = None) -> str:
    """Human-readable description of where tasks run (for reports)."""
    if scheduler is not None:
        return f"dask.distributed ({scheduler if isinstance(scheduler, str) else type(scheduler).__name__})"
    return "serial" if jobs <= 1 else f"process pool, {jobs} workers"


def map_tasks(fn: Callable[[Any], Any], items: Iterable[Any], jobs: int = 1, scheduler: Any = None,
              on_done: Callable[[int, Any, Any], None] | None = None, *, mp_context: str | None = None) -> list[Any]:
    """``[fn(item) for item in items]``, possibly in parallel, in the order of ``items``.

    jobs : number of local worker processes (1 = run here, one after the other).
    scheduler : address of a dask.distributed scheduler (``"tcp://host:8786"``), or a ``Client``
        or cluster object; takes precedence over ``jobs``. Needs the ``samlab[dask]`` extra.
    on_done : called as ``on_done(index, item, result)`` in this process as each task finishes
        (completion order), e.g. to print progress.
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
    results: list[Any] = [None] * len(items)
    if not items:
        return results
    if scheduler is not None:
        return _map_dask(_WithSingleBlasThread(fn), items, scheduler, on_done, results)
    if jobs == 1 or len(items) == 1:
        with single_blas_thread():
            for i, item in enumerate(items):
                results[i] = fn(item)
                if on_done is not None:
                    on_done(i, item, results[i])
        return results
    context = multiprocessing.get_context(mp_context or _default_start_method())
    pool = ProcessPoolExecutor(max_workers=min(jobs, len(items)), mp_context=context, initializer=_init_worker)
    futures: dict[Any, int] = {}
    try:
        futures = {pool.submit(fn, item): i for i, item in enumerate(items)}
        for future in as_completed(futures):
            i = futures[future]
            results[i] = future.result()
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


def check_claim(claim_id: str, quick: bool = False, seed: int = 0) -> dict[str, Any]:
    """Check one registered claim and return its record (a JSON-ready dict).

    Keys: id, paper, statement, provenance, kind, passed, measured, predicted, tolerance, details.
    An exception inside the claim gives ``passed=False`` with the traceback's last line in
    ``details["error"]`` (and the whole traceback in ``details["traceback"]``).
    """
    from . import claims

    c = claims.get(claim_id)
    record = c.describe()
    started = time.perf_counter()
    try:
        verdict = c.check(quick=quick, seed=seed)
        record.update(verdict.to_dict())
    except Exception as exc:  # a broken claim is a failed verdict, never a crash of the caller
        record.update({"passed": False, "measured": None, "predicted": None, "tolerance": "",
                       "details": {"error": _error_line(exc), "traceback": traceback.format_exc(),
                                   "mode": "quick" if quick else "full", "seed": int(seed),
                                   "seconds": round(time.perf_counter() - started, 3)}})
    return record


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


def run_script(path: str, quick: bool = False, out: str | None = None) -> dict[str, Any]:
    """Run a figure script's ``main(quick=..., out=...)`` and return a record.

    Keys: path, ok, outputs (paths the script returned, as strings), seconds, error (last
    traceback line or None), traceback.
    """
    started = time.perf_counter()
    record: dict[str, Any] = {"path": str(path), "ok": False, "outputs": [], "error": None, "traceback": None}
    try:
        module = load_script(path)
        main = getattr(module, "main", None)
        if not callable(main):
            raise AttributeError(f"{path} defines no main(quick, out) function")
        outputs = main(quick=quick, out=None if out is None else Path(out))
        record["outputs"] = [str(p) for p in (outputs or [])]
        record["ok"] = True
    except Exception as exc:
        record["error"] = _error_line(exc)
        record["traceback"] = traceback.format_exc()
    record["seconds"] = round(time.perf_counter() - started, 3)
    return record



def run_task(task: tuple[str, str], quick: bool = False, seed: int = 0, out: str | None = None) -> dict[str, Any]:
    """Dispatch ``("claim", claim_id)`` to :func:`check_claim` and ``("script", path)`` to :func:`run_script`.

    Lets one pool (or one cluster submission) run figure scripts and claims side by side.
    """
    kind, target = task
    if kind == "claim":
        return check_claim(target, quick=quick, seed=seed)
    if kind == "script":
        return run_script(target, quick=quick, out=out)
    raise ValueError(f"task kind must be 'claim' or 'script', got {kind!r}")
