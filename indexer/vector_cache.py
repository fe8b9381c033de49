"""Never embed the same text twice: vectors cached by (backend, model, query/passage, text).

The cache is a SQLite file in the instance folder. A read-only seed cache shipped in
``data/seed/vectors/`` (computed by ``chanjiao cache-demo-vectors`` with this project's own
pipeline) makes the demo's first run short; any miss is computed and stored as usual.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

import numpy as np

from data.settings import SEED_DIR, instance_dir

SEED_VECTORS_DIR = SEED_DIR / "vectors"


def cache_key(model: str, kind: str, text: str) -> str:
    return hashlib.sha1(f"{model}\0{kind}\0{text}".encode()).hexdigest()


@lru_cache(maxsize=8)
def _seed_vectors(model_slug: str) -> dict[str, np.ndarray]:
    path = SEED_VECTORS_DIR / f"{model_slug}.npz"
    if not path.exists():
        return {}
    with np.load(path) as data:
        keys, vectors = data["keys"], data["vectors"]
        return {str(k): vectors[i] for i, k in enumerate(keys)}


def model_slug(model: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in model).strip("-")


class VectorCache:
    """A persistent map from text to vector for one model."""

    def __init__(self, model: str, path: Path | None = None) -> None:
        self.model = model
        self.path = path or instance_dir() / "cache" / f"vectors-{model_slug(model)}.sqlite"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        for attempt in range(50):
            try:
                # Switching to WAL needs a moment alone with the file; another process
                # opening the same cache may hold it briefly.
                self._conn.execute("PRAGMA journal_mode=WAL")
                self._conn.execute("CREATE TABLE IF NOT EXISTS vectors (key TEXT PRIMARY KEY, vec BLOB NOT NULL)")
                self._conn.commit()
                break
            except sqlite3.OperationalError:
                if attempt == 49:
                    raise
                time.sleep(0.1)

    def get_many(self, keys: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        seed = _seed_vectors(model_slug(self.model))
        with self._lock:
            for i in range(0, len(keys), 500):
                chunk = list(keys[i : i + 500])
                marks = ",".join("?" * len(chunk))
                for key, blob in self._conn.execute(f"SELECT key, vec FROM vectors WHERE key IN ({marks})", chunk):
                    found[key] = np.frombuffer(blob, dtype=np.float32)
        for key in keys:
            if key not in found and key in seed:
                found[key] = seed[key].astype(np.float32)
        return found

    def stored(self) -> dict[str, np.ndarray]:
        """Every vector this cache has computed and kept (not the shipped seed vectors)."""
        with self._lock:
            return {key: np.frombuffer(blob, dtype=np.float32)
                    for key, blob in self._conn.execute("SELECT key, vec FROM vectors")}

    def put_many(self, items: dict[str, np.ndarray]) -> None:
        with self._lock:
            self._conn.executemany(
                "INSERT OR REPLACE INTO vectors (key, vec) VALUES (?, ?)",
                [(k, np.asarray(v, dtype=np.float32).tobytes()) for k, v in items.items()],
            )
            self._conn.commit()

    def embed(self, kind: str, texts: Sequence[str], compute: Callable[[list[str]], np.ndarray],
              batch: int = 32, progress: Callable[[int], object] | None = None,
              workers: Sequence[Callable[[list[str]], np.ndarray]] = ()) -> np.ndarray:
        """Vectors for ``texts``, computing (in batches) and storing only the missing ones.
        ``workers``: functions that embed at the same time (each its own process), sharing
        the batches between them; without them, ``compute`` embeds every batch in turn."""
        keys = [cache_key(self.model, kind, t) for t in texts]
        found = self.get_many(keys)
        missing = list(dict.fromkeys(k for k in keys if k not in found))
        text_of = dict(zip(keys, texts))
        if progress is not None:
            progress(len(keys) - len(missing))
        chunks = [missing[i : i + batch] for i in range(0, len(missing), batch)]
        computes = list(workers)[: len(chunks)] or [compute]
        done = threading.Lock()  # found and progress are updated by one worker at a time

        def run(chunk: list[str], embed: Callable[[list[str]], np.ndarray]) -> None:
            fresh = dict(zip(chunk, np.asarray(embed([text_of[k] for k in chunk]), dtype=np.float32)))
            self.put_many(fresh)
            with done:
                found.update(fresh)
                if progress is not None:
                    progress(len(chunk))

        if len(computes) == 1:
            for chunk in chunks:
                run(chunk, computes[0])
        else:
            _share(chunks, computes, run)
        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([found[k] for k in keys])

    def close(self) -> None:
        self._conn.close()


Chunk = TypeVar("Chunk")
Worker = TypeVar("Worker")


def _share(chunks: Sequence[Chunk], workers: Sequence[Worker], run: Callable[[Chunk, Worker], None]) -> None:
    """Each worker, in a thread of its own, takes the next chunk until none is left; the first
    error stops every worker from taking more and is raised once they have finished."""
    pending = list(reversed(chunks))
    lock = threading.Lock()
    errors: list[BaseException] = []

    def loop(worker: Worker) -> None:
        while True:
            with lock:
                if errors or not pending:
                    return
                chunk = pending.pop()
            try:
                run(chunk, worker)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                with lock:
                    errors.append(exc)
                return

    threads = [threading.Thread(target=loop, args=(w,), name=f"embed-{n}", daemon=True) for n, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
