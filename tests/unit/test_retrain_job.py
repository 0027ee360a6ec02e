"""The background retraining's lock (one run at a time, across restarts of the web app) and what a run shows."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from bot.training.registry import Registry, Version
from bot.training.retrain_job import AlreadyRunning, RetrainJob, Run, version_of

SLOW = (sys.executable, "-c", "import time; print('[1/6] bezig...', flush=True); time.sleep(30)")
QUICK = (sys.executable, "-c", "print('Verwachte duur (vorige keer): 0m05s.'); print('[1/6] a\\r[1/6] b'); exit(3)")


def finished(job: RetrainJob):
    for _ in range(200):
        run = job.latest()
        if run and not run.running and run.exit_code is not None:
            return run
        time.sleep(0.05)
    pytest.fail("the run did not end")


def test_a_second_run_is_refused_also_by_a_restarted_web_app(tmp_path):
    first = RetrainJob(tmp_path, SLOW)
    first.start()
    try:
        with pytest.raises(AlreadyRunning, match="Er loopt al een hertraining"):
            first.start()
        restarted = RetrainJob(tmp_path, SLOW)  # a new web app finds the lock and its live PID
        with pytest.raises(AlreadyRunning):
            restarted.start()
        assert restarted.latest().running
    finally:
        pid = json.loads((tmp_path / "lock").read_text())["pid"]
        os.kill(pid, signal.SIGTERM)
    run = finished(first)
    assert run.exit_code != 0 and not (tmp_path / "lock").exists()


def test_a_lock_whose_process_is_gone_is_taken_over(tmp_path):
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    (tmp_path / "lock").write_text(json.dumps({"pid": gone.pid, "stamp": "20261128-120000"}))
    job = RetrainJob(tmp_path, QUICK)
    assert job.holder() is None
    job.start()
    assert finished(job).exit_code == 3


def test_a_run_shows_its_steps_output_and_exit_code(tmp_path):
    job = RetrainJob(tmp_path, QUICK)
    assert job.latest() is None
    stamp = job.start()
    run = finished(job)
    assert run.stamp == stamp and not run.running
    assert run.steps == ["Verwachte duur (vorige keer): 0m05s.", "[1/6] a", "[1/6] b"]
    assert run.tail == run.steps and run.seconds >= 0
    assert RetrainJob(tmp_path, QUICK).latest() == run  # the log and exit code outlive the web app


def test_the_version_of_a_run_is_the_first_registered_after_it_started(tmp_path):
    registry = Registry(tmp_path / "registry.json")
    registry.add(Version("oud", "oud.tar.gz", "20261128-110000", report="r/report.md"))
    registry.add(Version("zonder-rapport", "x.tar.gz", "2026-11-28T13:00:00+00:00"))
    registry.add(Version("nieuw", "nieuw.tar.gz", "20261128-120512", decision="refused", report="r2/report.md"))
    assert version_of(registry, Run("20261128-120000", False, [], [], 1.0, 1)).name == "nieuw"
    assert version_of(registry, Run("20261128-130000", False, [], [], 1.0, 1)) is None


def test_a_run_from_a_shell_takes_the_same_lock_and_shows_on_the_page(tmp_path, capsys):
    job = RetrainJob(tmp_path, SLOW)

    def retrain():
        print("[1/6] Trainingsdata controleren", flush=True)
        assert job.holder()["pid"] == os.getpid()  # the page now refuses a start
        with pytest.raises(AlreadyRunning):
            RetrainJob(tmp_path, SLOW).start()
        return 1

    assert job.run_here(retrain) == 1
    assert "[1/6] Trainingsdata controleren" in capsys.readouterr().out  # the terminal still sees it
    run = job.latest()
    assert not run.running and run.exit_code == 1 and run.steps == ["[1/6] Trainingsdata controleren"]
    assert job.holder() is None


def test_a_shell_run_is_refused_while_the_page_runs_one(tmp_path):
    job = RetrainJob(tmp_path, SLOW)
    job.start()
    try:
        with pytest.raises(AlreadyRunning):
            RetrainJob(tmp_path, SLOW).run_here(lambda: 0)
    finally:
        os.kill(json.loads((tmp_path / "lock").read_text())["pid"], signal.SIGTERM)
    finished(job)


def test_the_run_the_page_started_does_not_lock_itself_out(tmp_path):
    # The page's child finds the lock naming itself (or, a moment earlier, the web app: its parent).
    (tmp_path / "lock").write_text(json.dumps({"pid": os.getppid(), "stamp": None}))
    assert RetrainJob(tmp_path, SLOW).run_here(lambda: 0) == 0


def test_a_rollback_from_a_shell_waits_for_a_running_retrain(tmp_path, monkeypatch, capsys):
    import argparse
    import dataclasses

    import bot.cli.model as model_commands
    from bot.config import load_settings

    models = tmp_path / "models"
    registry = Registry.for_models(models)
    for name in ("oud", "nieuw"):
        (tmp_path / f"{name}.tar.gz").write_text("model")
        registry.add(Version(name, str(tmp_path / f"{name}.tar.gz"), "2026-11-28"))
        registry.activate(name)
    registry.save()
    monkeypatch.setattr(model_commands, "RetrainJob", lambda: RetrainJob(tmp_path / "retrain", SLOW))
    (tmp_path / "retrain").mkdir()
    (tmp_path / "retrain" / "lock").write_text(json.dumps({"pid": os.getpid(), "stamp": "20261128-120000"}))

    settings = dataclasses.replace(load_settings(), models_dir=models, rasa_port=1)
    assert model_commands.run(argparse.Namespace(command="rollback"), settings) == 1
    assert "Er loopt een hertraining" in capsys.readouterr().out
    assert Registry.for_models(models).active().name == "nieuw"
