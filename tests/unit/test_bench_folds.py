"""The bench's cross-validation splits, and the settings it refuses before it starts."""

import pytest

from bench.__main__ import main as bench_main
from bench.nlu import NLU_DATA, write_folds


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
