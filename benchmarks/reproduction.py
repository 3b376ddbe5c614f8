"""End to end: the full reproduction, the cached re-run, ``verify --quick``, and where the time goes.

    python3.11 benchmarks/reproduction.py --write              # the measurement, into benchmarks/README.md
    python3.11 benchmarks/reproduction.py --same-bytes --write # also a --jobs 1 reproduction, compared byte for byte
    python3.11 benchmarks/reproduction.py --quick              # the same steps in quick mode (checks the script)

It clones the current commit (``git clone``: committed files only, a clean checkout) into a
temporary folder and runs there, with an empty run cache of its own, so nothing of this checkout is
read or overwritten:

1. ``samlab verify --quick --jobs J --no-cache`` (every claim, nothing cached);
2. ``samlab reproduce --jobs J`` (full mode, starting from an empty cache: claims and figure scripts
   share their runs through it);
3. the same command again (nothing changed: every task is reused);
4. with ``--same-bytes``: ``samlab reproduce --jobs 1 --no-cache`` in a second clone, and the
   report, verdicts, data files and PNGs compared with those of step 2 byte for byte.

The per-task seconds come from the timings that ``reproduce`` records for its time-left estimate
(one entry per claim and per figure script, measured in the worker that ran it: on a loaded pool
they include the wait for the CPU). ``--write`` replaces the generated block of benchmarks/README.md.
Goals (issue "End to end"): full reproduction ≤ 6 min, cached re-run < 30 s, verify --quick < 15 s,
on 2 cores with --jobs 2.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BEGIN, END = "<!-- reproduction:begin -->", "<!-- reproduction:end -->"
GOALS = {"reproduce": 360.0, "cached": 30.0, "verify": 15.0}


def run(cmd: list[str], cwd: Path, env: dict[str, str]) -> dict:
    """Run a samlab command in the clone; wall seconds, exit status, peak RSS of the children."""
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "samlab.cli", *cmd], cwd=cwd, env=env, capture_output=True,
                          text=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    tail = proc.stdout.strip().splitlines()[-3:]
    print(f"  samlab {' '.join(cmd)}: {seconds:.1f} s, exit {proc.returncode}; " + " | ".join(tail), flush=True)
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr[-4000:])
        raise SystemExit(f"samlab {' '.join(cmd)} exited {proc.returncode}")
    return {"seconds": seconds, "exit": proc.returncode, "peak_rss_mib": peak, "stdout": proc.stdout}


def files(folder: Path) -> dict[str, bytes]:
    """The report, verdicts, data files, tables and PNGs under ``folder`` (not timings.json: wall-clock times)."""
    keep = (".json", ".npz", ".png", ".md", ".csv", ".gif")
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.suffix in keep and p.name != "timings.json"}


def compare(a: Path, b: Path) -> dict:
    """Every file of ``b`` (a reproduction's own outputs) against the same path under ``a``."""
    fa, fb = files(a), files(b)
    differ = sorted(n for n in fb if n in fa and fa[n] != fb[n])
    return {"files": len(fb), "only_in_one": sorted(n for n in fb if n not in fa), "differ": differ}


def table(timings: dict[str, float], scripts: set[str]) -> list[str]:
    rows = sorted(timings.items(), key=lambda kv: -kv[1])
    lines = ["| task | kind | seconds |", "| --- | --- | ---: |"]
    lines += [f"| `{name}` | {'figure script' if name in scripts else 'claim'} | {sec:.1f} |" for name, sec in rows]
    return lines


def outcome(stdout: str) -> str:
    """"55/55 claims passed, 22/22 figure scripts ran" from a reproduce's summary line."""
    found = re.search(r"(\d+)/(\d+) claims passed; (\d+)/(\d+) figure scripts ran", stdout)
    return f"{found[1]}/{found[2]} claims passed, {found[3]}/{found[4]} figure scripts ran" if found else "?"


def render(m: dict) -> str:
    mode = "quick" if m["quick"] else "full"
    t = m["timings"]
    scripts = {n for n in t if n.endswith(".py")}
    claims_cpu = sum(v for n, v in t.items() if n not in scripts)
    scripts_cpu = sum(v for n, v in t.items() if n in scripts)

    def goal(seconds: float, key: str) -> str:
        if m["quick"] and key == "reproduce":
            return "—"
        return f"{'met' if seconds <= GOALS[key] else 'missed'} (goal {'≤' if key == 'reproduce' else '<'} {GOALS[key]:.0f} s)"

    lines = [BEGIN, "",
             f"Measured by `python3.11 benchmarks/reproduction.py{' --quick' if m['quick'] else ''}"
             f"{' --same-bytes' if m['same_bytes'] is not None else ''} --write` on {m['date']}, commit "
             f"`{m['commit']}`, a clean clone, {m['cpus']} cores, Python {m['python']}, load average "
             f"{m['load']:.1f} at the start; `--jobs {m['jobs']}`.", "",
             "| step | wall time | goal |", "| --- | ---: | --- |",
             f"| `samlab verify --quick --jobs {m['jobs']} --no-cache` ({m['n_claims']} claims) | "
             f"{m['verify']['seconds']:.1f} s | {goal(m['verify']['seconds'], 'verify')} |",
             f"| `samlab reproduce{' --quick' if m['quick'] else ''} --jobs {m['jobs']}` ({mode}, empty cache: "
             f"{outcome(m['reproduce']['stdout'])}) | {m['reproduce']['seconds']:.1f} s | "
             f"{goal(m['reproduce']['seconds'], 'reproduce')} |",
             f"| the same again (nothing changed: every task reused) | {m['cached']['seconds']:.1f} s | "
             f"{goal(m['cached']['seconds'], 'cached')} |", "",
             f"CPU time of the tasks (sum of the per-task seconds): claims {claims_cpu:.0f} s, figure scripts "
             f"{scripts_cpu:.0f} s; peak RSS {m['reproduce']['peak_rss_mib']:.0f} MiB."]
    if m["same_bytes"] is not None:
        sb = m["same_bytes"]
        verdict = "identical" if not sb["differ"] and not sb["only_in_one"] else \
            f"**differ**: {', '.join(sb['differ'] + sb['only_in_one'])}"
        lines += ["", f"Same bytes: `--jobs {m['jobs']}` against `--jobs 1 --no-cache`: {sb['files']} files "
                      f"(REPORT.md, verdicts.json, data, tables, PNGs) {verdict}."]
    lines += ["", f"Per task ({mode} mode, seconds in the worker that ran it, longest first):", ""]
    lines += table(t, scripts)
    lines += ["", END]
    return "\n".join(lines)


def write_readme(block: str) -> None:
    path = HERE / "README.md"
    text = path.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n## End to end\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--quick", action="store_true", help="reproduce in quick mode (to check this script)")
    parser.add_argument("--same-bytes", action="store_true", help="also a --jobs 1 --no-cache run, compared")
    parser.add_argument("--write", action="store_true", help="write the table into benchmarks/README.md")
    parser.add_argument("--keep", action="store_true", help="keep the temporary clone (its path is printed)")
    args = parser.parse_args()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    if subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                      text=True).stdout.strip():
        print("note: uncommitted changes are not measured (the clone holds the last commit)", file=sys.stderr)
    tmp = Path(tempfile.mkdtemp(prefix="samlab-bench-"))
    clone = tmp / "samlab"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    env = {**os.environ, "PYTHONPATH": str(clone), "SAMLAB_CACHE_DIR": str(tmp / "cache")}
    env.pop("SAMLAB_CACHE", None)
    quick = ["--quick"] if args.quick else []
    out = clone / "figures" / ("quick" if args.quick else "")
    m = {"quick": args.quick, "jobs": args.jobs, "commit": commit, "cpus": os.cpu_count(),
         "python": platform.python_version(), "load": os.getloadavg()[0],
         "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"), "same_bytes": None}
    print(f"clone of {commit} in {clone}", flush=True)
    m["verify"] = run(["verify", "--quick", "--jobs", str(args.jobs), "--no-cache"], clone, env)
    m["n_claims"] = sum(1 for line in m["verify"]["stdout"].splitlines() if line.startswith(("PASS  ", "FAIL  ")))
    m["reproduce"] = run(["reproduce", *quick, "--jobs", str(args.jobs)], clone, env)
    mode = "quick" if args.quick else "full"
    m["timings"] = json.loads((tmp / "cache" / "timings" / f"{mode}.json").read_text())
    m["cached"] = run(["reproduce", *quick, "--jobs", str(args.jobs)], clone, env)
    if args.same_bytes:  # a second clone, so that the report's relative links are the same
        second = tmp / "jobs1" / "samlab"
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(second)], check=True)
        run(["reproduce", *quick, "--jobs", "1", "--no-cache"], second, {**env, "PYTHONPATH": str(second)})
        m["same_bytes"] = compare(out, second / out.relative_to(clone))
        print(f"  same bytes: {m['same_bytes']}", flush=True)
    block = render(m)
    print("\n" + block)
    if args.write:
        write_readme(block)
        print(f"\nwritten to {HERE / 'README.md'}")
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"kept {tmp}")


if __name__ == "__main__":
    main()
