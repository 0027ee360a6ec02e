"""The bench summary explains an overrun with the reference trainings' own figures."""

from bench import report


def _results(wall_minutes: float) -> dict:
    return {
        "wall_seconds": wall_minutes * 60,
        "nlu": {
            "folds": 5,
            "timing": {"workers": 2},
            "default": {"cv_seconds": 40 * 60, "heldout_seconds": 10 * 60},
        },
    }


def test_an_overrun_names_the_share_of_the_default_configs_trainings():
    text = "\n".join(report._over_time(_results(36.0)))
    assert "De run duurde 36.0 min, langer dan 30 min." in text
    assert "De 6 trainingen van de Rasa-standaard" in text
    assert "samen 50.0 min taaktijd; met 2 taken tegelijk is dat ongeveer 25.0 min" in text
    assert "Zonder die trainingen had de run ongeveer 11.0 min geduurd." in text


def test_a_run_within_the_limit_needs_no_explanation():
    assert report._over_time(_results(29.0)) == []


def test_the_cv_target_names_the_number_of_folds_that_ran():
    results = _results(25.0)
    results["nlu"].update(
        folds=3,
        ours={"heldout": {"macro_f1": 0.95}, "cv_mean": 0.84},
        default={"heldout": {"macro_f1": 0.94}, "cv_mean": 0.80},
    )
    names = [name for name, *_ in report.targets(results)]
    assert "NLU: voorsprong op Rasa-standaard, 3-voudige CV" in names


def test_the_reference_config_seeds_diet_and_the_summary_says_with_which_seed():
    from bench.nlu import CONFIGS, diet_seed

    seed = diet_seed(CONFIGS["default"])
    assert seed == 42
    assert diet_seed(CONFIGS["ours"]) is None  # ours has no DIET
    assert f"met DIET's `random_seed` op {seed}" in report._seed_note(seed)
    assert "zonder seed" in report._seed_note(None)
