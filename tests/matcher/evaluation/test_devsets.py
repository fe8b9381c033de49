"""The shipped dev sets are exactly what ``chanjiao build-devsets`` makes from the shipped data."""

from __future__ import annotations

from pathlib import Path

from matcher.evaluation.devsets import EVAL_DIR, build_all


def test_dev_sets_rebuild_identically(tmp_path: Path) -> None:
    built = build_all(tmp_path / "eval")
    assert [p.name for p in built] == sorted(p.name for p in EVAL_DIR.iterdir() if p.is_dir())
    for folder in built:
        for name in ("records.jsonl", "queries.jsonl", "qrels.tsv"):
            assert (folder / name).read_bytes() == (EVAL_DIR / folder.name / name).read_bytes(), f"{folder.name}/{name}"


def test_every_shipped_dev_set_loads() -> None:
    """Each set is well formed for chanjiao eval (unique ids, qrels naming known ids)."""
    from matcher.evaluation import load_set

    for folder in sorted(p for p in EVAL_DIR.iterdir() if p.is_dir()):
        data = load_set(folder)
        assert data.queries and data.records and data.qrels, folder.name
