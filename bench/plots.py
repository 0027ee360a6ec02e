"""The plots of summary.md (PNG, matplotlib without a display)."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on a server
import matplotlib.pyplot as plt  # noqa: E402

from bench.labels import COLOURS, MODE_LABELS, OURS, PALETTE, REFERENCE, SET_LABELS, level_at  # noqa: E402
from bench.targets import F1_TARGET, P95_TARGET_MS, RECALL3_TARGET, SEARCH_P95_MS  # noqa: E402


def draw_all(results: dict, folder: Path) -> dict[str, str]:
    plots = {}
    for key, draw in (("nlu", _plot_nlu), ("retrieval", _plot_retrieval), ("load", _plot_load),
                      ("cpu", _plot_cpu), ("knowledge", _plot_knowledge), ("memory", _plot_memory)):  # fmt: skip
        figure = draw(results)
        if figure is not None:
            figure.tight_layout()
            figure.savefig(folder / f"{key}.png", dpi=110)
            plt.close(figure)
            plots[key] = f"{key}.png"
    return plots


def _bars(ax, groups: list[str], series: dict[str, list[float]], errors: dict[str, list[float]] | None = None):
    width = 0.8 / len(series)
    for i, (label, values) in enumerate(series.items()):
        xs = [g + (i - (len(series) - 1) / 2) * width for g in range(len(groups))]
        bars = ax.bar(xs, values, width, label=label, color=PALETTE[i], yerr=(errors or {}).get(label), capsize=4)
        ax.bar_label(bars, fmt="%.3f", fontsize=8)
    ax.set_xticks(range(len(groups)), groups)
    ax.legend(loc="lower right")


def _plot_nlu(results: dict):
    nlu = results.get("nlu")
    if not nlu:
        return None
    figure, ax = plt.subplots(figsize=(6, 4))
    series = {label: [nlu[key]["heldout"]["macro_f1"], nlu[key]["cv_mean"]]
              for key, label in (("ours", "JEP"), ("default", "Rasa-standaard"))}  # fmt: skip
    errors = {label: [0, nlu[key]["cv_stdev"]] for key, label in (("ours", "JEP"), ("default", "Rasa-standaard"))}
    _bars(ax, ["held-out", f"{nlu['folds']}-voudige CV"], series, errors)
    ax.axhline(F1_TARGET, color="grey", linestyle="--", linewidth=1)
    ax.set_ylim(0.5, 1.0)
    ax.set_ylabel("intent macro-F1")
    ax.set_title("NLU: JEP tegen Rasa-standaard")
    return figure


def _plot_retrieval(results: dict):
    r = results.get("retrieval")
    if not r:
        return None
    figure, axes = plt.subplots(1, 2, figsize=(11, 4))
    measured = [name for name in SET_LABELS if name in next(iter(r["modes"].values()))]  # runs before a set existed
    for ax, (metric, title) in zip(axes, (("recall3", "recall@3"), ("mrr", "MRR")), strict=True):
        series = {MODE_LABELS[mode]: [figures[name]["all"][metric] for name in measured]
                  for mode, figures in r["modes"].items()}  # fmt: skip
        _bars(ax, [SET_LABELS[name] for name in measured], series)
        ax.set_ylim(0, 1.2)
        ax.legend(loc="upper center", ncol=3, fontsize=8)  # above the bars: low ones would hide under it
        ax.set_title(f"Zoeken: {title} per zoekwijze")
    axes[0].axhline(RECALL3_TARGET, color="grey", linestyle="--", linewidth=1)
    return figure


def _plot_load(results: dict):
    levels = (results.get("load") or {}).get("levels")
    if not levels:
        return None
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for i, (stack, items) in enumerate(levels.items()):
        colour = COLOURS["ours"] if i == 0 else COLOURS["other"]
        xs = [lv["concurrency"] for lv in items]
        left.plot(xs, [lv["turns_per_second"] for lv in items], "o-", color=colour, label=stack)
        right.plot(xs, [lv["p50_ms"] for lv in items], "o--", color=colour, label=f"{stack} p50")
        right.plot(xs, [lv["p95_ms"] for lv in items], "o-", color=colour, label=f"{stack} p95")
    right.axhline(P95_TARGET_MS, color="grey", linestyle=":", linewidth=1)
    for ax in (left, right):
        ax.set_xscale("log")
        ax.set_xticks([1, 10, 50], ["1", "10", "50"])
        ax.set_xlabel("gelijktijdige gesprekken")
        ax.legend()
    left.set_ylabel("beurten per seconde")
    left.set_title("Doorvoer")
    right.set_ylabel("latentie (ms)")
    right.set_title("Latentie per beurt")
    return figure


def _plot_cpu(results: dict):
    ours10, ref10 = level_at(results, OURS, 10), level_at(results, REFERENCE, 10)
    if not (ours10 and ref10):
        return None
    figure, ax = plt.subplots(figsize=(7, 3.5))
    colours: dict[str, tuple] = {}
    for y, (stack, level) in enumerate(((OURS, ours10), (REFERENCE, ref10))):
        left = 0.0
        for process, ms in level["cpu_ms_per_turn"].items():
            role = process.removeprefix(stack + " ")
            new = role not in colours
            colours.setdefault(role, plt.cm.tab10(len(colours)))
            ax.barh(y, ms, left=left, color=colours[role], label=role if new else None)
            left += ms
    ax.set_yticks([0, 1], [OURS, REFERENCE])
    ax.set_xlabel("CPU-ms per beurt (10 gelijktijdige gesprekken)")
    ax.legend(fontsize=8)
    ax.set_title("Waar de rekentijd heen gaat")
    return figure


def _plot_knowledge(results: dict):
    ks = results.get("knowledge_size")
    if not ks:
        return None
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    sizes = sorted(int(s) for s in ks["sizes"])
    items = [ks["sizes"].get(s) or ks["sizes"].get(str(s)) for s in sizes]
    for key, colour, how in (("search", COLOURS["ours"], "ingebed"), ("vector", PALETTE[2], "NLU-vector")):
        left.plot(sizes, [i[f"{key}_p50_ms"] for i in items], "o--", color=colour, label=f"{how} p50")
        left.plot(sizes, [i[f"{key}_p95_ms"] for i in items], "o-", color=colour, label=f"{how} p95")
    left.axhline(SEARCH_P95_MS, color="grey", linestyle=":", linewidth=1)
    left.set_title("Zoeken (in het proces)")
    trips = (results.get("load") or {}).get("round_trips", {})
    if trips:
        xs = sorted(int(s) for s in trips)
        ts = [trips.get(s) or trips.get(str(s)) for s in xs]
        right.plot(xs, [t["p50_ms"] for t in ts], "o--", color=COLOURS["other"], label="p50")
        right.plot(xs, [t["p95_ms"] for t in ts], "o-", color=COLOURS["other"], label="p95")
    right.set_title("Rasa-rondreis van een kennisvraag")
    for ax in (left, right):
        ax.set_xscale("log")  # before the ticks: setting the scale resets them
        ticks: list[int] = []
        data = [line for line in ax.lines if not line.get_label().startswith("_")]  # not the target line
        for x in sorted({int(x) for line in data for x in line.get_xdata()}):
            if not ticks or x > 1.3 * ticks[-1]:  # 42 and 50 would overlap
                ticks.append(x)
        ax.set_xticks(ticks, [str(x) for x in ticks])
        ax.minorticks_off()
        ax.set_xlabel("artikelen")
        ax.set_ylabel("ms")
        ax.set_ylim(bottom=0)
        if ax.lines:
            ax.legend()
    return figure


def _plot_memory(results: dict):
    memory = results.get("memory")
    if not memory:
        return None
    figure, ax = plt.subplots(figsize=(7, 0.5 + 0.45 * len(memory)))
    labels = list(memory)
    colours = [COLOURS["ours"] if label.startswith(OURS) else COLOURS["other"] for label in labels]
    bars = ax.barh(labels, [memory[label] for label in labels], color=colours)
    ax.bar_label(bars, fmt="%.0f MB", fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("piek RSS (MB)")
    ax.set_title("Geheugen per proces")
    return figure
