"""`python -m bot model retrain`: train a candidate, compare it with the active model, and let it in
only if the gate (bot/training/gate.py) says it is not worse.

A refused candidate stays in models/candidates/ with its report; the running model stays. An
accepted one becomes the registry's active model and is loaded into a running Rasa server.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from bot.config import ROOT, Settings
from bot.training.activation import activate, served_model
from bot.training.gate import decide
from bot.training.model import fingerprint, model_path
from bot.training.progress import Progress
from bot.training.rasa_commands import conversation_failures, evaluate_nlu, rasa
from bot.training.registry import Registry, Version
from bot.training.report import score_text, write_report

REPORTS = ROOT / "var" / "reports"


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
    print(f"Macro-F1: {score_text(current_scores.macro_f1 if current_scores else None)} → {scores.macro_f1:.3f}; "
          f"gesprekstests mislukt: {failed}. Rapport: {candidate.report}")  # fmt: skip
    if not decision.accept:
        print(f"Kandidaat geweigerd: {'; '.join(decision.reasons)}. Het huidige model blijft actief.")
        return 1
    print(activate(settings, registry, candidate), flush=True)
    return 0
