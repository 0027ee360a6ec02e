"""`python -m bench.cluster` (`make bench-cluster`): one Rasa replica against two, beside one process.

On this machine, in one run: the single process of `make run` (SQLite), then the cluster of
`make cluster` (PostgreSQL, Redis, HAProxy, the action server) with one Rasa replica and with two.
Each gets the load levels of the main bench (bench/load_phase.py) at 10 and 50 concurrent
conversations: closed-loop five-turn conversations over REST (bench/load.py), through HAProxy for
the cluster. Reported: throughput, p50/p95/p99, errors, lost user events, and where the CPU time of
a turn goes, per kind of process, with how busy both cores were. Prints a table and writes
bench/results/cluster.md. Target: the two-replica cluster's p95 at 10 concurrent below 400 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from bench import load, load_phase
from bench.common import LOGS, RESULTS, commit, cpu_model, environment, free_port, load_average, quiet_env
from bench.stack import our_settings, our_stack
from bot.cli.knowledge import load as load_knowledge
from bot.cluster import packages, service_user
from bot.cluster.layout import ClusterLayout, replica_ports
from bot.cluster.postgres import PostgresServer
from bot.cluster.redis_server import RedisServer
from bot.cluster.runner import Cluster, cluster_settings
from bot.config import ROOT, load_settings
from bot.knowledge.loader import load_knowledge as load_files
from bot.runner import new_rasa_token
from bot.store import make_engine, make_sessionmaker
from bot.training.model import model_path

LEVELS = {concurrency: load_phase.LEVELS[concurrency] for concurrency in (10, 50)}
TARGET_P95_MS, TARGET_LEVEL = 400.0, 10
SINGLE = "één proces (SQLite)"
REPORT = RESULTS / "cluster.md"
# Where the CPU time goes; the cluster's data servers and HAProxy, and the load generator itself.
GROUPS = ("Rasa", "actieserver", "PostgreSQL", "Redis", "HAProxy", "loadgenerator")


def replicas_label(count: int) -> str:
    return f"cluster, {count} Rasa-replica{'' if count == 1 else 's'}"


# ---------- CPU time of process trees, from /proc ----------


def _processes() -> dict[int, tuple[int, float]]:
    """Every process: pid → (parent pid, CPU seconds of itself and its reaped children)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        # After the name: state, ppid, ...; utime, stime, cutime, cstime are fields 14-17 of stat(5).
        found[int(entry.name)] = (int(fields[1]), sum(int(v) for v in fields[11:15]) / tick)
    return found


def tree_cpu_seconds(roots: dict[str, list[int]]) -> dict[str, float]:
    """CPU seconds so far of each group's processes and all their descendants (PostgreSQL's backends)."""
    processes = _processes()
    children: dict[int, list[int]] = {}
    for pid, (parent, _) in processes.items():
        children.setdefault(parent, []).append(pid)
    totals = {}
    for group, pids in roots.items():
        pending, seen = list(pids), set()
        while pending:
            pid = pending.pop()
            if pid in seen or pid not in processes:
                continue
            seen.add(pid)
            pending += children.get(pid, [])
        totals[group] = sum(processes[pid][1] for pid in seen)
    return totals


