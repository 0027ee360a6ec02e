"""The `model` commands: retrain behind the gate, list the versions, roll back."""

from __future__ import annotations

from datetime import datetime, timezone

from bot.config import Settings
from bot.training.activation import roll_back
from bot.training.registry import Registry
from bot.training.retrain import retrain
from bot.training.retrain_job import AlreadyRunning, RetrainJob


def run(args, settings: Settings) -> int:
    registry = Registry.for_models(settings.models_dir)
    if args.command == "retrain":
        try:
            return RetrainJob().run_here(lambda: retrain(settings))
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
        try:
            version, activated = roll_back(settings, RetrainJob())
        except (AlreadyRunning, LookupError) as problem:
            print(f"fout: {problem}")
            return 1
        print(activated)
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
