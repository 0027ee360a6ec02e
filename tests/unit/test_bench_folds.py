"""The bench's cross-validation splits, its NLU jobs, and the settings it refuses before it starts."""

import pytest

from bench.__main__ import main as bench_main
from bench.nlu import NLU_DATA, tasks, write_folds


def _texts(path) -> list[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    return sorted(example.get("text") for example in load_data(str(path)).intent_examples)


def test_three_folds_test_every_sentence_once_and_train_on_the_rest(tmp_path):
    everything = _texts(NLU_DATA)

    splits = write_folds(tmp_path, 3)

    assert len(splits) == 3
    tested = []
    for train, test in splits:
        train_texts, test_texts = _texts(train), _texts(test)
        assert sorted(train_texts + test_texts) == everything
        assert abs(len(test_texts) - len(everything) / 3) < 10
        tested += test_texts
    assert sorted(tested) == everything


def test_our_nlu_jobs_embed_on_one_openmp_thread_and_the_defaults_run_as_given(tmp_path):
    jobs = tasks(tmp_path, tmp_path / "model.tar.gz", {"RASA_MAX_CACHE_SIZE": "0"}, folds=2)

    names = [job.name for job in jobs]
    assert names == ["NLU default-heldout", "NLU default-fold1", "NLU default-fold2",
                     "NLU ours-heldout", "NLU ours-fold1", "NLU ours-fold2"]  # fmt: skip
    for job in jobs:
        assert job.env["RASA_MAX_CACHE_SIZE"] == "0"
        # Two jobs side by side: our embedding threads would spin for the other job's core.
        assert job.env.get("OMP_NUM_THREADS") == ("1" if "ours" in job.name else None)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--folds", "1"], "--folds moet minstens 2 zijn"),
        (["--workers", "0"], "--workers moet minstens 1 zijn"),
        (["--folds", "drie"], "argument --folds: invalid int value: 'drie'"),
    ],
)
def test_the_bench_refuses_settings_it_cannot_run_before_it_starts(argv, message, capsys):
    with pytest.raises(SystemExit) as stopped:
        bench_main(argv)

    assert stopped.value.code == 2
    assert message in capsys.readouterr().err


def test_the_bench_cross_validates_with_three_folds_unless_bench_folds_says_otherwise(monkeypatch):
    from bench.__main__ import arguments

    monkeypatch.delenv("BENCH_FOLDS", raising=False)
    assert arguments().parse_args([]).folds == 3

    monkeypatch.setenv("BENCH_FOLDS", "5")
    assert arguments().parse_args([]).folds == 5
