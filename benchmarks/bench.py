"""samlab's speed against a minimal batched NumPy loop, the arithmetic floor and a per-run loop.

    python3.11 benchmarks/bench.py            # both workloads, ratios measured in this one process
    python3.11 benchmarks/bench.py --e2e      # then the end-to-end measurement (benchmarks/reproduction.py)

Every contender produces the same numbers (checked before timing). Times are the best of
``--repeat`` runs, so a busy machine inflates them less than a mean would.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import tracemalloc
import zlib

import numpy as np

import samlab as sl


def best_of(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


# ---------------------------------------------------------------- workload 1: dense sweep
def workload_dense(repeat: int) -> dict:
    """Normalized SAM, 100-dim quadratic (spectrum logspace(−1, 0)), 256 runs, lr 0.5, 2000 steps."""
    steps, lr = 2000, 0.5
    p = sl.problems.Quadratic.from_spectrum(np.logspace(-1, 0, 100), seed=1)
    H = p.H
    rho = np.repeat(np.logspace(-3, -1, 16), 16)
    x0 = np.random.default_rng(0).standard_normal((256, 100))
    alg = sl.algorithms.sam(lr, rho)

    def samlab_run():
        return sl.run(p, alg, x0, steps, checkpoints=2).x

    def minimal():  # the same arithmetic as samlab, with no abstraction
        X, r = x0.copy(), rho[:, None]
        for _ in range(steps):
            G = X @ H
            n = np.sqrt(np.einsum("ij,ij->i", G, G))
            s = np.divide(1.0, n, out=np.zeros_like(n), where=n != 0)
            Y = X + G * (s[:, None] * r)
            X = X - lr * (Y @ H)
        return X

    def floor():  # only the two matrix products a SAM step needs
        X = x0.copy()
        for _ in range(steps):
            G = X @ H
            X = G @ H
        return X

    def per_run():  # the way most papers' scripts are written: one run at a time
        out = np.empty_like(x0)
        for b in range(x0.shape[0]):
            x = x0[b].copy()
            for _ in range(steps):
                g = H @ x
                y = x + rho[b] * g / np.linalg.norm(g)
                x = x - lr * (H @ y)
            out[b] = x
        return out

    a, m = samlab_run(), minimal()
    assert np.array_equal(a, m), "samlab and the minimal loop disagree"
    pr = per_run()
    # the per-run loop multiplies H @ x instead of x @ H: the same numbers up to rounding. Which
    # phase of the final 2-cycle a run ends in can flip with rounding, so compare f, not x.
    fa, fp = p.value(a), p.value(pr)
    assert np.max(np.abs(fp - fa) / fa) < 1e-9, np.max(np.abs(fp - fa) / fa)
    t_samlab = best_of(samlab_run, repeat)
    t_ckpt = best_of(lambda: sl.run(p, alg, x0, steps), repeat)  # default ~100 checkpoints
    t_min = best_of(minimal, repeat)
    t_floor = best_of(floor, repeat)
    t_loop = best_of(per_run, 1)
    return {"samlab": t_samlab, "samlab_100_checkpoints": t_ckpt, "minimal": t_min, "floor": t_floor,
            "per_run_loop": t_loop}


# ---------------------------------------------------------------- workload 2: many small runs
def workload_small(repeat: int, loop_runs: int = 32) -> dict:
    """Stochastic normalized SAM on x² − y², Gaussian noise σ = 0.01 (same at ascent and descent),
    4096 runs, 20000 steps, lr 0.01, ρ 0.05."""
    steps, runs, lr, rho, sigma, seed = 20000, 4096, 0.01, 0.05, 0.01, 0
    p = sl.problems.quadratic_saddle((2.0, -2.0))
    H = p.H
    x0 = np.array([-3.0, -0.01])
    alg = sl.algorithms.sam(lr, rho)
    noise = sl.noise.Gaussian(sigma)

    def noise_stream():  # samlab's ascent-noise stream for (seed, name="")
        ss = np.random.SeedSequence([seed, zlib.crc32(b"")])
        return np.random.Generator(np.random.PCG64(ss.spawn(5)[2]))

    def samlab_run():
        return sl.run(p, alg, x0, steps, runs=runs, noise=noise, seed=seed, checkpoints=2).x

    def minimal(nsteps=steps):
        rng = noise_stream()
        X = np.broadcast_to(x0, (runs, 2)).copy()
        for _ in range(nsteps):
            xi = rng.standard_normal((runs, 2)) * sigma
            G = X @ H + xi
            n = np.sqrt(np.einsum("ij,ij->i", G, G))
            s = np.divide(1.0, n, out=np.zeros_like(n), where=n != 0)
            Y = X + G * (s[:, None] * rho)
            X = X - lr * (Y @ H + xi)
        return X

    def floor():
        rng = noise_stream()
        X = np.broadcast_to(x0, (runs, 2)).copy()
        for _ in range(steps):
            xi = rng.standard_normal((runs, 2))
            X = X @ H + xi
        return X

    def per_run(nruns):
        rng = noise_stream()
        xis = rng.standard_normal((steps, nruns, 2)) * sigma  # drawn up front, outside the timed loop
        started = time.perf_counter()
        for b in range(nruns):
            x = x0.copy()
            for k in range(steps):
                g = H @ x + xis[k, b]
                n = np.linalg.norm(g)
                y = x + (rho / n) * g if n > 0 else x
                x = x - lr * (H @ y + xis[k, b])
        return time.perf_counter() - started

    # every run escapes the saddle (x² − y² is unbounded below) and overflows near step 11,900,
    # after which samlab freezes it as "diverged" while the loop carries inf: compare before that
    check = 10_000
    res = sl.run(p, alg, x0, check, runs=runs, noise=noise, seed=seed, checkpoints=2)
    assert res.ok.all() and np.array_equal(res.x, minimal(check)), "samlab and the minimal loop disagree"
    t_loop_part = per_run(loop_runs)
    return {"samlab": best_of(samlab_run, repeat), "minimal": best_of(minimal, repeat),
            "floor": best_of(floor, repeat),
            "per_run_loop (extrapolated from %d runs)" % loop_runs: t_loop_part * runs / loop_runs}


# ---------------------------------------------------------------- memory
def memory_check() -> dict:
    """Peak traced memory of keep_iterates=False runs must not grow with the number of steps."""
    p = sl.problems.Quadratic.from_spectrum(np.logspace(-1, 0, 100), seed=1)
    x0 = np.random.default_rng(0).standard_normal((256, 100))
    peaks = {}
    for steps in (500, 5000):
        tracemalloc.start()
        sl.run(p, sl.algorithms.sam(0.5, 0.01), x0, steps)
        peaks[steps] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return {f"peak MiB ({s} steps)": v / 2**20 for s, v in peaks.items()}


def end_to_end() -> None:
    """The end-to-end measurement lives in reproduction.py (a clean clone, an empty cache, the goals)."""
    subprocess.run([sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "reproduction.py")],
                   check=True)


def main() -> None:
    np.seterr(all="ignore")  # the per-run loop carries escaped (overflowing) runs of workload 2
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--e2e", action="store_true", help="then run benchmarks/reproduction.py (end to end)")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, {os.cpu_count()} cores")
    for name, fn in (("workload 1: dense sweep", workload_dense), ("workload 2: many small runs", workload_small)):
        times = fn(args.repeat)
        print(f"\n{name}")
        for k, v in times.items():
            print(f"  {k:45s} {v:8.3f} s   samlab/this = {times['samlab'] / v:5.2f}")
        print(f"  samlab / minimal = {times['samlab'] / times['minimal']:.3f}, "
              f"samlab / floor = {times['samlab'] / times['floor']:.3f}")
        if "samlab_100_checkpoints" in times:
            print(f"  cost of ~100 checkpoints = {times['samlab_100_checkpoints'] / times['samlab'] - 1:+.1%}")
    print("\nmemory:", {k: round(v, 2) for k, v in memory_check().items()})
    if args.e2e:
        end_to_end()


if __name__ == "__main__":
    main()
