"""Running an experiment file and drawing it: batched runs, saved results, the figure and a summary.

:func:`run_config` runs each algorithm of each experiment as one batched ``samlab.run`` (its
configurations × repetitions are the rows), saves the results under ``out/data/``, writes
``manifest.json``, the comparison figure (drawn from the saved results only, :func:`plot_saved`)
and ``summary.md``.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

import numpy as np

from ..result import Result, atomic_write_text
from .parsing import Config, Plot

__all__ = ["run_config", "plot_saved", "summary_markdown", "not_drawn_note"]

_SLUG = re.compile(r"[^a-z0-9]+")


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-") or "x"


def run_config(config: Config, out: str | Path, *, progress=None) -> dict[str, Any]:
    """Run every experiment, save results under ``out/data/`` and the figure ``out/<stem>.png``.

    Returns the manifest (also written to ``out/manifest.json``): per experiment and algorithm the
    data path, labels, configurations and the median final value of the plotted metric.
    """
    from ..engine import run

    out = Path(out)
    stem = config.path.stem
    manifest: dict[str, Any] = {"config": str(config.path), "title": config.title, "quick": config.quick,
                                "figure": f"{stem}.png", "experiments": []}
    for exp_index, exp in enumerate(config.experiments):
        entry: dict[str, Any] = {"name": exp.name, "title": exp.title, "problem": exp.problem_spec,
                                 "steps": exp.steps, "runs": exp.runs, "seed": exp.seed,
                                 "plot": exp.plot.__dict__, "algorithms": []}
        for index, alg in enumerate(exp.algorithms):
            x0 = np.tile(exp.x0, (alg.n_configs, 1))
            # one run name per experiment: every algorithm sees the same samples (paired comparison)
            res = run(exp.problem, alg.build(), x0, exp.steps, sampling=exp.sampling, noise=exp.noise,
                      seed=exp.seed, checkpoints=exp.checkpoints, name=exp.name)
            data = Path("data") / f"{exp_index}-{_slug(exp.name)}" / f"{index}-{_slug(alg.name)}"
            res.save(out / data)
            metric = res._metric(exp.plot.metric)
            finals = [float(np.median(metric[-1, i * alg.runs:(i + 1) * alg.runs])) for i in range(alg.n_configs)]
            diverged = [int(np.sum(res.status[i * alg.runs:(i + 1) * alg.runs] != "ok"))
                        for i in range(alg.n_configs)]
            not_drawn, points = _not_drawn(res.t, metric, alg.runs, alg.n_configs, exp.plot)
            entry["algorithms"].append({"name": alg.name, "algorithm": alg.kind, "data": data.as_posix(),
                                        "labels": alg.labels, "configs": alg.configs, "runs": alg.runs,
                                        "final": finals, "diverged": diverged, "color": alg.color,
                                        "linestyle": alg.linestyle,  # no timings: same run, same bytes
                                        "not_drawn": not_drawn, "points": points})
            if progress is not None:
                progress(exp, alg, res)
        manifest["experiments"].append(entry)
    atomic_write_text(out / "manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    plot_saved(out)
    atomic_write_text(out / "summary.md", summary_markdown(manifest))
    return manifest


def _not_drawn(t: np.ndarray, metric: np.ndarray, runs: int, n_configs: int, plot: Plot) -> tuple[list[int], int]:
    """Per configuration, how many checkpoints of its curve cannot be drawn, and out of how many.

    A checkpoint is drawn when some run of the configuration has a finite value there (and a
    positive one on a log y axis: the curve is the median taken in log space). On a log x axis
    t = 0 is never drawn and is not counted.
    """
    rows = t > 0 if plot.logx else np.ones(t.shape, dtype=bool)
    values = metric[rows]
    drawable = np.isfinite(values) & (values > 0) if plot.logy else np.isfinite(values)
    counts = [int(np.sum(~drawable[:, i * runs:(i + 1) * runs].any(axis=1))) for i in range(n_configs)]
    return counts, int(rows.sum())


_DASHES = ("-", "--", "-.", ":")


def _curve_styles(algorithms: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Per algorithm, per configuration: colour, marker and line style from samlab.plotting's style.

    One configuration: the algorithm's own colour (samlab's one colour per algorithm, or the file's
    ``color``). A sweep: shades along a sequential colour map in configuration order, with the
    algorithm's marker, and a line style per algorithm so that two swept algorithms stay apart.
    """
    from .. import plotting

    out = []
    for j, alg in enumerate(algorithms):
        base = plotting.style(alg["algorithm"].rsplit(":", 1)[-1])
        n = len(alg["labels"])
        dash = alg.get("linestyle") or (base["linestyle"] if n == 1 else _DASHES[j % len(_DASHES)])
        colors = [alg.get("color") or base["color"]] if n == 1 else plotting.sequential_colors(n)
        out.append([{"color": c, "marker": base["marker"], "linestyle": dash} for c in colors])
    return out


