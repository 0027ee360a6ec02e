"""The command tree's arguments, one function per group; bot/cli/__init__.py runs what was chosen."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from bot.config import ROOT

ROLES = ("advisor", "lead", "maintainer", "analyst")


def parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Platform JEP-assistent")
    groups = parser.add_subparsers(dest="group", required=True)
    for add_group in (_knowledge, _privacy, _advisors, _review, _model, _insights, _db):
        add_group(groups)
    groups.add_parser("run", help="alles opzetten en starten: acties, Rasa en de webapp")
    groups.add_parser("web", help="alleen de webapp starten")
    groups.add_parser("actions", help="alleen de actieserver starten (vraagt JEP_ACTION_TOKEN)")
    groups.add_parser("train", help="het model trainen als data, config of domain veranderd is")
    _cluster(groups)
    return parser


def _cluster(groups) -> None:
    cluster = groups.add_parser(
        "cluster", help="alles op PostgreSQL en Redis starten, met Rasa-replica's achter HAProxy (make cluster)"
    )
    cluster.add_argument("--replicas", type=int, default=2, help="aantal Rasa-replica's (standaard 2)")


def _knowledge(groups) -> None:
    knowledge = groups.add_parser("knowledge", help="kennisbank: laden en zoeken").add_subparsers(
        dest="command", required=True
    )
    load = knowledge.add_parser("load", help="artikelen, aanbieders en onderwerpen in de database laden")
    load.add_argument("--dir", type=Path, help="map met kennisbestanden (standaard: JEP_KNOWLEDGE_DIR)")
    search = knowledge.add_parser("search", help="zoek artikelen en aanbieders bij een vraag")
    search.add_argument("question")
    search.add_argument("--providers", action="store_true", help="zoek aanbieders in plaats van artikelen")
    evaluate = knowledge.add_parser(
        "eval", help="recall@1, recall@3 en MRR (lang, kort, vervolgvragen) en de antwoordbeslissing, per zoekwijze"
    )
    evaluate.add_argument("--sets", type=Path, default=ROOT / "tests" / "search", help="map met de gelabelde sets")
    evaluate.add_argument("--misses", action="store_true", help="toon de gemiste vragen (hybride)")
    fit = knowledge.add_parser("fit-decision", help="de antwoordbeslissing opnieuw fitten op de gelabelde sets")
    fit.add_argument("--sets", type=Path, default=ROOT / "tests" / "search")
    speed = knowledge.add_parser("page-speed", help="serverduur van /kennis met een zoekvraag: mediaan en p95")
    speed.add_argument("--count", type=int, default=50, help="aantal zoekvragen (standaard 50)")


def _privacy(groups) -> None:
    privacy = groups.add_parser("privacy", help="bewaartermijnen en wissen").add_subparsers(
        dest="command", required=True
    )
    privacy.add_parser("purge", help="verwijder gesprekken, escalaties en beoordelingen die over hun termijn zijn")
    erase = privacy.add_parser("erase", help="wis één gesprek uit alle tabellen (op verzoek)")
    erase.add_argument("conversation_id", help="het gespreks-id (sender id)")


def _advisors(groups) -> None:
    advisors = groups.add_parser("advisors", help="accounts van adviseurs beheren").add_subparsers(
        dest="command", required=True
    )
    add = advisors.add_parser("add", help="een account aanmaken (het wachtwoord wordt gevraagd)")
    add.add_argument("username")
    # ROLES of bot/advisors/accounts.py, spelled out so `--help` need not load the store (a test keeps them equal).
    add.add_argument("--role", choices=ROLES, default="advisor")
    advisors.add_parser("list", help="alle accounts tonen")
    for command, words in (
        ("disable", "een account uitschakelen: niet meer inloggen, sessies direct beëindigd"),
        ("enable", "een uitgeschakeld account weer inschakelen"),
        ("reset-password", "een nieuw wachtwoord instellen (wordt gevraagd); sessies beëindigd"),
        ("remove", "een account verwijderen (niet zolang het escalaties in behandeling heeft)"),
    ):
        advisors.add_parser(command, help=words).add_argument("username")


def _review(groups) -> None:
    review = groups.add_parser("review", help="slecht begrepen vragen beoordelen").add_subparsers(
        dest="command", required=True
    )
    review.add_parser("list", help="open berichten tonen (verzamelt eerst nieuwe uit de gesprekken)")
    accept = review.add_parser("accept", help="een bericht als trainingsvoorbeeld van een intent toevoegen")
    accept.add_argument("id", type=int)
    accept.add_argument("intent")
    review.add_parser("reject", help="een bericht afwijzen").add_argument("id", type=int)
    review.add_parser("article", help="een bericht op de lijst voor redacteuren zetten").add_argument("id", type=int)
    review.add_parser("articles", help="vragen waarvoor een kennisartikel ontbreekt")


def _model(groups) -> None:
    model = groups.add_parser("model", help="hertrainen, modellen tonen, terugzetten").add_subparsers(
        dest="command", required=True
    )
    model.add_parser("retrain", help="kandidaat trainen, testen en alleen activeren als hij niet slechter is")
    model.add_parser("list", help="de laatste 10 modellen met scores")
    model.add_parser("rollback", help="het vorige actieve model terugzetten")


def _insights(groups) -> None:
    insights = groups.add_parser("insights", help="inzicht voor het platformteam: kerncijfers").add_subparsers(
        dest="command", required=True
    )
    insights.add_parser("update", help="de dagcijfers bijwerken met de nieuwe gesprekken")
    report = insights.add_parser("report", help="de kerncijfers van een periode (werkt eerst bij)")
    report.add_argument("--since", type=date.fromisoformat, required=True, help="eerste dag, JJJJ-MM-DD")
    report.add_argument("--until", type=date.fromisoformat, help="laatste dag, JJJJ-MM-DD (standaard: vandaag)")
    report.add_argument("--per", choices=("day", "week"), default="week", help="per dag of per week (standaard)")


def _db(groups) -> None:
    db = groups.add_parser("db", help="database met de eigen tabellen (JEP_DB_URL): migraties").add_subparsers(
        dest="command", required=True
    )
    db.add_parser("upgrade", help="de tabellen bijwerken naar de nieuwste revisie (maakt een lege database aan)")
    db.add_parser("current", help="de revisie van de database en de nieuwste revisie tonen")
