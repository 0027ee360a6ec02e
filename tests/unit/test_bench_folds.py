"""The bench's cross-validation splits: every sentence of data/nlu is tested exactly once."""

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
