"""What every dev set builder shares: where the sets go, their size and seed, how one is written."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

EVAL_DIR = Path(__file__).resolve().parents[3] / "data" / "eval"
QUERIES_PER_SET = 1000
SEED = 11


def write_set(folder: Path, records: list[dict[str, Any]], queries: list[dict[str, Any]],
              qrels: list[tuple[str, str, int]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in (("records.jsonl", records), ("queries.jsonl", queries)):
        with (folder / name).open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    with (folder / "qrels.tsv").open("w", encoding="utf-8") as fh:
        fh.writelines(f"{q}\t0\t{d}\t{g}\n" for q, d, g in qrels)


def char_overlap(query: str, target: str) -> float:
    """The share of ``target``'s distinct characters that ``query`` also has."""
    chars = set(target)
    return len(chars & set(query)) / len(chars) if chars else 0.0
