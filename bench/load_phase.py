"""The load step: our stack and the reference bot under the same load, side by side.

Both stacks run at once and the levels alternate between them (ours, then the
reference, per level), so a burst of other work on the machine hits both
rather than one. Afterwards the action server is restarted on the larger
knowledge bases for the Rasa round trip of knowledge questions.
"""

from __future__ import annotations

import time
from pathlib import Path

from bench import load
from bench.stack import PeakMemory, Stack, our_settings, our_stack, reference_stack
from bot.knowledge.loader import load_knowledge
from bot.runner import start, wait_until_ready
from bot.store import make_engine, make_sessionmaker

LEVELS = {1: 10, 10: 40, 50: 100}  # concurrent conversations → conversations in total (5 turns each)


def _start_together(stacks: list[Stack]) -> dict[str, float]:
    # Loading two models at once saves half a minute; readiness is timed per stack.
    started = time.monotonic()
    for stack in stacks:
        start(stack.services, stack.env)
    ready = {}
    for stack in stacks:
        try:
            wait_until_ready(stack.services, timeout=300)
        except RuntimeError as problem:
            logs = ", ".join(str(s.log) for s in stack.services)
            raise RuntimeError(f"{stack.name}: {problem} (logbestanden: {logs})") from None
        ready[stack.name] = time.monotonic() - started
    return ready


def _pids(stack: Stack) -> dict[str, int]:
    return {f"{stack.name} {service.name}": service.process.pid for service in stack.services}


def run(model: Path, work: Path, reference_dir: Path, sizes: dict, questions: list[str], memory: PeakMemory) -> dict:
    settings = our_settings(work)
    report = load_knowledge(settings.knowledge_dir, make_sessionmaker(make_engine(settings.db_url)))
    ours, reference = our_stack(settings, model), reference_stack(reference_dir)
    stacks = [ours, reference]
    result: dict = {"levels": {}, "ports": {"rasa": settings.rasa_port, "actions": settings.action_port}}
    try:
        print("  servers starten (modellen laden)...", flush=True)
        result["startup_seconds"] = _start_together(stacks)
        for stack in stacks:
            for label, pid in _pids(stack).items():
                memory.watch(label, pid)
        result["warm_up_seconds"] = {s.name: load.warm_up(s.rasa_url, f"bench-warmup-{s.name}") for s in stacks}

        sent = []
        for concurrency, conversations in LEVELS.items():
            for stack in stacks:
                level = load.run_level(stack.rasa_url, f"bench-{stack.name}-c{concurrency}", concurrency,
                                       conversations, _pids(stack))  # fmt: skip
                if stack is ours:
                    sent += level["_sent"]
                del level["_sent"]
                result["levels"].setdefault(stack.name, []).append(level)
                print(
                    f"  {stack.name:10s} {concurrency:2d} gelijktijdig: {level['turns']} beurten in "
                    f"{level['wall_seconds']:.1f} s, {level['turns_per_second']:.1f} beurten/s, "
                    f"p50 {level['p50_ms']:.0f} ms, p95 {level['p95_ms']:.0f} ms, fouten {level['errors']}",
                    flush=True,
                )
        result["tracker"] = load.lost_user_events(settings.tracker_db_url, sent)
        print(f"  tracker store: {result['tracker']['turns_checked']} beurten gecontroleerd, "
              f"{result['tracker']['lost']} user-events kwijt", flush=True)  # fmt: skip
        memory.sample()  # VmHWM of the reference before it goes
        reference.stop()

        result["round_trips"] = _round_trips(ours, sizes, report.totals["articles"], questions, memory)
    finally:
        memory.sample()
        for stack in stacks:
            stack.stop()
    return result


def _round_trips(ours: Stack, sizes: dict, real_articles: int, questions: list[str], memory: PeakMemory) -> dict:
    """Knowledge questions through Rasa with the action server on each knowledge base."""
    actions = ours.service("actieserver")
    results = {}
    label = f"{ours.name} {actions.name}"
    runs = [(real_articles, None)] + [(size, info["db_url"]) for size, info in sizes.items()]
    for articles, db_url in runs:
        if db_url:  # a restart on another knowledge base
            memory.forget(label)
            ours.stop([actions])
            ours.start([actions], dict(ours.env, JEP_DB_URL=db_url))
            label = f"{ours.name} {actions.name} ({articles} artikelen)"
            memory.watch(label, actions.process.pid)
        # The first knowledge question makes the action server build its index.
        first = load.round_trips(ours.rasa_url, f"bench-first-{articles}", questions[:1])
        figures = load.round_trips(ours.rasa_url, f"bench-kennis-{articles}", questions)
        figures["first_question_ms"] = first["p50_ms"]
        results[articles] = figures
        print(
            f"  {articles:5d} artikelen: eerste vraag {first['p50_ms']:.0f} ms, "
            f"daarna p50 {figures['p50_ms']:.0f} ms, p95 {figures['p95_ms']:.0f} ms, fouten {figures['errors']}",
            flush=True,
        )
    return results
