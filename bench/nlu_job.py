"""One NLU job in its own process: train on one file (unless a model is given), test on another.

Run as `python -m bench.nlu_job --config C --train T --test E --out DIR` or with
`--model M` instead of config and train. Writes DIR/report/intent_report.json
(Rasa's own report) and DIR/timing.json. A process per job keeps TensorFlow's
memory and threads out of the benchmark runner and lets jobs run side by side.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--config")
    parser.add_argument("--train")
    parser.add_argument("--model")
    parser.add_argument("--test", required=True)
    parser.add_argument("--out", required=True, type=Path)
    args = parser.parse_args()

    import rasa.model_testing
    import rasa.model_training

    timing = {}
    model = args.model
    if model is None:
        started = time.monotonic()
        model = rasa.model_training.train_nlu(args.config, args.train, str(args.out), fixed_model_name="model")
        timing["train_seconds"] = time.monotonic() - started
        if not model:
            raise SystemExit(f"training van {args.config} op {args.train} mislukt")
    started = time.monotonic()
    asyncio.run(
        rasa.model_testing.test_nlu(
            model, args.test, str(args.out / "report"), {"disable_plotting": True, "errors": False}
        )
    )
    timing["test_seconds"] = time.monotonic() - started
    (args.out / "timing.json").write_text(json.dumps(timing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
