"""`make bench`: quality and speed of the assistant, side by side with plain Rasa.

Steps: search quality per ranking mode and against plain BM25, search speed by
knowledge size, the NLU trainings (ours and Rasa's default, held-out and
cross-validation, plus the reference bot of `rasa init`), then the load test of
both stacks. Writes bench/results/summary.md with its plots; see
bench/report.py. `python -m bench --publish` then copies them into docs/.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
import traceback
from datetime import datetime
from importlib.metadata import version
from pathlib import Path

from bench import knowledge_size, nlu, publish, report, retrieval
from bench.common import LOGS, RESULTS, BenchError, commit, cpu_model, load_average, run_parallel, step
from bot.config import load_settings
from bot.knowledge.evaluate import read_questions
from bot.training.model import model_path

SECTIONS = ("retrieval", "size", "nlu", "load")


def arguments() -> argparse.ArgumentParser:
    """The options; their defaults read BENCH_WORKERS and BENCH_FOLDS when this is called."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", help=f"komma-gescheiden deel van: {','.join(SECTIONS)} (standaard alles)")
    parser.add_argument(
        "--workers",
        type=int,
        # argparse converts a string default with `type`, so a bad value gets its usual error
        default=os.environ.get("BENCH_WORKERS", "2"),
        help="trainingen tegelijk (standaard 2 = het aantal kernen hier; 3 tegelijk bleek hier trager)",
    )
    parser.add_argument(
        "--folds",
        type=int,
        default=os.environ.get("BENCH_FOLDS", str(nlu.FOLDS)),
        help=f"folds van de kruisvalidatie, voor beide configuraties (standaard {nlu.FOLDS}; meer is trager)",
    )
    parser.add_argument(
        "--publish",
        action="store_true",
        help=f"draai niets: kopieer de samenvatting en grafieken van de laatste run naar docs/{publish.DOCUMENT}",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = arguments()
    args = parser.parse_args(argv)
    if args.publish:
        return publish.run(RESULTS, SECTIONS)
    if args.workers < 1:
        parser.error("--workers moet minstens 1 zijn")
    if args.folds < 2:
        parser.error("--folds moet minstens 2 zijn")
    sections = args.only.split(",") if args.only else list(SECTIONS)
    unknown = set(sections) - set(SECTIONS)
    if unknown:
        parser.error(f"onbekend onderdeel: {', '.join(sorted(unknown))}")

    model = model_path(load_settings())
    if {"nlu", "load"} & set(sections) and not model.exists():
        print(f"fout: geen getraind model {model}; draai eerst `make train`", file=sys.stderr)
        return 2
    _clean_results()
    work = Path(tempfile.mkdtemp(prefix="jep-bench-"))
    started = time.monotonic()
    results = _run(sections, model, work, args.workers, args.folds)
    results["wall_seconds"] = time.monotonic() - started
    summary = report.write(results, RESULTS)
    print(f"\nKlaar in {results['wall_seconds'] / 60:.1f} min: {summary}", flush=True)
    for name, measured, requirement, met in report.targets(results):
        print(f"  {'OK  ' if met else 'MIS '} {name}: {measured} (eis {requirement})")
    if results["errors"]:
        print(f"Niet gelukt: {', '.join(results['errors'])}. Tijdelijke bestanden: {work}", file=sys.stderr)
        return 1
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _clean_results() -> None:
    # Every figure in the summary must come from this run: nothing of an earlier one stays.
    RESULTS.mkdir(parents=True, exist_ok=True)
    for path in RESULTS.iterdir():
        if path.name == "cluster.md":
            continue  # `make bench-cluster`'s own run, with its own date and commit
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    LOGS.mkdir()


def _run(sections: list[str], model: Path, work: Path, workers: int, folds: int) -> dict:
    results: dict = {
        "started": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "commit": commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "cpu_model": cpu_model(),
            "load_at_start": os.getloadavg(),
            "python": platform.python_version(),
            "rasa": version("rasa"),
            "load_average": {},
        },
        "model": model.name,
        "sections": sections,
        "steps": {},
        "errors": {},
    }

    def attempt(title: str, action) -> None:
        results["machine"]["load_average"][title] = load_average()
        with step(title) as timing:
            try:
                action()
            except Exception as problem:  # one failed step must not hide the others' figures
                results["errors"][title] = f"{type(problem).__name__}: {problem}"
                (LOGS / "errors.log").open("a").write(f"== {title}\n{traceback.format_exc()}\n")
                print(f"  fout in '{title}': {problem} (zie {LOGS / 'errors.log'})", file=sys.stderr, flush=True)
        results["steps"][title] = timing["seconds"]

    questions_dir = retrieval.QUESTIONS
    if "retrieval" in sections:
        attempt("Zoekkwaliteit (hybride, BM25F, dense; tegen BM25)", lambda: results.update(retrieval=retrieval.run()))
    if "size" in sections:
        attempt("Zoeksnelheid per omvang van de kennisbank",
                lambda: results.update(knowledge_size=knowledge_size.measure(work, questions_dir)))  # fmt: skip

    reference_dir = work / "reference-bot"
    nlu_jobs = []

    def train() -> None:
        env = nlu.job_env()
        tasks = []
        if "load" in sections:
            from bench.stack import reference_init_task

            tasks.append(reference_init_task(reference_dir, env))
        if "nlu" in sections:
            nlu_jobs.extend(nlu.tasks(work / "nlu", model, env, folds))
            tasks += nlu_jobs
        print(f"  {len(tasks)} taken, {workers} tegelijk; voortgang per taak in {LOGS}/", flush=True)
        started = time.monotonic()
        try:
            run_parallel(tasks, workers)
        finally:
            results["trainings"] = {
                "wall_seconds": time.monotonic() - started,
                "workers": workers,
                "tasks": {t.name: t.seconds for t in tasks},
            }

    if {"nlu", "load"} & set(sections):
        attempt("Trainen en testen (NLU, referentiebot)", train)
    if "nlu" in sections:
        attempt("NLU-resultaten inlezen", lambda: results.update(nlu=_nlu_results(work, nlu_jobs, results, folds)))
    if "load" in sections:
        attempt("Belasting, kennisomvang via Rasa, geheugen",
                lambda: _load(results, model, work, reference_dir, questions_dir))  # fmt: skip
    return results


def _nlu_results(work: Path, jobs: list, results: dict, folds: int) -> dict:
    if not jobs:
        raise BenchError("de NLU-taken zijn niet gedraaid")
    figures = nlu.collect(work / "nlu", jobs, folds)
    trainings = results.get("trainings", {})
    figures["timing"] = {
        "wall_seconds": trainings.get("wall_seconds", 0.0),
        "workers": trainings.get("workers"),
        "task_seconds": sum(t.seconds or 0.0 for t in jobs),
    }
    return figures


def _load(results: dict, model: Path, work: Path, reference_dir: Path, questions_dir: Path) -> None:
    from bench import load_phase
    from bench.stack import PeakMemory

    if not list((reference_dir / "models").glob("*.tar.gz")):
        raise BenchError(f"de referentiebot heeft geen model; zie {LOGS / 'reference-init.log'}")
    sizes = {size: item for size, item in (results.get("knowledge_size") or {}).get("sizes", {}).items()}
    articles = [q["q"] for q in read_questions(questions_dir) if q["kind"] == "article"][::4]
    with PeakMemory() as memory:
        try:
            results["load"] = load_phase.run(model, work, reference_dir, sizes, articles, memory)
        finally:
            results["memory"] = dict(memory.peaks)


if __name__ == "__main__":
    raise SystemExit(main())
