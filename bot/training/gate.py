"""`python -m bot model retrain`: train a candidate, compare it with the active model, and let it in
only if it is not worse.

The gate: macro-F1 on tests/nlu_test.yml (never trained on) may drop by at most MAX_F1_DROP and no
conversation test may fail. A refused candidate stays in models/candidates/ with its report; the
running model stays. An accepted one becomes the registry's active model and is loaded into a
running Rasa server through its authenticated HTTP API, without a restart.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from bot.config import RASA_TOKEN_FILE, ROOT, Settings
from bot.training.model import fingerprint, model_path
from bot.training.registry import Registry, Version

MAX_F1_DROP = 0.01
NLU_TEST = ROOT / "tests" / "nlu_test.yml"
CONVERSATIONS = ROOT / "tests" / "conversations"
REPORTS = ROOT / "var" / "reports"
# One OpenMP thread for the sentence embeddings: a retrain runs beside the live Rasa server, and
# OpenMP threads of two processes spin for the same cores (two NLU test jobs side by side with
# a thread per core each managed about one sentence a second).
RASA_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "OMP_NUM_THREADS": "1"}


@dataclass(frozen=True)
class Decision:
    accept: bool
    reasons: list[str]


def decide(current_f1: float | None, candidate_f1: float, conversations_failed: int,
           max_drop: float = MAX_F1_DROP) -> Decision:  # fmt: skip
    """Accept unless macro-F1 drops by more than max_drop or a conversation test fails."""
    reasons = []
    # Rounded, so a drop of exactly max_drop is not refused by a floating-point hair.
    if current_f1 is not None and round(current_f1 - candidate_f1, 6) > max_drop:
        reasons.append(f"macro-F1 daalt van {current_f1:.3f} naar {candidate_f1:.3f} (meer dan {max_drop})")
    if conversations_failed:
        reasons.append(f"{conversations_failed} gesprekstest(en) mislukt")
    return Decision(not reasons, reasons)


@dataclass(frozen=True)
class NluScores:
    macro_f1: float
    per_intent: dict[str, float]
    predictions: dict[str, tuple[str, str]]  # test sentence → (expected, predicted)


def read_nlu_results(out: Path) -> NluScores:
    """The scores `rasa test nlu --successes` wrote to out."""
    report = json.loads((out / "intent_report.json").read_text(encoding="utf-8"))
    per_intent = {
        name: values["f1-score"]
        for name, values in report.items()
        if isinstance(values, dict) and name not in ("macro avg", "weighted avg", "micro avg")
    }
    predictions = {}
    for name in ("intent_successes.json", "intent_errors.json"):
        path = out / name
        for row in json.loads(path.read_text(encoding="utf-8")) if path.exists() else []:
            predictions[row["text"]] = (row["intent"], (row.get("intent_prediction") or {}).get("name") or "")
    return NluScores(report["macro avg"]["f1-score"], per_intent, predictions)


def changed_predictions(current: NluScores, candidate: NluScores) -> list[tuple[str, str, str, str]]:
    """(sentence, expected, current's prediction, candidate's prediction) where the two differ."""
    return [
        (text, expected, current.predictions.get(text, ("", ""))[1], predicted)
        for text, (expected, predicted) in sorted(candidate.predictions.items())
        if current.predictions.get(text, ("", ""))[1] != predicted
    ]


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
        f"- Macro-F1 (tests/nlu_test.yml): {_score(before)} → {scores.macro_f1:.3f}",
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
        lines.append(f"| {intent} | {_score(old)} | {f1:.3f} | {'' if old is None else f'{f1 - old:+.3f}'} |")
    changed = changed_predictions(current_scores, scores) if current_scores else []
    lines += ["", f"## Veranderde voorspellingen ({len(changed)})", ""]
    if changed:
        lines += ["| zin | verwacht | huidig | kandidaat |", "|---|---|---|---|"]
        lines += [f"| {t.replace('|', '/')} | {e} | {o} | {n} |" for t, e, o, n in changed]
    lines += ["", "## Verwarringsmatrix (kandidaat)", "", "![verwarringsmatrix](confusion.png)", ""]
    path = folder / "report.md"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def duration(seconds: float) -> str:
    return f"{int(seconds // 60)}m{int(seconds % 60):02d}s"


# How Progress's own lines start, so the maintainers' page can pick them out of a whole run's output.
PROGRESS_LINE = re.compile(r"^(Verwachte duur|\[\d+/\d+\] |\s+klaar in )")


class Progress:
    """Each step with its elapsed time, and an estimate from the previous run's timings."""

    def __init__(self, timings: dict[str, float], total: int):
        self.previous, self.timings, self.total, self.number = dict(timings), timings, total, 0
        self.started = time.monotonic()
        if self.previous:
            print(f"Verwachte duur (vorige keer): {duration(sum(self.previous.values()))}.", flush=True)

    @contextmanager
    def step(self, key: str, label: str) -> Iterator[None]:
        self.number += 1
        estimate = self.previous.get(key)
        hint = f" (vorige keer {duration(estimate)})" if estimate else ""
        print(f"[{self.number}/{self.total}] {label}{hint}...", flush=True)
        began = time.monotonic()
        yield
        self.timings[key] = time.monotonic() - began
        print(f"      klaar in {duration(self.timings[key])}, "
              f"totaal {duration(time.monotonic() - self.started)}", flush=True)  # fmt: skip


