"""Rebuilding pools with a progress bar: ``chanjiao reindex``, ``chanjiao demo``, the fuzz world."""

from __future__ import annotations

import sys
import time

import click
from tqdm import tqdm

from data.pools import Pool
from indexer.context import get_context
from indexer.operations import rebuild_pool


def reindex_pools(pools: tuple[Pool, ...], backend: str | None = None, quiet: bool = False) -> None:
    """Rebuild each pool with a progress bar; searches keep using the old index until the swap."""
    ctx = get_context(backend)
    for pool in pools:
        bar: tqdm | None = None
        started = time.perf_counter()

        def progress(done: int, total: int, stage: str) -> None:
            nonlocal bar
            if stage == "semantic":
                bar = bar or tqdm(total=total, initial=done, desc=f"{pool.label} 向量", unit="条", file=sys.stderr)
                bar.update(done - bar.n)

        counts = rebuild_pool(ctx, pool, progress=None if quiet else progress)
        if bar is not None:
            bar.close()
        if not quiet:
            click.echo(f"{pool.label}：索引 {counts['documents']} 条，新计算向量 {counts['embedded']} 条，"
                       f"用时 {time.perf_counter() - started:.1f} 秒")