def machine_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds of all cores since boot, from /proc/stat."""
    # user nice system idle iowait irq softirq steal; guest time is already inside user.
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = values[3] + values[4]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


# ---------- one setup under the load levels ----------


def measure(name: str, key: str, url: str, warm: list[str], roots: Callable[[], dict[str, list[int]]],
            tracker_url: str) -> dict:  # fmt: skip
    """Warms each Rasa up, then runs the load levels against `url`; figures per level."""
    for number, address in enumerate(warm):
        load.warm_up(address, f"bench-warm-{key}-{number}")
    result: dict = {"levels": []}
    sent = []
    for concurrency, conversations in LEVELS.items():
        groups = roots()
        cpu_before, busy_before, own_before = tree_cpu_seconds(groups), machine_busy_seconds(), time.process_time()
        level = load.run_level(url, f"bench-{key}-c{concurrency}", concurrency, conversations, {})
        cpu_after, busy_after = tree_cpu_seconds(groups), machine_busy_seconds()
        turns = max(1, level["turns"])
        cpu = {g: cpu_after[g] - cpu_before[g] for g in groups}
        cpu["loadgenerator"] = time.process_time() - own_before  # this process alone: the services are its children
        level["cpu_ms_per_turn"] = {g: 1000 * seconds / turns for g, seconds in cpu.items()}
        busy, total = (busy_after[0] - busy_before[0]), (busy_after[1] - busy_before[1])
        level["cores_busy"] = (os.cpu_count() or 1) * busy / total if total else 0.0  # the whole machine
        level["cores_ours"] = sum(cpu.values()) / level["wall_seconds"] if level["wall_seconds"] else 0.0
        sent += level.pop("_sent")
        result["levels"].append(level)
        print(f"  {name:28s} {concurrency:2d} gelijktijdig: {level['turns_per_second']:5.1f} beurten/s, "
              f"p50 {level['p50_ms']:4.0f} ms, p95 {level['p95_ms']:5.0f} ms, p99 {level['p99_ms']:5.0f} ms, "
              f"fouten {level['errors']}, kernen bezet: {level['cores_ours']:.1f} door ons, "
              f"{level['cores_busy']:.1f} in totaal", flush=True)  # fmt: skip
    result["tracker"] = load.lost_user_events(tracker_url, sent)
    return result


def single_process(work: Path, model: Path) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    settings = our_settings(work)
    load_files(settings.knowledge_dir, make_sessionmaker(make_engine(settings.db_url)))
    stack = our_stack(settings, model)
    stack.start()
    try:
        def roots() -> dict[str, list[int]]:
            return {"Rasa": [stack.service("Rasa-server").process.pid],
                    "actieserver": [stack.service("actieserver").process.pid]}  # fmt: skip

        return measure(SINGLE, "single", stack.rasa_url, [stack.rasa_url], roots, settings.tracker_db_url)
    finally:
        stack.stop()


@contextmanager
def data_servers(work: Path, user: str | None) -> Iterator[tuple[PostgresServer, RedisServer]]:
    # Their logs stay in `work` (the servers' user writes them there) until copied to bench/results/logs.
    postgres = PostgresServer(work / "pg", free_port(15433), work / "logs" / "postgres.log", user)
    redis = RedisServer(work / "redis", free_port(16380), work / "logs" / "redis.log", user)
    postgres.initialise()
    postgres.start()
    try:
        redis.start()
        try:
            yield postgres, redis
        finally:
            redis.stop()
    finally:
        postgres.stop()


def cluster_of(count: int, work: Path, model: Path, postgres: PostgresServer, redis: RedisServer, user) -> dict:
    """The cluster of `make cluster` with `count` Rasa replicas, on fresh databases, under the load levels."""
    layout = ClusterLayout(
        var_dir=work / f"replicas-{count}",
        postgres_port=postgres.port,
        redis_port=redis.port,
        replica_ports=replica_ports(count, free_port(15106 + 10 * count)),
        stats_port=free_port(18404 + count),
    )
    ports = {"JEP_RASA_PORT": free_port(15005 + count), "JEP_ACTION_PORT": free_port(15055 + count),
             "JEP_WEB_PORT": free_port(18000 + count)}  # fmt: skip
    with environment(JEP_HOST="localhost", **{name: str(port) for name, port in ports.items()}):
        databases = postgres.create_database(f"bench_{count}"), postgres.create_database(f"bench_{count}_tracker")
        settings = cluster_settings(load_settings(), *databases, redis.url)
        if load_knowledge(settings, settings.knowledge_dir) != 0:
            raise RuntimeError("kennisbank laden in PostgreSQL mislukt")
        cluster = Cluster(settings, layout, model, new_rasa_token(), user, say=lambda text: print(f"  {text}"))
        try:
            cluster.start()

            def roots() -> dict[str, list[int]]:
                running = {m.service.name: m.service.process.pid for m in cluster.supervisor.members}
                return {
                    "Rasa": [running[name] for name in layout.replica_names],
                    "actieserver": [running["actieserver"]],
                    "PostgreSQL": [postgres_pid(postgres)],
                    "Redis": [redis.process.pid],
                    "HAProxy": [running["HAProxy"]],
                }

            figures = measure(replicas_label(count), f"r{count}", settings.rasa_url, layout.replica_urls, roots,
                              settings.tracker_db_url)  # fmt: skip
        finally:
            cluster.stop()
            if layout.logs.exists():
                shutil.copytree(layout.logs, LOGS / f"cluster-{count}", dirs_exist_ok=True)
    return figures


def postgres_pid(postgres: PostgresServer) -> int:
    """The postmaster: its first line of postmaster.pid. The backends are its children."""
    return int((postgres.data_dir / "postmaster.pid").read_text().splitlines()[0])


# ---------- the report ----------


def _ms(value: float) -> str:
    return "–" if value != value else f"{value:.0f}"  # NaN: no answered turn


def table(setups: dict[str, dict]) -> list[str]:
    lines = [
        "| Opstelling | gesprekken tegelijk | beurten | fouten | beurten/s | p50 (ms) | p95 (ms) | p99 (ms) "
        "| kernen bezet: door ons / hele machine | user-events kwijt |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, figures in setups.items():
        for level in figures["levels"]:
            lines.append(
                f"| {name} | {level['concurrency']} | {level['turns']} | {level['errors']} "
                f"| {level['turns_per_second']:.1f} | {_ms(level['p50_ms'])} | {_ms(level['p95_ms'])} "
                f"| {_ms(level['p99_ms'])} | {level['cores_ours']:.1f} / {level['cores_busy']:.1f} "
                f"| {figures['tracker']['lost']} |"
            )
    return lines


def readme_table(setups: dict[str, dict]) -> list[str]:
    """The README's table "Cluster naast één proces", filled in from this run."""
    lines = ["| Opstelling | doorvoer bij 10 gesprekken | p95 bij 10 | doorvoer bij 50 | p95 bij 50 |",
             "|---|--:|--:|--:|--:|"]  # fmt: skip
    for name, figures in setups.items():
        cells = []
        for level in figures["levels"]:
            cells += [f"{level['turns_per_second']:.1f} beurten/s", f"{_ms(level['p95_ms'])} ms"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return lines


def cpu_table(setups: dict[str, dict]) -> list[str]:
    lines = ["| Opstelling | gesprekken tegelijk | " + " | ".join(GROUPS) + " | samen |",
             "|---|--:|" + "--:|" * (len(GROUPS) + 1)]  # fmt: skip
    for name, figures in setups.items():
        for level in figures["levels"]:
            cpu = level["cpu_ms_per_turn"]
            cells = [f"{cpu[g]:.0f}" if g in cpu else "–" for g in GROUPS]
            lines.append(f"| {name} | {level['concurrency']} | " + " | ".join(cells) + f" | {sum(cpu.values()):.0f} |")
    return lines


def two_cores(setups: dict[str, dict]) -> list[str]:
    """What two cores allow, computed from this run's CPU time per turn."""
    cores = os.cpu_count() or 1
    lines = []
    for name, figures in setups.items():
        busiest = figures["levels"][-1]
        per_turn = sum(busiest["cpu_ms_per_turn"].values())
        if per_turn:
            lines.append(f"- {name}: {per_turn:.0f} ms CPU per beurt bij {busiest['concurrency']} gesprekken "
                         f"tegelijk, dus hooguit {cores * 1000 / per_turn:.0f} beurten/s op {cores} kernen "
                         f"(gemeten: {busiest['turns_per_second']:.1f}).")  # fmt: skip
    return lines


def target(setups: dict[str, dict]) -> tuple[str, bool] | None:
    figures = setups.get(replicas_label(2))
    if not figures:
        return None
    level = next(lv for lv in figures["levels"] if lv["concurrency"] == TARGET_LEVEL)
    return f"{level['p95_ms']:.1f} ms", level["p95_ms"] < TARGET_P95_MS  # a decimal: it may be close


def write_report(results: dict) -> Path:
    setups = results["setups"]
    met = target(setups)
    machine = results["machine"]
    lines = [
        "# Cluster naast één proces",
        "",
        f"- Gedraaid: {results['started']}, commit {results['commit']}, model {results['model']}",
        f"- Machine: {machine['cpus']} kernen ({machine['cpu_model'] or 'onbekend'}), belasting bij de start "
        f"{machine['load_at_start']:.2f} (1 minuut); duur {results['wall_seconds'] / 60:.1f} min",
        "- Belasting: gesloten lus zonder denktijd, gesprekken van vijf beurten over REST "
        "(bench/load.py), bij het cluster via HAProxy; " + ", ".join(
            f"{c} tegelijk: {n} gesprekken" for c, n in LEVELS.items()),
        "",
        *table(setups),
        "",
        f"Doel: p95 van het cluster (2 replica's) bij {TARGET_LEVEL} gesprekken tegelijk < {TARGET_P95_MS:.0f} ms: "
        + (f"{met[0]}, {'gehaald' if met[1] else 'NIET gehaald'}." if met else "niet gemeten."),
        "",
        "## Waar de CPU-tijd van een beurt heen gaat (ms per beurt, met kindprocessen)",
        "",
        *cpu_table(setups),
        "",
        "## Wat 2 kernen begrenzen",
        "",
        f"Alles draait hier op dezelfde {machine['cpus']} kernen: de Rasa-replica's, de actieserver, PostgreSQL, "
        "Redis, HAProxy en de loadgenerator zelf, en wat er verder op de machine gebeurt (de kolom 'kernen bezet' "
        "hierboven). Een tweede replica brengt geen rekenkracht mee, alleen een tweede proces dat om dezelfde "
        "kernen vraagt; wat een beurt kost (vooral de zinsvectoren van de NLU) blijft even duur. Wat een replica "
        "wel toevoegt: een eigen NLU-thread, zodat twee replica's samen beide kernen voor de NLU kunnen gebruiken, "
        "waar één replica er één gebruikt. De bovengrens volgt uit de CPU-tijd per beurt bij de zwaarste belasting:",
        "",
        *two_cores(setups),
        "",
        "Meer doorvoer dan die grens geven extra replica's pas met meer kernen: op een grotere machine, of met de "
        "replica's op meerdere machines (zie docs/operations.md). Wat het cluster hier laat zien is wat de "
        "gedeelde opslag kost (PostgreSQL in plaats van SQLite, sloten en limieten in Redis, de sprong via "
        "HAProxy) tegenover één proces; dat het een gestopte replica, database of Redis overleeft, tonen de "
        "tests in tests/cluster/.",
        "",
        "## Voor de README",
        "",
        *readme_table(setups),
        "",
    ]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    return REPORT


# ---------- main ----------


def main(argv: list[str] | None = None) -> int:
    argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__.splitlines()[0]).parse_args(argv)
    model = model_path(load_settings())
    if not model.exists():
        print(f"fout: geen getraind model {model}; draai eerst `make train`", file=sys.stderr)
        return 2
    try:
        packages.ensure_installed()
    except packages.PackagesUnavailable as problem:
        print(f"fout: {problem}", file=sys.stderr)
        return 2
    # The load comes from one address on purpose; Rasa's children must not chatter into the timings.
    os.environ.update(quiet_env(JEP_ADDRESS_MESSAGES_PER_MINUTE="1000000"))
    LOGS.mkdir(parents=True, exist_ok=True)
    # Under var/: the servers' user `jep` must reach it (a tmp dir of root is 0700).
    (ROOT / "var").mkdir(exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="bench-cluster-", dir=ROOT / "var"))
    work.chmod(0o755)
    started = time.monotonic()
    results = {
        "started": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "commit": commit(),
        "model": model.name,
        "machine": {"cpus": os.cpu_count(), "cpu_model": cpu_model(), "load_at_start": load_average()},
        "setups": {},
    }
    try:
        print(f"▶ {SINGLE} ...", flush=True)
        results["setups"][SINGLE] = single_process(work / "single", model)
        user = service_user.ensure()
        with data_servers(work, user) as (postgres, redis):
            for count in (1, 2):
                print(f"▶ {replicas_label(count)} ...", flush=True)
                results["setups"][replicas_label(count)] = cluster_of(count, work, model, postgres, redis, user)
    finally:
        if (work / "logs").exists():
            shutil.copytree(work / "logs", LOGS / "cluster-data", dirs_exist_ok=True)
        shutil.rmtree(work, ignore_errors=True)
    results["wall_seconds"] = time.monotonic() - started
    print("\n" + "\n".join(table(results["setups"])))
    path = write_report(results)
    met = target(results["setups"])
    print(f"\n{'OK ' if met and met[1] else 'MIS'} p95 bij {TARGET_LEVEL} gelijktijdig, 2 replica's: "
          f"{met[0] if met else '–'} (eis < {TARGET_P95_MS:.0f} ms)")  # fmt: skip
    print(f"Samenvatting: {path}")
    return 0 if met and met[1] else 1


if __name__ == "__main__":
    sys.exit(main())