def rasa(arguments: list[str], log: Path | None = None, cwd: Path = ROOT) -> int:
    """Run a rasa command; without a log its output (epoch progress included) goes to the terminal."""
    command = [sys.executable, "-m", "rasa", *arguments]
    # config.yml names a component of ours (bot.rasa_plugins); Rasa only adds its working folder to the path.
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, **RASA_ENV, "PYTHONPATH": path}
    if log is None:
        return subprocess.run(command, cwd=cwd, env=env).returncode
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("w", encoding="utf-8") as out:
        return subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT).returncode


def evaluate_nlu(model: Path, out: Path) -> NluScores:
    code = rasa(["test", "nlu", "--model", str(model), "--nlu", str(NLU_TEST), "--out", str(out),
                 "--successes", "--no-plot"], out / "rasa.log")  # fmt: skip
    if code != 0:
        raise RuntimeError(f"rasa test nlu mislukt (code {code}); zie {out / 'rasa.log'}")
    return read_nlu_results(out)


def conversation_failures(model: Path, out: Path) -> int:
    code = rasa(["test", "core", "--model", str(model), "--stories", str(CONVERSATIONS), "--out", str(out),
                 "--fail-on-prediction-errors"], out / "rasa.log")  # fmt: skip
    if code == 0:
        return 0
    # --fail-on-prediction-errors stops at the first wrong prediction, so count what was written, at least one.
    failed = out / "failed_test_stories.yml"
    text = failed.read_text(encoding="utf-8") if failed.exists() else ""
    return max(1, text.count("- story:"))


def _rasa_api(settings: Settings, path: str, **kwargs) -> urllib.request.Request:
    """A request to the running Rasa server's HTTP API, with the token `make run` made for it."""
    token = os.environ.get("JEP_RASA_TOKEN") or (
        RASA_TOKEN_FILE.read_text(encoding="utf-8").strip() if RASA_TOKEN_FILE.exists() else ""
    )
    return urllib.request.Request(f"{settings.rasa_url}{path}?{urllib.parse.urlencode({'token': token})}", **kwargs)


def served_model(settings: Settings) -> Path | None:
    """The model file the running Rasa server has loaded; None when no server answers."""
    try:
        with urllib.request.urlopen(_rasa_api(settings, "/status"), timeout=10) as reply:
            name = Path(json.load(reply).get("model_file") or "").name
    except (OSError, ValueError):
        return None
    for folder in (settings.models_dir, settings.models_dir / "candidates"):
        if name and (folder / name).is_file():
            return folder / name
    return None


