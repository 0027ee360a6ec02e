"""The `review` commands: label the messages the assistant handled poorly, or put them on the editors' list."""

from __future__ import annotations

import getpass

from bot.config import Settings
from bot.services import build_services
from bot.store.words import ReviewStatus
from bot.training import annotate
from bot.training.review import WHY


def run(args, settings: Settings) -> int:
    queue = build_services(settings).review
    who = getpass.getuser()
    try:
        if args.command == "list":
            new = queue.refresh()
            items = queue.items(ReviewStatus.OPEN)
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
            queue.decide(args.id, ReviewStatus.ACCEPTED, who, args.intent)
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
            status = ReviewStatus.REJECTED if args.command == "reject" else ReviewStatus.NEEDS_ARTICLE
            queue.decide(args.id, status, who)
            done = "afgewezen" if status == ReviewStatus.REJECTED else "op de lijst voor redacteuren"
            print(f"Bericht {args.id}: {done}.")
            return 0
        if args.command == "articles":
            items = queue.items(ReviewStatus.NEEDS_ARTICLE)
            print(f"{len(items)} vraag/vragen waarvoor een kennisartikel ontbreekt:")
            for item in items:
                print(f"{item.id:>5}  {item.count}×  {item.text}")
            return 0
    except (LookupError, ValueError) as problem:
        print(f"fout: {problem}")
        return 1
    return 2
