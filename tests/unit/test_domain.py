"""The domain, the action server and the code agree with each other."""

import re
from collections import Counter
from pathlib import Path

import yaml
from rasa_sdk.executor import ActionExecutor

from bot.config import ROOT

DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))


def test_the_domain_lists_exactly_the_actions_the_server_registers():
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == set(DOMAIN["actions"])


def test_every_response_used_in_code_exists_in_the_domain():
    used = set()
    for path in [*(ROOT / "actions").glob("*.py"), *(ROOT / "bot").rglob("*.py")]:
        used |= set(re.findall(r"response=\"(utter_\w+)\"", path.read_text(encoding="utf-8")))
        used |= set(re.findall(r"= \"(utter_\w+)\"", path.read_text(encoding="utf-8")))
    assert used, "no responses found in code"
    assert used <= set(DOMAIN["responses"])


def test_every_response_is_used_somewhere():
    paths = [*ROOT.glob("data/**/*.yml"), *ROOT.glob("actions/*.py"), *ROOT.glob("bot/**/*.py")]
    sources = " ".join(p.read_text(encoding="utf-8") for p in paths)
    # A form asks for each of its slots with utter_ask_<slot> by itself.
    asked = {f"utter_ask_{slot}" for form in DOMAIN.get("forms", {}).values() for slot in form["required_slots"]}
    unused = [name for name in DOMAIN["responses"] if name not in sources and name not in asked]
    assert unused == []


def nlu_examples(paths: list[Path]) -> Counter:
    counts: Counter = Counter()
    for path in paths:
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" in block:
                counts[block["intent"]] += len([line for line in block["examples"].splitlines() if line.strip()])
    return counts


PAYLOAD_ONLY = {"message_too_long", "rate_limited"}  # sent by the channels as /intent, never typed


def test_every_intent_has_at_least_twenty_training_examples():
    counts = nlu_examples(sorted((ROOT / "data" / "nlu").glob("*.yml")))
    assert set(counts) == set(DOMAIN["intents"]) - PAYLOAD_ONLY
    assert {intent: n for intent, n in counts.items() if n < 20} == {}


def test_the_held_out_test_set_covers_every_intent():
    counts = nlu_examples([ROOT / "tests" / "nlu_test.yml"])
    assert set(counts) == set(DOMAIN["intents"]) - PAYLOAD_ONLY


def test_no_test_sentence_is_also_a_training_sentence():
    def sentences(paths):
        found = set()
        for path in paths:
            for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
                for line in (block.get("examples") or "").splitlines():
                    plain = re.sub(r"\]\{[^}]*\}|\]\([^)]*\)", "", line.strip().lstrip("- ")).replace("[", "")
                    found.add(re.sub(r"\W+", " ", plain.lower()).strip())
        return found - {""}

    training = sentences(sorted((ROOT / "data" / "nlu").glob("*.yml")))
    assert sentences([ROOT / "tests" / "nlu_test.yml"]) & training == set()