def plot_saved(out: str | Path) -> Path:
    """Draw the comparison figure from ``out/manifest.json`` and the saved results only."""
    from .. import plotting

    out = Path(out)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    exps = manifest["experiments"]
    ncols = min(len(exps), 2)
    nrows = math.ceil(len(exps) / ncols)
    fig, axes = plotting.new_figure(ncols, nrows, width=min(3.5 * ncols, plotting.MAX_WIDTH), height=2.8 * nrows,
                                    squeeze=False)
    for ax, exp in zip(axes.flat, exps):
        plot = exp["plot"]
        last_t = 0
        for alg, styles in zip(exp["algorithms"], _curve_styles(exp["algorithms"])):
            res = Result.load(out / alg["data"])
            last_t = max(last_t, int(res.t[-1]))
            R = alg["runs"]
            for c, (label, kw) in enumerate(zip(alg["labels"], styles)):
                plotting.plot_metric(ax, res, plot["metric"], label=label, logx=plot["logx"], logy=plot["logy"],
                                     x=plot["x"], runs=slice(c * R, (c + 1) * R), **kw)
        if not any(len(line.get_xdata()) for line in ax.get_lines()):
            # every value is 0 or not finite on a log axis (x0 at the minimizer, say): matplotlib
            # cannot place log ticks without data, so the empty panel is drawn linear, with a note
            ax.set_xscale("linear")
            ax.set_yscale("linear")
            if plot["x"] == "t":
                ax.set_xlim(0, max(last_t, 1))
            why = "0 or not finite on the log axis" if plot["logy"] or plot["logx"] else "not finite"
            ax.text(0.5, 0.5, f"nothing to draw: every value is\n{why}", ha="center", va="center",
                    transform=ax.transAxes, fontsize=11)
        elif plot.get("ylim"):
            ax.set_ylim(*plot["ylim"])
        title = plot.get("title") or exp.get("title") or exp["name"]
        plotting.label_axes(ax, None, None, title)
        plotting.legend(ax, loc="best", fontsize=9)
    for ax in list(axes.flat)[len(exps):]:
        ax.set_visible(False)
    fig.suptitle(manifest["title"] + (" (quick)" if manifest.get("quick") else ""), fontsize=13)
    return plotting.save_figure(fig, out / manifest["figure"])


def summary_markdown(manifest: dict[str, Any]) -> str:
    """A markdown table: experiment, curve, runs, diverged runs and the median final metric."""
    lines = [f"# {manifest['title']}", "", f"From `{manifest['config']}`" + (" (quick mode)." if manifest["quick"] else "."),
             "", f"![{manifest['title']}]({manifest['figure']})", ""]
    for exp in manifest["experiments"]:
        metric = exp["plot"]["metric"]
        lines += [f"## {exp.get('title') or exp['name']}", "",
                  f"Problem: `{json.dumps(exp['problem'], ensure_ascii=False)}`, {exp['steps']} steps, "
                  f"{exp['runs']} run(s) per curve, seed {exp['seed']}.", "",
                  f"| curve | algorithm | final {metric} (median) | diverged |", "| --- | --- | --- | --- |"]
        for alg in exp["algorithms"]:
            for label, final, div in zip(alg["labels"], alg["final"], alg["diverged"]):
                lines.append(f"| {label} | {alg['algorithm']} | {final:.4g} | {div}/{alg['runs']} |")
        lines.append("")
        note = not_drawn_note(exp)
        if note:
            lines += [note, ""]
    return "\n".join(lines)


def not_drawn_note(exp: dict[str, Any]) -> str | None:
    """One sentence naming the curves of a manifest experiment with checkpoints the figure masks, or None."""
    notes = [f"{label} ({n} of {alg['points']} checkpoints)"
             for alg in exp["algorithms"] for label, n in zip(alg["labels"], alg.get("not_drawn", [])) if n]
    if not notes:
        return None
    why = "0, negative or not finite on the log y axis" if exp["plot"]["logy"] else "not finite"
    return f"Not drawn ({why}): {'; '.join(notes)}."
