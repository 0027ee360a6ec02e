"""The Rasa commands a retrain runs as child processes: validate, train, and the two kinds of test."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.config import ROOT, child_process_environment
from bot.training.gate import NluScores, read_nlu_results

NLU_TEST = ROOT / "tests" / "nlu_test.yml"
CONVERSATIONS = ROOT / "tests" / "conversations"
# One OpenMP thread for the sentence embeddings: a retrain runs beside the live Rasa server, and
# OpenMP threads of two processes spin for the same cores.
RASA_ENV = {"RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "2", "OMP_NUM_THREADS": "1"}


def rasa(arguments: list[str], log: Path | None = None, cwd: Path = ROOT) -> int:
    """Run a rasa command; without a log its output (epoch progress included) goes to the terminal."""
    command = [sys.executable, "-m", "rasa", *arguments]
    # config.yml names a component of ours (bot.rasa_plugins); Rasa only adds its working folder to the path.
    env = child_process_environment(**RASA_ENV)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
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
