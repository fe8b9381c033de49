"""``chanjiao distill-embedder``: build the static embedder's table from the e5 model we ship.

Deterministic: the vocabulary is sorted, e5 runs with one thread and its vectors are cached by
text, PCA is an SVD of the centred vectors with each component's sign fixed. It reads no
labelled data: the vocabulary comes from jieba's dictionary (words of frequency ≥
``MIN_FREQUENCY``), our domain dictionary and synonyms, every CJK character jieba knows, and
the Latin terms (PLC, Java, …) that occur in the shipped texts; a word's weight is its smooth
inverse frequency in jieba's dictionary (a/(a + p)), so that 的 and 研究 count little.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np

from data.reference.dictionary import domain_words, synonym_groups
from data.settings import SEED_DIR
from indexer.embedders.static import TABLE, StaticTable

MIN_FREQUENCY = 20
LATIN_MIN_COUNT = 3
DIM = 256
SIF_A = 1e-4
UNKNOWN = ""  # the row a text with no known word gets: e5's vector of an empty passage
_LATIN = re.compile(r"[a-z][a-z0-9+#]*(?:[.\-_][a-z0-9+#]+)*")


def _jieba_frequencies() -> dict[str, int]:
    import jieba

    path = Path(jieba.__file__).parent / "dict.txt"
    found: dict[str, int] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                found[parts[0]] = found.get(parts[0], 0) + int(parts[1])
    return found


def _shipped_texts() -> Iterable[str]:
    """The free text of the shipped seed data (for its Latin terms only)."""
    for name in ("csl_2000_merged.jsonl", "kppatent_zh_3720.jsonl"):
        with (SEED_DIR / name).open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                yield " ".join(str(row.get(k) or "") for k in ("title", "abstract")) + " " + " ".join(row.get("keywords", []))
    for name, columns in (("csco22.csv", ("name", "definition", "tasks", "alias")), ("zhaopin_wuhan_814.csv", ("岗位名称", "工作简介", "岗位标签"))):
        with (SEED_DIR / name).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                yield " ".join(row.get(c) or "" for c in columns)


def vocabulary(min_frequency: int = MIN_FREQUENCY) -> tuple[list[str], dict[str, int]]:
    """(sorted vocabulary, jieba frequency of each word it has), words normalized as the
    analyzer normalizes text."""
    from indexer.analyzer import get_analyzer

    analyzer = get_analyzer()
    frequencies = {analyzer.normalize(w): f for w, f in _jieba_frequencies().items()}
    words = {w for w, f in frequencies.items() if f >= min_frequency}
    words |= {c for w in frequencies for c in w if "\u4e00" <= c <= "\u9fff"}
    words |= {analyzer.normalize(w) for w in domain_words()}
    words |= {t for group in synonym_groups() for t in group}
    latin = Counter(m.group() for text in _shipped_texts() for m in _LATIN.finditer(analyzer.normalize(text)))
    words |= {w for w, n in latin.items() if n >= LATIN_MIN_COUNT and len(w) >= 2}
    words = {w.strip() for w in words if w.strip() and len(w.strip()) <= 20}
    return [UNKNOWN, *sorted(words)], frequencies


def sif_weights(words: list[str], frequencies: dict[str, int], a: float = SIF_A) -> np.ndarray:
    """a / (a + p(word)); a word jieba does not count is taken as rare as its rarest word."""
    total = float(sum(frequencies.values())) or 1.0
    floor = min(frequencies.values(), default=1)
    p = np.array([frequencies.get(w, floor) / total for w in words])
    return (a / (a + p)).astype(np.float32)


def reduce(vectors: np.ndarray, dim: int = DIM) -> np.ndarray:
    """Centre, then project on the ``dim`` principal components (sign fixed so that each
    component's largest loading is positive: the same input always gives the same output)."""
    centred = vectors.astype(np.float64) - vectors.astype(np.float64).mean(axis=0)
    _, _, components = np.linalg.svd(centred, full_matrices=False)
    components = components[: min(dim, components.shape[0])]
    signs = np.sign(components[np.arange(len(components)), np.abs(components).argmax(axis=1)])
    return (centred @ (components * signs[:, None]).T).astype(np.float32)


def quantize(vectors: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 codes and a float16 scale per row."""
    scales = np.abs(vectors).max(axis=1) / 127.0
    scales[scales == 0] = 1.0
    codes = np.clip(np.rint(vectors / scales[:, None]), -127, 127).astype(np.int8)
    return codes, scales.astype(np.float16)


def distill(words: list[str], weights: np.ndarray, embed: Callable[[list[str]], np.ndarray], dim: int = DIM,
            info: dict[str, str] | None = None) -> StaticTable:
    """The table of ``words``: their e5 passage vectors, reduced and quantized."""
    codes, scales = quantize(reduce(np.asarray(embed(words), dtype=np.float32), dim))
    return StaticTable(words, codes, scales, weights, info)


def distill_embedder(out: Path = TABLE, min_frequency: int = MIN_FREQUENCY, dim: int = DIM,
                     progress: Callable[[int], object] | None = None) -> StaticTable:
    """Build and save the table (e5 vectors of the words are cached in the instance folder,
    so an interrupted run resumes)."""
    from indexer.embedders import get_embedder
    from indexer.vector_cache import VectorCache

    e5 = get_embedder("e5", threads=1)
    words, frequencies = vocabulary(min_frequency)
    cache = VectorCache(e5.model)

    def embed(texts: list[str]) -> np.ndarray:
        return cache.embed("passage", texts, e5.embed_passages, batch=256, progress=progress)

    table = distill(words, sif_weights(words, frequencies), embed, dim,
                    {"teacher": e5.model, "min_frequency": str(min_frequency), "dim": str(dim), "words": str(len(words))})
    table.save(out)
    return table
