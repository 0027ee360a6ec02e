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


def _figures(n: int, recall3: float) -> dict:
    return {"n": n, "recall1": recall3 - 0.1, "recall3": recall3, "mrr": recall3 - 0.05}


def _whole_run() -> dict:
    """The results of a run with the sections this file checks, in the shapes the bench steps return."""
    kinds = {kind: _figures(10, 0.9) for kind in ("all", "article", "provider")}
    modes = {mode: {"long": kinds, "short": kinds, "followups": {"all": _figures(0, 0.0)}}
             for mode in ("hybrid", "bm25", "dense")}  # fmt: skip
    modes["hybrid"]["short"] = {**kinds, "all": _figures(245, 0.992)}
    level = {"concurrency": 10, "conversations": 40, "turns": 200, "wall_seconds": 50.0, "p50_ms": 120.0,
             "p99_ms": 400.0, "errors": 0, "cpu_ms_per_turn": {}, "by_kind": {}}  # fmt: skip
    return {
        "started": "2026-12-06 20:00 CET",
        "commit": "26d4305 met lokale wijzigingen",
        "machine": {
            "cpus": 2,
            "cpu_model": "AMD EPYC",
            "python": "3.10.14",
            "rasa": "3.6.20",
            "load_at_start": (1.0, 2.5, 3.25),
            "load_average": {},
        },
        "sections": ["retrieval", "size", "load"],
        "errors": {},
        "retrieval": {
            "sets": {"long": 184, "short": 245, "conversations": 0, "answerable": 429, "not_answerable": 153},
            "articles": 42,
            "providers": 30,
            "modes": modes,
            "decision": {mode: {"precision": 0.96, "recall": 0.95, "answered": 400, "n": 582} for mode in modes},
            "questions": 429,
            "ours": kinds,
            "ours_no_audience": kinds,
            "bm25": {kind: _figures(10, 0.8) for kind in kinds},
        },
        "knowledge_size": {
            "questions": 429,
            "passes": 2,
            "sizes": {
                size: {
                    "generate_and_load_seconds": 1.0,
                    "index_build_seconds": 0.5,
                    "search_p50_ms": 15.0,
                    "search_p95_ms": 25.0,
                    "vector_p50_ms": 3.0,
                    "vector_p95_ms": 6.0,
                }
                for size in (50, 500, 5000)
            },
        },
        "load": {
            "levels": {
                report.OURS: [{**level, "turns_per_second": 3.4, "p95_ms": 310.0}],
                report.REFERENCE: [{**level, "turns_per_second": 4.0, "p95_ms": 250.0}],
            },
        },
    }


def test_the_summary_begins_with_date_commit_machine_and_load(tmp_path):
    lines = report.write(_whole_run(), tmp_path).read_text(encoding="utf-8").splitlines()

    assert lines[:6] == [
        "# Benchmark Platform JEP-assistent",
        "",
        "- Datum: 2026-12-06 20:00 CET",
        "- Commit: 26d4305 met lokale wijzigingen",
        "- Machine: 2 CPU-kernen (AMD EPYC); Python 3.10.14, Rasa 3.6.20",
        "- Belasting bij de start: 1.00 / 2.50 / 3.25 (gemiddelde over 1, 5 en 15 minuten)",
    ]
    for chart in ("retrieval.png", "knowledge.png", "load.png"):
        assert (tmp_path / chart).exists()


def test_the_retrieval_table_compares_the_modes_per_set_and_leaves_an_empty_set_blank():
    text = "\n".join(report._retrieval(_whole_run(), {}))

    assert "| korte invoer | hybride | 245 | 0.892 | 0.992 | 0.942 |" in text
    assert "| vervolgvragen | alleen dense (e5) | 0 | – | – | – |" in text
    assert "| alleen BM25F | 400 | 0.960 | 0.950 | 582 |" in text
    # The main table comes first; the plain BM25 baseline stays below it.
    assert text.index("| set | zoekwijze |") < text.index("### Tegen een gewone BM25")
    assert "| BM25 | alles | 10 | 0.700 | 0.800 | 0.750 |" in text


def test_the_load_section_states_throughput_against_bare_rasa_and_p95_at_ten():
    text = "\n".join(report._load(_whole_run(), {}))

    assert "**0.85× de doorvoer van kale Rasa** (eis ≥ 1.2×)" in text
    assert "De p95-latentie per beurt is dan **310 ms** (eis < 400 ms), bij de kale Rasa 250 ms." in text


def test_search_speed_at_5000_articles_is_checked_with_and_without_embedding_the_question():
    rows = {name: (measured, met) for name, measured, _, met in report.targets(_whole_run())}

    assert rows["Zoeken p95 bij 5.000 artikelen, vraag ingebed bij het zoeken"] == ("25.0 ms", False)
    assert rows["Zoeken p95 bij 5.000 artikelen, vector van de NLU"] == ("6.0 ms", True)


def test_publishing_copies_the_summary_and_its_charts_into_docs(tmp_path):
    from bench import publish

    results, docs = tmp_path / "results", tmp_path / "docs"
    report.write(_whole_run(), results)
    docs.mkdir()
    (docs / "bench-memory.png").write_bytes(b"a chart this run did not draw")

    assert publish.run(results, ["load", "retrieval", "size"], docs) == 0

    text = (docs / "benchmarks.md").read_text(encoding="utf-8")
    assert text.startswith("# Benchmark Platform JEP-assistent\n\n- Datum: 2026-12-06 20:00 CET\n")
    assert "![Zoekkwaliteit per zoekwijze](bench-retrieval.png)" in text
    assert (docs / "bench-retrieval.png").read_bytes() == (results / "retrieval.png").read_bytes()
    assert not (docs / "bench-memory.png").exists()


def test_publishing_refuses_a_partial_or_failed_run(tmp_path, capsys):
    from bench import publish

    results = tmp_path / "results"
    report.write(_whole_run(), results)

    assert publish.run(results, ["retrieval", "size", "nlu", "load"], tmp_path / "docs") == 2
    assert publish.run(tmp_path / "nothing", ["retrieval"], tmp_path / "docs") == 2
    assert not (tmp_path / "docs").exists()
    assert "niet volledig" in capsys.readouterr().err
