"""The targets of the benchmark issue; each row of the summary's table is checked against this run."""

from bench.labels import OURS, REFERENCE, fixed, in_ms, level_at

F1_TARGET, F1_MARGIN = 0.92, 0.03
RECALL3_TARGET = 0.90
THROUGHPUT_RATIO, P95_TARGET_MS = 1.2, 400  # issue 18: at 10 conversations, ≥ 1.2× bare Rasa
SEARCH_P95_MS, SEARCH_AT = 20, 5000
WALL_LIMIT_MIN = 30


def throughput_ratio(ours: dict, reference: dict) -> float:
    """Our throughput as a multiple of the reference's."""
    return ours["turns_per_second"] / reference["turns_per_second"] if reference["turns_per_second"] else 0.0


def targets(results: dict) -> list[tuple[str, str, str, bool | None]]:
    """(target, measured, requirement, met) per target of the issue."""
    rows = []
    nlu = results.get("nlu")
    if nlu:
        ours, default = nlu["ours"], nlu["default"]
        held, held_default = ours["heldout"]["macro_f1"], default["heldout"]["macro_f1"]
        rows.append(("NLU macro-F1, held-out", fixed(held), f"≥ {F1_TARGET}", held >= F1_TARGET))
        rows.append(("NLU: voorsprong op Rasa-standaard, held-out", f"{held - held_default:+.3f}",
                     f"≥ +{F1_MARGIN}", held - held_default >= F1_MARGIN))  # fmt: skip
        diff = ours["cv_mean"] - default["cv_mean"]
        rows.append((f"NLU: voorsprong op Rasa-standaard, {nlu['folds']}-voudige CV", f"{diff:+.3f}", f"≥ +{F1_MARGIN}",
                     diff >= F1_MARGIN))  # fmt: skip
    retrieval = results.get("retrieval")
    if retrieval:
        ours, bm25 = retrieval["ours"]["all"], retrieval["bm25"]["all"]
        recall3 = ours["recall3"]
        rows.append(("Zoeken recall@3", fixed(recall3), f"≥ {RECALL3_TARGET}", recall3 >= RECALL3_TARGET))
        rows.append(("Zoeken recall@3 boven BM25", f"{ours['recall3']:.3f} tegen {bm25['recall3']:.3f}",
                     "hoger", ours["recall3"] > bm25["recall3"]))  # fmt: skip
    ours10, ref10 = level_at(results, OURS, 10), level_at(results, REFERENCE, 10)
    if ours10 and ref10:
        ratio = throughput_ratio(ours10, ref10)
        rows.append(("Doorvoer bij 10 gesprekken, t.o.v. kale Rasa", f"{ratio:.2f}×", f"≥ {THROUGHPUT_RATIO}×",
                     ratio >= THROUGHPUT_RATIO))  # fmt: skip
        rows.append(("p95-latentie bij 10 gesprekken", f"{ours10['p95_ms']:.0f} ms", f"< {P95_TARGET_MS} ms",
                     ours10["p95_ms"] < P95_TARGET_MS))  # fmt: skip
        rows.append(("Fouten bij 10 gesprekken", str(ours10["errors"]), "0", ours10["errors"] == 0))
    tracker = (results.get("load") or {}).get("tracker")
    if tracker:
        rows.append(("Kwijtgeraakte user-events (alle niveaus)", str(tracker["lost"]), "0", tracker["lost"] == 0))
    size = (results.get("knowledge_size") or {}).get("sizes", {}).get(SEARCH_AT)
    if size:
        at = f"{SEARCH_AT:,}".replace(",", ".")
        for key, how in (("search_p95_ms", "vraag ingebed bij het zoeken"), ("vector_p95_ms", "vector van de NLU")):
            rows.append((f"Zoeken p95 bij {at} artikelen, {how}", in_ms(size[key]), f"< {SEARCH_P95_MS} ms",
                         size[key] < SEARCH_P95_MS))  # fmt: skip
    wall = results.get("wall_seconds")
    if wall is not None and len(results.get("sections", [])) == 4:  # only a whole run says something about make bench
        rows.append(("Looptijd benchmark (zonder `make train`)", f"{wall / 60:.1f} min", f"< {WALL_LIMIT_MIN} min",
                     wall / 60 < WALL_LIMIT_MIN))  # fmt: skip
    return rows
