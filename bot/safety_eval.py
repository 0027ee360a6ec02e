"""How well the safety net tells acute danger from worrying talk: `python -m bot.safety_eval`.

Acute recall is the share of tests/safety/acute.yml that gets 112; the false-112
rate is the share of tests/safety/worrying.yml that gets it. Both are counted
with the NLU silent and with the NLU calling every message acute (the worst case).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.safety import assess

SETS = Path(__file__).resolve().parent.parent / "tests" / "safety"


def evaluate(acute: list[str], worrying: list[str]) -> dict:
    """Per NLU verdict (False, True): acute recall and false-112 rate on the worrying set, with counts."""
    report = {}
    for nlu_acute in (False, True):
        hits = sum(assess(text, nlu_acute) == "acute" for text in acute)
        false_alarms = sum(assess(text, nlu_acute) == "acute" for text in worrying)
        report[nlu_acute] = {
            "acute": len(acute),
            "acute_hits": hits,
            "recall": hits / len(acute),
            "worrying": len(worrying),
            "false_acute": false_alarms,
            "false_acute_rate": false_alarms / len(worrying),
        }
    return report


def load(name: str) -> list[str]:
    return yaml.safe_load((SETS / f"{name}.yml").read_text(encoding="utf-8"))


def main() -> None:
    for nlu_acute, row in evaluate(load("acute"), load("worrying")).items():
        print(
            f"nlu_acute={nlu_acute!s:5}  acute recall {row['acute_hits']}/{row['acute']} ({row['recall']:.1%})  "
            f"false 112 on worrying {row['false_acute']}/{row['worrying']} ({row['false_acute_rate']:.1%})"
        )


if __name__ == "__main__":
    main()