def load_into_server(settings: Settings, model: Path) -> bool:
    """Ask the running Rasa server to switch models (PUT /model); False if no server answers."""
    request = _rasa_api(settings, "/model", data=json.dumps({"model_file": str(model.resolve())}).encode(),
                        headers={"Content-Type": "application/json"}, method="PUT")  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=600):
            return True
    except urllib.error.HTTPError as refused:
        raise RuntimeError(f"de Rasa-server weigerde het model (HTTP {refused.code})") from None
    except OSError:
        return False


def activate(settings: Settings, registry: Registry, version: Version) -> str:
    """Make version the active model; returns what happened, for the terminal or the maintainers' page."""
    registry.activate(version.name)
    registry.save()
    try:
        loaded = load_into_server(settings, Path(version.path))
    except RuntimeError as problem:
        return f"Let op: {problem}. Het register is bijgewerkt; bij de volgende start draait dit model."
    if loaded:
        return f"De draaiende Rasa-server gebruikt nu {version.name}."
    return f"Geen draaiende Rasa-server: bij de volgende start (make run) draait {version.name}."


def _current(settings: Settings, registry: Registry) -> Version | None:
    """The active model. Without one in the registry: the model the running server has loaded, else the one
    trained for the files as they are; registered, so rollback can reach it."""
    if registry.active_path():
        return registry.active()
    path = served_model(settings) or model_path(settings)
    return registry.adopt(path) if path.exists() else None


def retrain(settings: Settings, root: Path = ROOT, reports: Path = REPORTS) -> int:
    """The whole run; root holds the training data (another one only in tests), the test sets stay ROOT's."""
    registry = Registry.for_models(settings.models_dir)
    progress = Progress(registry.timings, total=6)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    folder = reports / stamp
    with progress.step("validate", "Trainingsdata controleren (rasa data validate)"):
        if rasa(["data", "validate", "--domain", "domain.yml", "--data", "data", "--config", "config.yml"], cwd=root):
            print("De trainingsdata is niet in orde; er is niets getraind. Zie de meldingen hierboven.")
            return 1
    name = f"jep-{fingerprint(root)}-{stamp}"
    candidates = settings.models_dir / "candidates"
    with progress.step("train", "Kandidaat trainen"):
        code = rasa(["train", "--config", "config.yml", "--domain", "domain.yml", "--data", "data",
                     "--out", str(candidates.resolve()), "--fixed-model-name", name], cwd=root)  # fmt: skip
        if code != 0 or not (candidates / f"{name}.tar.gz").exists():
            print(f"Training mislukt (code {code}); het huidige model blijft actief.")
            return 1
    current = _current(settings, registry)
    current_scores = None
    with progress.step("test_current", "Huidig model testen op tests/nlu_test.yml"):
        if current:
            current_scores = evaluate_nlu(Path(current.path), folder / "nlu-current")
            current.macro_f1 = current_scores.macro_f1
    with progress.step("test_candidate", "Kandidaat testen op tests/nlu_test.yml"):
        scores = evaluate_nlu(candidates / f"{name}.tar.gz", folder / "nlu-candidate")
    with progress.step("conversations", "Gesprekstests met de kandidaat"):
        failed = conversation_failures(candidates / f"{name}.tar.gz", folder / "conversations")
    with progress.step("report", "Rapport schrijven en beslissen"):
        decision = decide(current_scores.macro_f1 if current_scores else None, scores.macro_f1, failed)
        candidate = Version(name, str(candidates / f"{name}.tar.gz"), stamp, scores.macro_f1, failed,
                            "active" if decision.accept else "refused", decision.reasons)  # fmt: skip
        candidate.report = str(write_report(folder, candidate, current, current_scores, scores, decision))
        registry.add(candidate)
    registry.save()
    print(f"Macro-F1: {_score(current_scores.macro_f1 if current_scores else None)} → {scores.macro_f1:.3f}; "
          f"gesprekstests mislukt: {failed}. Rapport: {candidate.report}")  # fmt: skip
    if not decision.accept:
        print(f"Kandidaat geweigerd: {'; '.join(decision.reasons)}. Het huidige model blijft actief.")
        return 1
    print(activate(settings, registry, candidate), flush=True)
    return 0
