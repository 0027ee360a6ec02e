"""Stands in for `python -m bot model retrain` in the web tests: prints the gate's kind of progress,
waits for a go-file, then registers a refused candidate with a report, as a real refused run would."""

import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from bot.training.registry import Registry, Version


def main(models: Path, reports: Path, go: Path) -> int:
    print("Verwachte duur (vorige keer): 0m02s.", flush=True)
    print("[1/6] Trainingsdata controleren (rasa data validate) (vorige keer 0m01s)...", flush=True)
    print("Epochs:  50%|#####     | 1/2\rEpochs: 100%|##########| 2/2", flush=True)
    deadline = time.monotonic() + 60
    while not go.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    print("      klaar in 0m01s, totaal 0m01s", flush=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    folder = reports / stamp
    folder.mkdir(parents=True)
    (folder / "report.md").write_text("# Hertraining\n\n- Besluit: **geweigerd**\n", encoding="utf-8")
    registry = Registry.for_models(models)
    reasons = ["1 gesprekstest(en) mislukt"]
    registry.add(Version(f"jep-proef-{stamp}", str(models / "proef.tar.gz"), stamp, 0.5, 1, "refused", reasons,
                         str(folder / "report.md")))  # fmt: skip
    registry.save()
    print("Kandidaat geweigerd: 1 gesprekstest(en) mislukt. Het huidige model blijft actief.", flush=True)
    return 1


if __name__ == "__main__":
    sys.exit(main(*map(Path, sys.argv[1:4])))
