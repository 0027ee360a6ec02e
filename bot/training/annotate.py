"""Writing an accepted message into the NLU training data, keeping layout and comments.

The example goes into the data/nlu file that already holds its intent; a new intent goes into
new_intents.yml and into domain.yml. ruamel.yaml's round trip leaves everything else as it was.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import LiteralScalarString

from bot.config import ROOT

NLU_DIR = ROOT / "data" / "nlu"
# The held-out set every candidate is judged on (bot/training/gate.py); never a training example.
TEST_SET = ROOT / "tests" / "nlu_test.yml"
DOMAIN = ROOT / "domain.yml"
NEW_INTENTS = "new_intents.yml"
NEW_INTENTS_HEADER = (
    'version: "3.1"\n\n'
    "# Intents added from the review queue (python -m bot review accept). Each needs a rule and a\n"
    "# response before the assistant answers it.\n"
    "nlu:\n"
)
# "[text]{...}" and "[text](entity)" are entity annotations; only the text counts when comparing.
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\{[^}]*\}|\([^)]*\))")
INTENT_NAME = re.compile(r"^[a-z][a-z0-9_]{1,60}$")


@dataclass(frozen=True)
class Added:
    path: Path
    added: bool  # False: the example was already there
    new_intent: bool
    existing_intent: str | None = None  # where an identical example already stands


def _yaml(sequence_indent: int = 2, offset: int = 0) -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long examples or responses
    yaml.indent(mapping=2, sequence=sequence_indent, offset=offset)
    return yaml


def plain(example: str) -> str:
    """An example without entity markup, lower case, whitespace collapsed: what makes two examples equal."""
    return " ".join(ANNOTATION.sub(r"\1", example).lower().split())


def _examples(block: str) -> list[str]:
    return [line.strip()[2:] for line in str(block).splitlines() if line.strip().startswith("- ")]


def _intent_blocks(document) -> list[dict]:
    return [item for item in (document or {}).get("nlu") or [] if isinstance(item, dict) and "intent" in item]


def add_example(text: str, intent: str, nlu_dir: Path = NLU_DIR, domain: Path = DOMAIN,
                test_set: Path = TEST_SET) -> Added:  # fmt: skip
    text = " ".join(text.split())
    if not text:
        raise ValueError("Een leeg voorbeeld wordt niet toegevoegd.")
    if not INTENT_NAME.match(intent):
        raise ValueError(f"'{intent}' is geen geldige intentnaam (kleine letters, cijfers en _).")
    yaml = _yaml()
    target, key = None, plain(text)
    if test_set.exists() and any(
        plain(example) == key
        for block in _intent_blocks(yaml.load(test_set.read_text(encoding="utf-8")))
        for example in _examples(block.get("examples", ""))
    ):
        raise ValueError(
            f"Deze zin staat in de testset {test_set.name}, waarop elk nieuw model wordt beoordeeld; als "
            "trainingsvoorbeeld zou hij die meting vertekenen. Wijs hem af of zet hem op de lijst voor redacteuren."
        )
    for path in sorted(nlu_dir.glob("*.yml")):
        document = yaml.load(path.read_text(encoding="utf-8"))
        for block in _intent_blocks(document):
            if any(plain(example) == key for example in _examples(block.get("examples", ""))):
                return Added(path, False, False, str(block["intent"]))
            if block["intent"] == intent and target is None:
                target = path
    new_intent = target is None
    path = target or nlu_dir / NEW_INTENTS
    source = path.read_text(encoding="utf-8") if path.exists() else NEW_INTENTS_HEADER
    document = yaml.load(source)
    if document.get("nlu") is None:
        document["nlu"] = []
    block = next((b for b in _intent_blocks(document) if b["intent"] == intent), None)
    if block is None:
        document["nlu"].append({"intent": intent, "examples": LiteralScalarString("")})
        block = document["nlu"][-1]
    block["examples"] = LiteralScalarString(str(block.get("examples") or "") + f"- {text}\n")
    with path.open("w", encoding="utf-8") as out:
        yaml.dump(document, out)
    if new_intent:
        add_domain_intent(intent, domain)
    return Added(path, True, new_intent)


def _intent_name(entry) -> str:
    """A domain intent is a name, or a mapping from its name to options."""
    return entry if isinstance(entry, str) else next(iter(entry))


def domain_intents(domain: Path = DOMAIN) -> list[str]:
    document = YAML(typ="safe").load(domain.read_text(encoding="utf-8")) or {}
    return sorted(_intent_name(entry) for entry in document.get("intents") or [])


def add_domain_intent(intent: str, domain: Path = DOMAIN) -> bool:
    yaml = _yaml(sequence_indent=4, offset=2)
    document = yaml.load(domain.read_text(encoding="utf-8"))
    intents = document["intents"]
    if any(_intent_name(entry) == intent for entry in intents):
        return False
    intents.append(intent)
    # The blank line after the list belongs to its last item; keep it after the list.
    last = len(intents) - 2
    if last in intents.ca.items:
        intents.ca.items[last + 1] = intents.ca.items.pop(last)
    with domain.open("w", encoding="utf-8") as out:
        yaml.dump(document, out)
    return True
