"""models/registry.json: the trained versions, their scores, which one is active, and step timings.

One small JSON file next to the models, written atomically, so `make run` and the retrain command
agree on the active model without a database.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path


@dataclass
class Version:
    name: str
    path: str
    created_at: str
    macro_f1: float | None = None
    conversations_failed: int | None = None
    decision: str = "active"  # "active" when it passed the gate, else "refused"
    reasons: list[str] = field(default_factory=list)
    report: str | None = None


class Registry:
    def __init__(self, path: Path):
        self.path = path
        data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        self.versions = [Version(**v) for v in data.get("versions", [])]
        self.history: list[str] = data.get("history", [])  # names activated, oldest first
        self.timings: dict[str, float] = data.get("timings", {})
        # Whether a maintainer chose the active model (a retrain or a rollback): `make run` then serves it as it
        # is. An adopted model is not chosen: when the files change, `make run` trains their model as usual.
        self.pinned: bool = data.get("pinned", bool(self.history))

    @classmethod
    def for_models(cls, models_dir: Path) -> Registry:
        return cls(models_dir / "registry.json")

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"history": self.history, "pinned": self.pinned, "timings": self.timings,
                "versions": [asdict(v) for v in self.versions]}  # fmt: skip
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(data, indent=2, ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path)  # readers never see half a file

    def get(self, name: str) -> Version | None:
        return next((v for v in self.versions if v.name == name), None)

    def add(self, version: Version) -> None:
        self.versions = [v for v in self.versions if v.name != version.name] + [version]

    def active(self) -> Version | None:
        return self.get(self.history[-1]) if self.history else None

    def active_path(self) -> Path | None:
        version = self.active()
        return Path(version.path) if version and Path(version.path).exists() else None

    def activate(self, name: str, chosen: bool = True) -> Version:
        version = self.get(name)
        if version is None:
            raise LookupError(f"Model {name} staat niet in het register.")
        if not self.history or self.history[-1] != name:
            self.history.append(name)
        self.pinned = chosen
        return version

    def adopt(self, path: Path) -> Version:
        """A model trained outside the gate (by `make run` or `make train`) becomes the active version,
        so a retrain compares with it and a rollback can return to it."""
        name = path.name.removesuffix(".tar.gz")
        if self.get(name) is None:
            created = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).isoformat(timespec="seconds")
            self.add(Version(name, str(path), created))
        return self.activate(name, chosen=False)

    def rollback(self) -> Version:
        """Back to the model that was active before the current one."""
        for index in range(len(self.history) - 2, -1, -1):
            version = self.get(self.history[index])
            if version and Path(version.path).exists():
                self.history = self.history[: index + 1]
                self.pinned = True
                return version
        raise LookupError("Er is geen eerder actief model om naar terug te gaan.")

    def last(self, count: int = 10) -> list[Version]:
        return self.versions[-count:][::-1]
