"""NLU quality: intent macro-F1 of our pipeline and Rasa's default, on the same data.

Two measures per config: the held-out set tests/nlu_test.yml, and k-fold
cross-validation on data/nlu (3 folds unless `--folds` or BENCH_FOLDS says
otherwise). The folds are drawn once with a fixed seed and shared by both
configs (Rasa's own --cross-validation draws unseeded folds per run), so the
two configs are compared on exactly the same splits.
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path

from bench.common import BENCH, LOGS, PYTHON, Task, quiet_env
from bot.config import ROOT

CONFIGS = {"ours": ROOT / "config.yml", "default": BENCH / "default_config.yml"}
NLU_DATA = ROOT / "data" / "nlu"
HELD_OUT = ROOT / "tests" / "nlu_test.yml"
# Every fold trains Rasa's default config once more (6 to 7 minutes of task time on 2 cores):
# 3 folds keep `make bench` near half an hour, 5 give a steadier cross-validation.
FOLDS = 3
SEED = 42


def write_folds(work: Path, folds: int = FOLDS) -> list[tuple[Path, Path]]:
    """Stratified folds of data/nlu as Rasa YAML files: (train, test) per fold."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.loading import load_data
    from rasa.shared.nlu.training_data.training_data import TrainingData
    from sklearn.model_selection import StratifiedKFold

    data = load_data(str(NLU_DATA))
    examples = data.intent_examples
    labels = [example.get_full_intent() for example in examples]
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    files = []
    for number, (train_index, test_index) in enumerate(splitter.split(examples, labels), 1):
        folder = work / "folds" / str(number)
        folder.mkdir(parents=True, exist_ok=True)
        for name, index in (("train", train_index), ("test", test_index)):
            part = TrainingData(
                training_examples=[examples[i] for i in index],
                entity_synonyms=data.entity_synonyms,
                regex_features=data.regex_features,
                lookup_tables=data.lookup_tables,
            )
            RasaYAMLWriter().dump(folder / f"{name}.yml", part)
        files.append((folder / "train.yml", folder / "test.yml"))
    return files


def tasks(work: Path, our_model: Path, env: dict[str, str], folds: int = FOLDS) -> list[Task]:
    """Every NLU job; the default config's first, because they take longest."""

    # Our sentence embeddings run on OpenMP threads, one per core by default; beside another
    # job they would spin for a core the other job is using.
    ours_env = {**env, "OMP_NUM_THREADS": "1"}

    def job(
        name: str, test: Path, environment: dict[str, str], config: Path | None = None, train: Path | None = None
    ) -> Task:
        command = [PYTHON, "-m", "bench.nlu_job", "--test", str(test), "--out", str(work / name)]
        if config is None:
            command += ["--model", str(our_model)]
        else:
            command += ["--config", str(config), "--train", str(train)]
        return Task(f"NLU {name}", command, LOGS / f"nlu-{name}.log", env=environment)

    splits = write_folds(work, folds)
    jobs = [job("default-heldout", HELD_OUT, env, CONFIGS["default"], NLU_DATA)]
    jobs += [job(f"default-fold{k}", test, env, CONFIGS["default"], train) for k, (train, test) in enumerate(splits, 1)]
    # Our held-out score is that of the model `make run` serves: same NLU data, same pipeline.
    jobs.append(job("ours-heldout", HELD_OUT, ours_env))
    jobs += [job(f"ours-fold{k}", test, ours_env, CONFIGS["ours"], train) for k, (train, test) in enumerate(splits, 1)]
    return jobs


def job_env() -> dict[str, str]:
    """No training cache: every job really trains (and the project's .rasa/ stays untouched).

    TensorFlow keeps its own thread pools. Measured here with two jobs side by side,
    25 default-config epochs each: 214-242 s with them, 307 s with one thread per job
    (TF_*_PARALLELISM_THREADS=1), since batch preparation then waits for the training step.
    """
    return quiet_env(RASA_MAX_CACHE_SIZE="0")


def _read(folder: Path) -> dict:
    report = json.loads((folder / "report" / "intent_report.json").read_text())
    timing = json.loads((folder / "timing.json").read_text())
    intents = [v for k, v in report.items() if isinstance(v, dict) and not k.endswith(" avg")]
    return {
        "smallest_intent": min((v["support"] for v in intents), default=0),
        "macro_f1": report["macro avg"]["f1-score"],
        "accuracy": report.get("accuracy"),
        "n": report["macro avg"]["support"],
        **timing,
    }


def collect(work: Path, jobs: list[Task], folds: int = FOLDS) -> dict:
    seconds = {task.name.removeprefix("NLU "): task.seconds for task in jobs}
    results: dict = {"folds": folds, "seed": SEED}
    for config in CONFIGS:
        held_out = _read(work / f"{config}-heldout")
        per_fold = [_read(work / f"{config}-fold{k}") for k in range(1, folds + 1)]
        scores = [fold["macro_f1"] for fold in per_fold]
        results[config] = {
            "heldout": held_out,
            "cv_folds": scores,
            "cv_test_sentences": [fold["n"] for fold in per_fold],
            "cv_smallest_intent": min(fold["smallest_intent"] for fold in per_fold),
            "cv_mean": statistics.mean(scores),
            "cv_stdev": statistics.stdev(scores),
            "heldout_seconds": seconds[f"{config}-heldout"],
            "cv_seconds": sum(seconds[f"{config}-fold{k}"] for k in range(1, folds + 1)),
            "train_seconds": [fold.get("train_seconds") for fold in per_fold],
        }
    results["config_files"] = {name: str(path.relative_to(ROOT)) for name, path in CONFIGS.items()}
    results["default_diet_seed"] = diet_seed(CONFIGS["default"])
    return results


def diet_seed(config: Path) -> int | None:
    """DIET's random_seed in a config file (None: unseeded, Rasa's own default)."""
    from rasa.shared.utils.io import read_yaml_file

    pipeline = read_yaml_file(config).get("pipeline") or []
    return next((c.get("random_seed") for c in pipeline if c.get("name") == "DIETClassifier"), None)
