"""summary.md and its plots, from the results of this run only."""

from __future__ import annotations

import json
from pathlib import Path

from bench.labels import MODE_LABELS, OURS, REFERENCE, SET_LABELS, fixed, in_ms, level_at
from bench.plots import draw_all
from bench.targets import P95_TARGET_MS, THROUGHPUT_RATIO, WALL_LIMIT_MIN, targets, throughput_ratio


def write(results: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    data = {k: v for k, v in results.items() if not k.startswith("_")}
    (folder / "results.json").write_text(json.dumps(data, indent=2, default=str))
    plots = draw_all(results, folder)
    lines = _summary(results, plots)
    path = folder / "summary.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _duration(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def _mark(ok: bool | None) -> str:
    return "–" if ok is None else ("gehaald" if ok else "**niet gehaald**")


def _header(results: dict) -> list[str]:
    """When, what and where: figures of another commit or a busier machine are not comparable."""
    machine = results["machine"]
    cpu = f" ({machine['cpu_model']})" if machine.get("cpu_model") else ""
    load = " / ".join(f"{value:.2f}" for value in machine.get("load_at_start", ()))
    return [
        "# Benchmark Platform JEP-assistent",
        "",
        f"- Datum: {results['started']}",
        f"- Commit: {results.get('commit', 'onbekend')}",
        f"- Machine: {machine['cpus']} CPU-kernen{cpu}; Python {machine['python']}, Rasa {machine['rasa']}",
        f"- Belasting bij de start: {load or '–'} (gemiddelde over 1, 5 en 15 minuten)",
        "",
        "Gemeten met `make bench`; alle getallen komen uit deze run. De ruwe cijfers en de logbestanden staan in "
        "`bench/results/` (niet in git).",
        "",
    ]


def _summary(results: dict, plots: dict[str, str]) -> list[str]:
    lines = _header(results)
    if results.get("errors"):
        lines += ["**Niet alles is gelukt:**", ""]
        lines += [f"- {section}: {message}" for section, message in results["errors"].items()]
        lines.append("")
    lines += ["## Doelen", "", "| doel | gemeten | eis | |", "| --- | --- | --- | --- |"]
    for name, measured, requirement, met in targets(results):
        lines.append(f"| {name} | {measured} | {requirement} | {_mark(met)} |")
    lines.append("")
    for section in (_nlu, _retrieval, _load, _knowledge, _memory, _timing):
        lines += section(results, plots)
    return lines


def _image(plots: dict[str, str], key: str, caption: str) -> list[str]:
    return [f"![{caption}]({plots[key]})", ""] if key in plots else []


def _seed_note(seed: int | None) -> str:
    if seed is None:
        return ", zonder seed: haar score verschilt van run tot run."
    return f", met DIET's `random_seed` op {seed}, zodat dezelfde commit dezelfde cijfers geeft."


def _nlu(results: dict, plots: dict[str, str]) -> list[str]:
    nlu = results.get("nlu")
    if not nlu:
        return []
    ours, default = nlu["ours"], nlu["default"]
    folds = nlu["folds"]
    lines = [
        "## NLU: intentherkenning",
        "",
        f"Macro-F1 over de intents (Rasa's `intent_report.json`). Held-out: getraind op `data/nlu`, getest op "
        f"`tests/nlu_test.yml` ({ours['heldout']['n']} zinnen). Kruisvalidatie: {folds} gestratificeerde folds "
        f"van `data/nlu` (seed {nlu['seed']}), voor beide configuraties dezelfde splitsing; gemiddelde ± "
        f"standaardafwijking over de folds. Onze held-out-score is die van het model dat `make run` serveert; "
        f"de Rasa-standaard (`{nlu['config_files']['default']}`, de pipeline die `rasa init` traint) is op "
        f"dezelfde data getraind{_seed_note(nlu.get('default_diet_seed'))}",
        "",
        "| configuratie | held-out macro-F1 | held-out accuracy | CV macro-F1 | CV per fold | rekentijd CV |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, label in (("ours", "JEP (`config.yml`)"), ("default", "Rasa-standaard")):
        item = nlu[name]
        per_fold = ", ".join(fixed(s) for s in item["cv_folds"])
        lines.append(
            f"| {label} | {fixed(item['heldout']['macro_f1'])} | {fixed(item['heldout']['accuracy'])} | "
            f"{fixed(item['cv_mean'])} ± {fixed(item['cv_stdev'])} | {per_fold} | {item['cv_seconds'] / 60:.1f} min |"
        )
    lines += [
        f"| **verschil** | **{ours['heldout']['macro_f1'] - default['heldout']['macro_f1']:+.3f}** | "
        f"{ours['heldout']['accuracy'] - default['heldout']['accuracy']:+.3f} | "
        f"**{ours['cv_mean'] - default['cv_mean']:+.3f}** | | |",
        "",
    ]
    lines += [
        f"Een fold test op {min(ours['cv_test_sentences'])} à {max(ours['cv_test_sentences'])} zinnen van "
        f"`data/nlu`; de kleinste intents hebben er maar {ours['cv_smallest_intent']} per fold, dus één fout "
        "verschuift hun F1 sterk en de macro-F1 per fold schommelt. De held-out-set telt "
        f"{ours['heldout']['n']} zinnen.",
        "",
    ]
    timing = nlu.get("timing", {})
    if timing:
        lines += [
            f"Rekentijd: de {folds} folds van de Rasa-standaard kostten samen "
            f"{default['cv_seconds'] / 60:.1f} min (training per fold: "
            f"{', '.join(f'{s:.0f}' for s in default['train_seconds'] if s is not None)} s), die van JEP "
            f"{ours['cv_seconds'] / 60:.1f} min; de held-out-training van de standaard "
            f"{default['heldout_seconds'] / 60:.1f} min. Alle NLU-taken samen: {timing['task_seconds'] / 60:.1f} min; "
            f"met {timing['workers']} taken tegelijk duurde de hele trainingsstap (ook de referentiebot) "
            f"{timing['wall_seconds'] / 60:.1f} min.",
            "",
        ]
    return lines + _image(plots, "nlu", "NLU macro-F1")


def _retrieval(results: dict, plots: dict[str, str]) -> list[str]:
    r = results.get("retrieval")
    if not r:
        return []
    sets = r["sets"]
    lines = [
        "## Zoeken: kennisartikelen en organisaties",
        "",
        f"Hybride zoeken (BM25F en e5-vectoren samen) tegen elk van beide alleen, over {r['articles']} artikelen en "
        f"{r['providers']} organisaties, met `bot.knowledge.evaluate` zoals `make search-eval`: "
        f"{sets['long']} lange vragen, {sets['short']} korte invoeren en {sets.get('behaviour', 0)} beschrijvingen "
        "van wat een jongere doet (`tests/search/questions/`, de bestanden `short*` en `behaviour*`), en de "
        f"vervolgbeurten van {sets['conversations']} gesprekken "
        "(`tests/search/followups/`), elk gelezen met de context die de beurt ervoor achterliet.",
        "",
        "| set | zoekwijze | n | recall@1 | recall@3 | MRR |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, label in SET_LABELS.items():
        for mode, figures in r["modes"].items():
            if name not in figures:  # a run from before the set existed
                continue
            lines.append(f"| {label} | {MODE_LABELS[mode]} | {_scores(figures[name]['all'])} |")
    lines += [
        "",
        f"Antwoordbeslissing: antwoorden of niet, op de {sets['answerable']} gelabelde vragen (beantwoordbaar) en "
        f"{sets['not_answerable']} invoeren buiten het domein, onzin of te vaag (`tests/search/decision/`). "
        "Precisie: het aandeel van de beantwoorde invoeren dat beantwoordbaar was; recall: het aandeel van de "
        "beantwoordbare vragen dat een antwoord kreeg.",
        "",
        "| zoekwijze | beantwoord | precisie | recall | n |",
        "| --- | --- | --- | --- | --- |",
    ]
    for mode, d in r["decision"].items():
        precision = fixed(d["precision"]) if d["answered"] else "–"
        lines.append(f"| {MODE_LABELS[mode]} | {d['answered']} | {precision} | {fixed(d['recall'])} | {d['n']} |")
    silent = [MODE_LABELS[mode] for mode, d in r["decision"].items() if not d["answered"]]
    if silent:
        lines += ["", f"Geen precisie (–) waar niets beantwoord werd ({', '.join(silent)}): de beslissing leest "
                  "ook de e5-gelijkenis van het beste document, en die ontbreekt zonder vraagvector."]  # fmt: skip
    lines += [""] + _image(plots, "retrieval", "Zoekkwaliteit per zoekwijze")
    return lines + _against_plain_bm25(r)


def _scores(s: dict) -> str:
    """n, recall@1, recall@3 and MRR as table cells; no figures for an empty set."""
    if not s["n"]:
        return "0 | – | – | –"
    return f"{s['n']} | {fixed(s['recall1'])} | {fixed(s['recall3'])} | {fixed(s['mrr'])}"


def _against_plain_bm25(r: dict) -> list[str]:
    lines = [
        "### Tegen een gewone BM25",
        "",
        f"Alle {r['questions']} gelabelde vragen, lang en kort. JEP: het hybride zoeken hierboven. BM25: "
        "`rank_bm25.BM25Okapi` met standaardinstellingen over titel + samenvatting + tekst (artikelen) en "
        "naam + beschrijving (organisaties), kleine letters, gesplitst op woordtekens.",
        "",
        "| methode | soort | n | recall@1 | recall@3 | MRR |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for key, label in (("ours", "JEP"), ("ours_no_audience", "JEP zonder werkomgeving"), ("bm25", "BM25")):
        for kind in ("all", "article", "provider"):
            name = {"all": "alles", "article": "artikelen", "provider": "organisaties"}[kind]
            lines.append(f"| {label} | {name} | {_scores(r[key][kind])} |")
    return lines + [""]


def _load(results: dict, plots: dict[str, str]) -> list[str]:
    load = results.get("load")
    if not load:
        return []
    lines = [
        "## Belasting: gesprekken over het REST-kanaal",
        "",
        "Gesprekken van 5 beurten (groet, kennisvraag, vraag naar een organisatie, vervolgvraag, bedankje; "
        "`bench/messages.py`), gesloten lus zonder bedenktijd: elk gesprek stuurt zijn volgende beurt zodra het "
        "antwoord binnen is. JEP: Rasa-server met ons model en de SQL-tracker store (SQLite), actieserver, "
        "kennisbank in SQLite. Referentie: een kale `rasa init --no-prompt`-bot (Rasa's standaardconfiguratie, "
        "in-memory tracker store) op dezelfde machine, in dezelfde run. Per niveau eerst JEP, dan de referentie.",
        "",
        *_at_ten(results),
        "| stack | gelijktijdig | gesprekken | beurten | beurten/s | p50 | p95 | p99 | fouten |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for stack, levels in load["levels"].items():
        for lv in levels:
            lines.append(
                f"| {stack} | {lv['concurrency']} | {lv['conversations']} | {lv['turns']} | "
                f"{lv['turns_per_second']:.1f} | {lv['p50_ms']:.0f} ms | {lv['p95_ms']:.0f} ms | "
                f"{lv['p99_ms']:.0f} ms | {lv['errors']} |"
            )
    lines.append("")
    ratios = []
    for lv in load["levels"].get(OURS, []):
        ref = level_at(results, REFERENCE, lv["concurrency"])
        if ref:
            ratios.append(f"{lv['concurrency']}: {throughput_ratio(lv, ref):.2f}×")
    if ratios:
        lines += [f"Doorvoer van JEP als veelvoud van de referentie, per aantal gelijktijdige gesprekken: "
                  f"{'; '.join(ratios)}.", ""]  # fmt: skip
    tracker = load.get("tracker")
    if tracker:
        lines += [
            f"Tracker store: voor alle {tracker['turns_checked']} beantwoorde beurten van JEP "
            f"({tracker['conversations']} gesprekken) is het user-event met dezelfde tekst in de tabel `events` "
            f"gezocht: **{tracker['lost']} kwijt**.",
            "",
        ]
    lines += _where_time_goes(results)
    lines += _image(plots, "load", "Doorvoer en latentie")
    lines += _image(plots, "cpu", "CPU-tijd per beurt")
    return lines


def _at_ten(results: dict) -> list[str]:
    """The two figures the issue asks of the load test, in one sentence."""
    ours10, ref10 = level_at(results, OURS, 10), level_at(results, REFERENCE, 10)
    if not (ours10 and ref10):
        return []
    return [
        f"**Bij 10 gelijktijdige gesprekken** haalt JEP {ours10['turns_per_second']:.1f} beurten/s tegen "
        f"{ref10['turns_per_second']:.1f} voor de kale Rasa: **{throughput_ratio(ours10, ref10):.2f}× de doorvoer "
        f"van kale "
        f"Rasa** (eis ≥ {THROUGHPUT_RATIO}×). De p95-latentie per beurt is dan **{ours10['p95_ms']:.0f} ms** "
        f"(eis < {P95_TARGET_MS} ms), bij de kale Rasa {ref10['p95_ms']:.0f} ms.",
        "",
    ]


def _where_time_goes(results: dict) -> list[str]:
    lines = []
    ours10, ref10 = level_at(results, OURS, 10), level_at(results, REFERENCE, 10)
    if not (ours10 and ref10):
        return lines
    lines += [
        "Waar de tijd heen gaat (10 gelijktijdige gesprekken): CPU-tijd per beurt per proces, uit "
        "`/proc/<pid>/stat` (de loadgenerator is het benchmarkproces zelf), en de latentie per soort beurt.",
        "",
        "| stack | proces | CPU-ms per beurt |",
        "| --- | --- | --- |",
    ]
    for level, stack in ((ours10, OURS), (ref10, REFERENCE)):
        for process, ms in level["cpu_ms_per_turn"].items():
            lines.append(f"| {stack} | {process.removeprefix(stack + ' ')} | {ms:.1f} |")
    lines += ["", "| stack | beurt | p50 | p95 |", "| --- | --- | --- | --- |"]
    for level, stack in ((ours10, OURS), (ref10, REFERENCE)):
        for kind, figures in level["by_kind"].items():
            lines.append(f"| {stack} | {kind} | {figures['p50_ms']:.0f} ms | {figures['p95_ms']:.0f} ms |")
    return lines + [""]


def _knowledge(results: dict, plots: dict[str, str]) -> list[str]:
    ks = results.get("knowledge_size")
    if not ks:
        return []
    trips = (results.get("load") or {}).get("round_trips", {})
    lines = [
        "## Omvang van de kennisbank",
        "",
        f"Zoeken: `KnowledgeService.find_articles` (hybride, met de antwoordbeslissing) op alle {ks['questions']} "
        f"gelabelde vragen, {ks['passes']}× per omvang, na het opbouwen van de index; op twee manieren. *Ingebed*: "
        "de vraag wordt bij elke zoekopdracht met e5 ingebed, zoals de actieserver zoekt als er geen vector van "
        "de NLU meekomt. *NLU-vector*: met de vooraf berekende vector van de vraag, zoals wanneer de NLU van de "
        "Rasa-server die meegeeft; dan blijven BM25F, het dense scoren en de beslissing. De grotere kennisbanken "
        "zijn de echte artikelen plus varianten (nieuw id, een voorvoegsel voor de titel, een deel van de "
        "trefwoorden; samenvatting en tekst als het origineel, zodat hun passagevectoren uit de cache komen), "
        "geladen met de echte loader in een eigen SQLite-bestand. Rasa-rondreis: kennisvragen uit de gelabelde "
        "set, één per nieuw gesprek, via de Rasa-server naar de actieserver die op die kennisbank draait.",
        "",
        "| artikelen | laden | index opbouwen | ingebed p50 | ingebed p95 | NLU-vector p50 | NLU-vector p95 | "
        "Rasa-rondreis p50 | rondreis p95 | eerste vraag |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    rows = {}
    for size, item in ks["sizes"].items():
        rows[int(size)] = (
            f"{item['generate_and_load_seconds']:.1f} s",
            f"{item['index_build_seconds']:.1f} s",
            *(in_ms(item.get(key)) for key in ("search_p50_ms", "search_p95_ms", "vector_p50_ms", "vector_p95_ms")),
        )
    for size in trips:
        rows.setdefault(int(size), ("–",) * 6)
    for size in sorted(rows):
        trip = trips.get(size) or trips.get(str(size))
        trip_cells = (
            (f"{trip['p50_ms']:.0f} ms", f"{trip['p95_ms']:.0f} ms", f"{trip['first_question_ms']:.0f} ms")
            if trip else ("–", "–", "–")
        )  # fmt: skip
        lines.append(f"| {size} | " + " | ".join(rows[size] + trip_cells) + " |")
    lines.append("")
    if trips:
        lines += ["De rij zonder laad- en zoekcijfers is de echte kennisbank tijdens de belastingstest.", ""]
    return lines + _image(plots, "knowledge", "Zoeklatentie per omvang")


def _memory(results: dict, plots: dict[str, str]) -> list[str]:
    memory = results.get("memory")
    if not memory:
        return []
    lines = [
        "## Geheugen",
        "",
        "Piek van het residente geheugen (VmHWM uit `/proc/<pid>/status`, elke 0,5 s bemonsterd) per proces.",
        "",
        "| proces | piek RSS |",
        "| --- | --- |",
    ]
    lines += [f"| {label} | {mb:.0f} MB |" for label, mb in memory.items()]
    return lines + [""] + _image(plots, "memory", "Piekgeheugen")


def _timing(results: dict, _plots: dict[str, str]) -> list[str]:
    lines = ["## Looptijd", "", "| stap | tijd |", "| --- | --- |"]
    lines += [f"| {name} | {_duration(seconds)} |" for name, seconds in results.get("steps", {}).items()]
    if results.get("wall_seconds") is not None:
        lines.append(f"| **totaal** | **{_duration(results['wall_seconds'])}** |")
    lines += _over_time(results)
    loads = results["machine"].get("load_average", {})
    if loads:
        lines += [
            "",
            f"Belasting van de machine (1-minuutgemiddelde) bij het begin van elke stap: "
            f"{', '.join(f'{name} {value:.1f}' for name, value in loads.items())}. Het gemiddelde loopt een "
            f"minuut na: direct na de trainingen (die {results['machine']['cpus']} taken tegelijk draaien) is het "
            f"hun eigen belasting. Boven {results['machine']['cpus']} bij het begin van de eerste stappen draaide er "
            "ander werk naast de benchmark, wat de tijden verhoogt.",
        ]
    return lines + [""]


def _over_time(results: dict) -> list[str]:
    """Where the half hour went, when `make bench` took longer."""
    wall, nlu = results.get("wall_seconds"), results.get("nlu")
    if wall is None or wall / 60 < WALL_LIMIT_MIN or not nlu:
        return []
    workers = nlu["timing"]["workers"] or 1
    default = nlu["default"]["cv_seconds"] + nlu["default"]["heldout_seconds"]
    share = default / workers
    return [
        "",
        f"De run duurde {wall / 60:.1f} min, langer dan {WALL_LIMIT_MIN} min. De {nlu['folds'] + 1} trainingen van de "
        f"Rasa-standaard ({nlu['folds']} folds en held-out; 100 epochs DIET met twee transformerlagen van 256, "
        f"zoals `rasa init` traint) kostten samen {default / 60:.1f} min taaktijd; met {workers} taken tegelijk is "
        f"dat ongeveer {share / 60:.1f} min van de looptijd. Zonder die trainingen had de run ongeveer "
        f"{(wall - share) / 60:.1f} min geduurd. Aan epochs en lagen van de standaardconfiguratie is bewust niets "
        "veranderd; elke fold meer of minder (`BENCH_FOLDS`) kost of scheelt één training van elke configuratie.",
    ]
