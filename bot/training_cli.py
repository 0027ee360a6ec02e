"""The `review` and `model` commands: label poorly handled messages, retrain behind the gate, roll back."""

from __future__ import annotations

import getpass
from datetime import datetime, timezone

from sqlalchemy import create_engine

from bot.config import Settings
from bot.store import make_engine, make_sessionmaker
from bot.training import annotate
from bot.training.review import WHY, ReviewQueue


def run_review(args, settings: Settings) -> int:
    queue = ReviewQueue(make_sessionmaker(make_engine(settings.db_url)),
                        create_engine(settings.tracker_db_url, future=True))  # fmt: skip
    who = getpass.getuser()
    try:
        if args.command == "list":
            new = queue.refresh()
            items = queue.items("open")
            print(f"{len(items)} open bericht(en) om te beoordelen ({new} nieuw).")
            for item in items:
                why = ", ".join(WHY.get(w, w) for w in item.why.split(", ") if w)
                confidence = "–" if item.confidence is None else f"{item.confidence:.2f}"
                guess = f"{item.predicted_intent or '?'} ({confidence})"
                print(f"{item.id:>5}  {item.count}×  {guess}  [{why}]  {item.text}")
            return 0
        if args.command == "accept":
            item = queue.get(args.id)
            added = annotate.add_example(item.text, args.intent)
            queue.decide(args.id, "accepted", who, args.intent)
            if not added.added:
                print(f"Dit voorbeeld staat al in {added.path.name} (intent {added.existing_intent}); niet opnieuw "
                      f"toegevoegd.")  # fmt: skip
            else:
                print(f"Toegevoegd aan {added.path.name} als {args.intent}.")
            if added.new_intent:
                print(f"Let op: {args.intent} is een nieuwe intent (ook in domain.yml gezet). Zonder regel in "
                      f"data/rules/ en antwoord in domain.yml krijgt hij geen antwoord.")  # fmt: skip
            print("Het model verandert pas na `make retrain`.")
            return 0
        if args.command in ("reject", "article"):
            status = "rejected" if args.command == "reject" else "needs_article"
            queue.decide(args.id, status, who)
            print(f"Bericht {args.id}: {'afgewezen' if status == 'rejected' else 'op de lijst voor redacteuren'}.")
            return 0
        if args.command == "articles":
            items = queue.items("needs_article")
            print(f"{len(items)} vraag/vragen waarvoor een kennisartikel ontbreekt:")
            for item in items:
                print(f"{item.id:>5}  {item.count}×  {item.text}")
            return 0
    except (LookupError, ValueError) as problem:
        print(f"fout: {problem}")
        return 1
    return 2


def run_model(args, settings: Settings) -> int:
    from bot.training import gate
    from bot.training.registry import Registry

    registry = Registry.for_models(settings.models_dir)
    if args.command == "retrain":
        from bot.training.retrain_job import AlreadyRunning, RetrainJob

        try:
            return RetrainJob().run_here(lambda: gate.retrain(settings))
        except AlreadyRunning as busy:
            print(f"fout: {busy}")
            return 1
        except RuntimeError as problem:
            print(f"fout: {problem}. Het huidige model blijft actief.")
            return 1
    if args.command == "list":
        active = registry.active()
        versions = registry.last(10)
        if not versions:
            print("Nog geen modellen in het register; `make retrain` maakt het eerste.")
        for version in versions:
            mark = "*" if active and version.name == active.name else " "
            f1 = "–" if version.macro_f1 is None else f"{version.macro_f1:.3f}"
            failed = "–" if version.conversations_failed is None else str(version.conversations_failed)
            refused = "geweigerd" if version.decision == "refused" else ""
            print(f"{mark} {version.name}  {_moment(version.created_at)}  macro-F1 {f1}  "
                  f"gesprekstests mislukt {failed}  {refused}".rstrip())  # fmt: skip
        return 0
    if args.command == "rollback":
        from bot.training.retrain_job import AlreadyRunning, RetrainJob

        try:
            RetrainJob().refuse_rollback_while_running()
            version = registry.rollback()
        except (AlreadyRunning, LookupError) as problem:
            print(f"fout: {problem}")
            return 1
        print(gate.activate(settings, registry, version))
        print(f"Teruggezet naar {version.name}.")
        return 0
    return 2


def _moment(created_at: str) -> str:
    """A registry time (the gate's UTC stamp, or ISO for an adopted model) the same way for both."""
    try:
        moment = datetime.strptime(created_at, "%Y%m%d-%H%M%S").replace(tzinfo=timezone.utc)
    except ValueError:
        try:
            moment = datetime.fromisoformat(created_at)
        except ValueError:
            return created_at
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
