"""The report of a retrain, for the maintainers: F1 per intent, changed predictions, a confusion matrix."""

from __future__ import annotations

from pathlib import Path

from bot.training.gate import Decision, NluScores, changed_predictions
from bot.training.registry import Version


def confusion_png(scores: NluScores, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")  # no display on a server
    import matplotlib.pyplot as plt

    labels = sorted({label for pair in scores.predictions.values() for label in pair if label})
    index = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for expected, predicted in scores.predictions.values():
        if expected in index and predicted in index:
            matrix[index[expected]][index[predicted]] += 1
    figure, axes = plt.subplots(figsize=(0.5 * len(labels) + 4, 0.5 * len(labels) + 3))
    axes.imshow(matrix, cmap="Blues")
    axes.set_xticks(range(len(labels)), labels, rotation=90)
    axes.set_yticks(range(len(labels)), labels)
    axes.set_xlabel("voorspeld")
    axes.set_ylabel("verwacht")
    for row, values in enumerate(matrix):
        for column, count in enumerate(values):
            if count:
                axes.text(column, row, str(count), ha="center", va="center", fontsize=7)
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)


def write_report(folder: Path, candidate: Version, current: Version | None, current_scores: NluScores | None,
                 scores: NluScores, decision: Decision) -> Path:  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    confusion_png(scores, folder / "confusion.png")
    before = current_scores.macro_f1 if current_scores else None
    lines = [
        f"# Hertraining {candidate.created_at}",
        "",
        f"- Kandidaat: `{candidate.name}`",
        f"- Huidig model: `{current.name if current else 'geen'}`",
        f"- Macro-F1 (tests/nlu_test.yml): {score_text(before)} → {scores.macro_f1:.3f}",
        f"- Gesprekstests mislukt: {candidate.conversations_failed}",
        f"- Besluit: **{'geactiveerd' if decision.accept else 'geweigerd'}**"
        + (f" ({'; '.join(decision.reasons)})" if decision.reasons else ""),
        "",
        "## F1 per intent",
        "",
        "| intent | huidig | kandidaat | verschil |",
        "|---|---|---|---|",
    ]
    for intent, f1 in sorted(scores.per_intent.items()):
        old = current_scores.per_intent.get(intent) if current_scores else None
        lines.append(f"| {intent} | {score_text(old)} | {f1:.3f} | {'' if old is None else f'{f1 - old:+.3f}'} |")
    changed = changed_predictions(current_scores, scores) if current_scores else []
    lines += ["", f"## Veranderde voorspellingen ({len(changed)})", ""]
    if changed:
        lines += ["| zin | verwacht | huidig | kandidaat |", "|---|---|---|---|"]
        lines += [f"| {t.replace('|', '/')} | {e} | {o} | {n} |" for t, e, o, n in changed]
    lines += ["", "## Verwarringsmatrix (kandidaat)", "", "![verwarringsmatrix](confusion.png)", ""]
    path = folder / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def score_text(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"
