"""The registry (list, activate, rollback) and the gate's decision."""

import dataclasses
import json
from pathlib import Path

from bot.config import ROOT, load_settings
from bot.training.gate import Decision, decide, read_nlu_results
from bot.training.model import active_model, fingerprint, model_path, our_components
from bot.training.registry import Registry, Version
from bot.training.report import write_report


def registry_with(tmp_path, names):
    registry = Registry(tmp_path / "registry.json")
    for name in names:
        model = tmp_path / f"{name}.tar.gz"
        model.write_text("model")
        registry.add(Version(name, str(model), "2026-11-28", macro_f1=0.9))
        registry.activate(name)
    registry.save()
    return Registry(tmp_path / "registry.json")


def test_last_versions_newest_first_and_the_active_one(tmp_path):
    registry = registry_with(tmp_path, [f"m{i}" for i in range(12)])
    assert [v.name for v in registry.last(10)] == [f"m{i}" for i in range(11, 1, -1)]
    assert registry.active().name == "m11"
    assert registry.active_path() == tmp_path / "m11.tar.gz"


def test_rollback_goes_back_one_active_model_at_a_time(tmp_path):
    registry = registry_with(tmp_path, ["a", "b", "c"])
    assert registry.rollback().name == "b"
    registry.save()
    registry = Registry(tmp_path / "registry.json")
    assert registry.active().name == "b"
    (tmp_path / "a.tar.gz").unlink()  # a deleted model cannot come back
    try:
        registry.rollback()
        raise AssertionError("rollback without an earlier model")
    except LookupError:
        pass
    assert registry.active().name == "b"


def test_a_model_trained_outside_the_gate_is_adopted_once(tmp_path):
    registry = registry_with(tmp_path, ["a"])
    served = tmp_path / "jep-0123456789abcdef.tar.gz"
    served.write_text("model")
    assert registry.adopt(served).name == "jep-0123456789abcdef"
    assert registry.adopt(served).name == "jep-0123456789abcdef"
    assert [v.name for v in registry.versions] == ["a", "jep-0123456789abcdef"]
    assert registry.active_path() == served
    assert registry.rollback().name == "a"


def test_a_refused_candidate_never_becomes_active(tmp_path):
    registry = registry_with(tmp_path, ["a"])
    registry.add(Version("b", str(tmp_path / "b.tar.gz"), "2026-11-28", 0.5, 0, "refused"))
    assert registry.active().name == "a"


def test_gate_accepts_a_drop_of_at_most_one_hundredth():
    assert decide(0.90, 0.89, 0).accept
    assert decide(0.90, 0.95, 0).accept
    assert decide(None, 0.40, 0).accept  # nothing to compare with: only the conversation tests count


def test_gate_refuses_a_bigger_drop_or_a_failed_conversation():
    refused = decide(0.90, 0.8899, 0)
    assert not refused.accept and "macro-F1" in refused.reasons[0]
    assert not decide(0.90, 0.95, 1).accept
    assert len(decide(0.90, 0.5, 2).reasons) == 2


def test_report_from_two_rasa_test_runs(tmp_path):
    def run(folder, predictions, f1):
        folder.mkdir()
        report = {"greet": {"f1-score": f1}, "thank": {"f1-score": 1.0}, "accuracy": 0.9, "macro avg": {"f1-score": f1}}
        (folder / "intent_report.json").write_text(json.dumps(report))
        rows = [{"text": t, "intent": e, "intent_prediction": {"name": p}} for t, (e, p) in predictions.items()]
        right = [r for r in rows if r["intent"] == r["intent_prediction"]["name"]]
        (folder / "intent_successes.json").write_text(json.dumps(right))
        (folder / "intent_errors.json").write_text(json.dumps([r for r in rows if r not in right]))
        return read_nlu_results(folder)

    current = run(tmp_path / "a", {"hoi": ("greet", "greet"), "dank": ("thank", "thank")}, 0.95)
    candidate = run(tmp_path / "b", {"hoi": ("greet", "thank"), "dank": ("thank", "thank")}, 0.6)
    version = Version("kandidaat", "x", "nu", candidate.macro_f1, 0, "refused")
    path = write_report(tmp_path / "rapport", version, Version("huidig", "y", "toen"), current, candidate,
                        Decision(False, ["macro-F1 daalt"]))  # fmt: skip
    text = path.read_text()
    assert "0.950 → 0.600" in text and "| hoi | greet | greet | thank |" in text and "geweigerd" in text
    assert (tmp_path / "rapport" / "confusion.png").stat().st_size > 1000


def test_the_model_of_the_current_files_may_be_a_retrain_candidate(tmp_path):
    settings = dataclasses.replace(load_settings(), models_dir=tmp_path)
    trained = tmp_path / f"jep-{fingerprint()}.tar.gz"
    assert model_path(settings) == trained  # nothing yet: where `make train` will put it
    (tmp_path / "candidates").mkdir()
    for stamp in ("20261128-100000", "20261128-110000"):
        (tmp_path / "candidates" / f"jep-{fingerprint()}-{stamp}.tar.gz").write_text("model")
    (tmp_path / "candidates" / "jep-0000000000000000-20261128-120000.tar.gz").write_text("other files")
    assert model_path(settings).name == f"jep-{fingerprint()}-20261128-110000.tar.gz"
    trained.write_text("model")
    assert model_path(settings) == trained


def test_model_list_shows_both_kinds_of_registry_time_alike():
    from bot.cli.model import _moment

    assert _moment("20261128-220432") == "2026-11-28 22:04 UTC"
    assert _moment("2026-11-28T23:27:24+01:00") == "2026-11-28 22:27 UTC"


def test_make_run_serves_a_chosen_model_and_otherwise_the_model_of_the_files(tmp_path):
    settings = dataclasses.replace(load_settings(), models_dir=tmp_path)
    current = tmp_path / f"jep-{fingerprint()}.tar.gz"
    current.write_text("model")
    assert active_model(settings) == current
    registry = Registry.for_models(tmp_path)
    assert registry.active().path == str(current) and not registry.pinned  # adopted, not chosen

    older = tmp_path / "jep-ouder.tar.gz"
    older.write_text("model")
    registry.add(Version("jep-ouder", str(older), "2026-11-27"))
    registry.activate("jep-ouder")  # what the gate does when a candidate passes
    registry.save()
    assert active_model(settings) == older  # a restart keeps what the maintainer chose

    registry = Registry.for_models(tmp_path)
    assert registry.rollback().name == f"jep-{fingerprint()}" and registry.pinned
    registry.adopt(older)  # as if `make run` had adopted it while the files were those of jep-ouder
    registry.save()
    assert active_model(settings) == current  # the files changed since: their model, not the stale one


def test_the_fingerprint_covers_the_components_config_takes_from_our_code(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text(
        "pipeline:\n  - name: WhitespaceTokenizer\n"
        "  - name: bot.rasa_plugins.sentence_embeddings.SentenceEmbeddingFeaturizer\n"
        "policies:\n  - name: RulePolicy\n"
    )
    assert our_components(config) == [Path("bot/rasa_plugins/sentence_embeddings.py")]
    # The project's own config: every component named from bot/ exists, so a change to its code retrains.
    ours = our_components(ROOT / "config.yml")
    assert ours and all((ROOT / path).is_file() for path in ours)
