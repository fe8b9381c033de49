"""The index, bench and eval commands: ``chanjiao reindex``, ``search``, ``cache-demo-vectors``,
``bench …``, ``eval``, ``distill-embedder`` and ``build-devsets``. What they run lives in the tools
rooms (``indexer/tools/``, ``matcher/evaluation/``, ``web/tools/``); only the command line imports them."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from tqdm import tqdm

from data.pools import Pool
from indexer.search import search
from indexer.store import IndexError_
from web.tools.reindex import reindex_pools

INDEXED_POOLS = tuple(Pool)


def register(cli: click.Group, pool_type: click.ParamType) -> None:
    @cli.command("reindex")
    @click.argument("pools", type=pool_type, nargs=-1)
    @click.option("--backend", type=click.Choice(["e5", "use", "st"]), help="Embedding backend (default: EMBEDDING_BACKEND or e5).")
    def reindex_command(pools: tuple[Pool, ...], backend: str | None) -> None:
        """Rebuild the indexes of POOLS (default: all) into new folders and swap them in."""
        reindex_pools(pools or INDEXED_POOLS, backend)

    @cli.command("search")
    @click.argument("pool", type=pool_type)
    @click.argument("text")
    @click.option("-k", default=10, show_default=True)
    @click.option("--mode", type=click.Choice(["hybrid", "lexical", "semantic"]), default="hybrid", show_default=True)
    def search_command(pool: Pool, text: str, k: int, mode: str) -> None:
        """Search one pool and print ids with their lexical and semantic scores."""
        try:
            result = search(pool, text, k, mode=mode)
        except IndexError_ as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"命中词：{' '.join(result.query_terms)}；含检索词的记录 {result.total_lexical} 条")
        for hit in result.hits:
            semantic = "—" if hit.semantic is None else f"{hit.semantic:.3f}"
            click.echo(f"{hit.id}\t文本 {hit.lexical:.2f}\t语义 {semantic}\t{'、'.join(hit.matched_terms)}")

    @cli.command("cache-demo-vectors")
    @click.option("--backend", type=click.Choice(["e5", "use"]), default="e5", show_default=True)
    @click.option("--threads", default=1, show_default=True)
    def cache_demo_vectors_command(backend: str, threads: int) -> None:
        """Compute the demo's vectors and write them to data/seed/vectors (shipped with the code)."""
        from indexer.tools.seed_cache import write_seed_cache

        with tqdm(desc="演示数据向量", unit="条", file=sys.stderr) as bar:
            path = write_seed_cache(backend, threads=threads, progress=bar.update)
        click.echo(f"已写入 {path}")


def register_bench(cli: click.Group) -> None:
    @cli.group("bench")
    def bench() -> None:
        """Benchmarks that print figures (speed, memory); nothing here asserts."""

    @bench.command("index")
    @click.option("--sizes", default="10000,100000", show_default=True, help="Comma-separated corpus sizes.")
    @click.option("--backends", default="e5,use", show_default=True,
                  help="Embedders to time; the first one builds the vector indexes.")
    @click.option("--queries", default=200, show_default=True)
    def bench_index(sizes: str, backends: str, queries: int) -> None:
        """Index build times, sizes, memory and search latency at each size."""
        from indexer.tools.bench import run_index_bench

        run_index_bench([int(s) for s in sizes.split(",")], backends.split(","), queries, click.echo)

    register_bench_match(bench)
    register_bench_embed(bench)
    register_bench_searchable(bench)
    register_bench_notify(bench)
    register_bench_allocate(bench)

    @bench.command("fuzz")
    @click.option("--seconds", default=120.0, show_default=True, help="How long to send requests (bounded).")
    @click.option("--seed", type=int, help="Repeat an earlier run (default: a random seed, printed).")
    @click.option("--gunicorn", is_flag=True, help="Send the requests over HTTP to a real gunicorn on 127.0.0.1.")
    def bench_fuzz(seconds: float, seed: int | None, gunicorn: bool) -> None:
        """Random and adversarial requests to every page and API operation, as anonymous, a member
        enterprise, a student and staff, on a throwaway copy; fails on any 5xx or lost request."""
        from web.tools.fuzz import run_fuzz

        if not run_fuzz(seconds, seed, click.echo, gunicorn).ok:
            raise click.ClickException("有请求得到 5xx 或没有应答")

    @bench.command("stress")
    @click.option("--seconds", default=60.0, show_default=True, help="How long the concurrent work runs (bounded).")
    @click.option("--database", help="A PostgreSQL URL to run on (created if missing; refused if it holds other data). "
                                     "Default: a SQLite file in a temporary instance folder.")
    @click.option("--redis", "redis_url", help="Run background work on a real Celery worker over this Redis "
                                               "(default: the in-process thread).")
    @click.option("--seed", type=int, help="Repeat an earlier run's choices (default: a random seed, printed).")
    @click.option("--gunicorn", is_flag=True, help="Send the page requests to a real gunicorn on 127.0.0.1.")
    @click.option("--kill-worker", is_flag=True, help="With --redis: SIGKILL the Celery worker halfway and start a new one.")
    @click.option("--backend", type=click.Choice(["e5", "use", "st", "static"]), help="Embedding backend (default: EMBEDDING_BACKEND or e5).")
    def bench_stress(seconds: float, database: str | None, redis_url: str | None, seed: int | None, gunicorn: bool,
                     kill_worker: bool, backend: str | None) -> None:
        """Concurrent imports, edits, deletes, reviews, rebuilds, searches and recommendations on a
        fresh database, then database and index compared record by record; fails on any error or
        mismatch."""
        from web.tools.stress import StressError, run_stress

        try:
            report = run_stress(seconds, database, redis_url, seed, click.echo, gunicorn, backend, kill_worker=kill_worker)
        except StressError as exc:
            raise click.ClickException(str(exc)) from exc
        if not report.ok:
            raise click.ClickException("压力测试发现错误或不一致（见上）")

    @bench.command("web")
    @click.option("--seconds", default=15.0, show_default=True, help="Load time per endpoint (bounded).")
    @click.option("--clients", default=4, show_default=True)
    def bench_web(seconds: float, clients: int) -> None:
        """Latency and throughput of the running site under gunicorn (2 workers, 127.0.0.1)."""
        from web.tools.loadtest import run_web_bench

        try:
            run_web_bench(seconds, clients, click.echo)
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from exc


def register_eval(cli: click.Group) -> None:
    @cli.command("eval")
    @click.argument("folders", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--backend", type=click.Choice(["e5", "use", "st", "static"]),
                  help="Embedding backend (default: EMBEDDING_BACKEND or e5).")
    @click.option("--run-out", type=click.Path(dir_okay=False, path_type=Path),
                  help="Write the ranking in TREC run format (one set only).")
    @click.option("--explore", is_flag=True,
                  help="Also compare fusions on every set given and choose their weights by leave-one-set-out.")
    @click.option("--dump", type=click.Path(dir_okay=False, path_type=Path),
                  help="Instead, write every candidate's signals, vector and wording for offline fusion studies (one set).")
    def eval_command(folders: tuple[Path, ...], backend: str | None, run_out: Path | None, explore: bool,
                     dump: Path | None) -> None:
        """nDCG@10, Recall@10/100, MRR@10 and latency of the product ranking on each FOLDER
        (records.jsonl, queries.jsonl, qrels.tsv), beside BM25-only, semantic-only and their RRF."""
        import tempfile

        from matcher.evaluation import EvalSetError, run_eval
        from matcher.evaluation.dump import dump_set

        if (run_out is not None or dump is not None) and len(folders) > 1:
            raise click.UsageError("--run-out 与 --dump 一次只能用于一个评测集")
        bar: tqdm | None = None

        def progress(done: int, total: int, stage: str) -> None:
            nonlocal bar
            if stage == "semantic":
                bar = bar or tqdm(total=total, initial=done, desc="向量化", unit="条", file=sys.stderr)
                bar.update(done - bar.n)

        try:
            if dump is not None:
                dump_set(folders[0], dump, backend, click.echo)
                return
            with tempfile.TemporaryDirectory() as tmp:
                dumps = []
                for folder in folders:
                    click.echo(f"== {folder.name}")
                    run_eval(folder, backend, click.echo, run_out, progress)
                    if explore:
                        dumps.append(Path(tmp) / f"{folder.name}.pkl")
                        dump_set(folder, dumps[-1], backend, lambda _: None)
                if explore:
                    from matcher.evaluation.fusion import explore_dumps

                    click.echo("== 融合方式比较与留一法（leave-one-set-out）")
                    explore_dumps(dumps, click.echo)
        except EvalSetError as exc:
            raise click.ClickException(str(exc)) from exc
        finally:
            if bar is not None:
                bar.close()

    @cli.command("eval-outcomes")
    @click.option("--held-out", type=click.FloatRange(0.1, 0.9), default=0.3, show_default=True,
                  help="The later share of the history held out as labels.")
    @click.option("--seeds", default="20261205,1,2", show_default=True, help="Histories to replay, comma-separated.")
    @click.option("--backend", type=click.Choice(["e5", "use", "st", "static"]),
                  help="Embedding backend (default: EMBEDDING_BACKEND or e5).")
    def eval_outcomes_command(held_out: float, seeds: str, backend: str | None) -> None:
        """Replay the demo's history of accepted and declined matches: does learning from the
        earlier part of it rank the later part better (nDCG@10, paired-bootstrap interval)?"""
        from matcher.evaluation.outcomes import run_outcome_replay

        try:
            numbers = [int(s) for s in seeds.split(",") if s.strip()]
        except ValueError as exc:
            raise click.BadParameter("种子须为逗号分隔的整数", param_hint="--seeds") from exc
        run_outcome_replay(click.echo, held_out, numbers, backend)

    @cli.command("distill-embedder")
    @click.option("--min-frequency", type=int, default=None, help="Smallest jieba frequency of a word kept (default 20).")
    @click.option("--dim", type=int, default=None, help="Dimensions kept by PCA (default 256).")
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Where to write the table (default: the shipped one in data/seed/static/).")
    def distill_command(min_frequency: int | None, dim: int | None, out: Path | None) -> None:
        """Distill the static embedder from e5: each vocabulary word embedded once (resumable:
        vectors are cached), centred, reduced by PCA, stored as int8."""
        from indexer.tools import distill
        from indexer.embedders.static import TABLE

        words, _ = distill.vocabulary(min_frequency or distill.MIN_FREQUENCY)
        with tqdm(total=len(words), desc="蒸馏词表", unit="词", file=sys.stderr) as bar:
            table = distill.distill_embedder(out or TABLE, min_frequency or distill.MIN_FREQUENCY, dim or distill.DIM,
                                             progress=bar.update)
        click.echo(f"静态向量表：{len(table.words)} 个词 × {table.dim} 维，写入 {out or TABLE}（{table.info}）")

    @cli.command("build-devsets")
    def build_devsets_command() -> None:
        """Rebuild the labelled dev sets in data/eval/ from the shipped public data."""
        from matcher.evaluation.devsets import build_all

        for folder in build_all():
            click.echo(f"已生成 {folder}")


def register_bench_embed(bench: click.Group) -> None:
    @bench.command("embed")
    @click.option("--backends", default="e5,static", show_default=True)
    @click.option("--texts", "count", default=1000, show_default=True, help="Texts of each shape.")
    @click.option("--sets", default="all", show_default=True,
                  help="Dev sets to score each backend on (comma-separated names in data/eval/, all, or none).")
    def bench_embed(backends: str, count: int, sets: str) -> None:
        """Records/s per core and query latency of each embedder on real titles, need
        descriptions and profiles; nDCG@10 per dev set alone and inside the product."""
        from matcher.evaluation.bench_embed import run_embed_bench
        from matcher.evaluation.devsets import EVAL_DIR

        folders = sorted(p for p in EVAL_DIR.iterdir() if (p / "qrels.tsv").exists()) if sets == "all" else \
            [] if sets == "none" else [EVAL_DIR / name for name in sets.split(",")]
        run_embed_bench(backends.split(","), count, folders, click.echo)


def register_bench_searchable(bench: click.Group) -> None:
    @bench.command("searchable")
    @click.option("--size", default=100_000, show_default=True, help="Records imported at once.")
    @click.option("--queries", default=50, show_default=True)
    def bench_searchable(size: int, queries: int) -> None:
        """Seconds from an import of SIZE records until all are searchable by words and, through
        stand-in vectors, by meaning; search latency while their e5 vectors are pending."""
        from indexer.tools.bench_searchable import run_searchable_bench

        run_searchable_bench(size, queries, click.echo)


def register_bench_allocate(bench: click.Group) -> None:
    @bench.command("allocate")
    @click.option("--students", default=10_000, show_default=True)
    @click.option("--posts", default=1_000, show_default=True)
    @click.option("--items", default=500, show_default=True, help="Items to review (panels).")
    @click.option("--reviewers", default=2_000, show_default=True)
    @click.option("--seed", default=1, show_default=True)
    @click.option("--reference-students", default=10_000, show_default=True,
                  help="Students of the round the matching package checks (fewer: a smaller round of its own).")
    def bench_allocate(students: int, posts: int, items: int, reviewers: int, seed: int, reference_students: int) -> None:
        """Stable and max-welfare allocation of STUDENTS × POSTS and review panels of ITEMS ×
        REVIEWERS (5 per panel): time and peak memory of each, checked against the matching
        package and SciPy's HiGHS on seeded random rounds."""
        from matcher.evaluation.bench_allocate import run_allocate_bench

        run_allocate_bench(students, posts, items, reviewers, seed, reference_students, click.echo)


def register_bench_match(bench: click.Group) -> None:
    @bench.command("match")
    @click.option("--size", default=100_000, show_default=True)
    @click.option("--backend", type=click.Choice(["e5", "use"]), default="e5", show_default=True)
    @click.option("--queries", default=200, show_default=True)
    def bench_match(size: int, backend: str, queries: int) -> None:
        """Recommendation latency of one need against SIZE candidates."""
        from matcher.evaluation.bench import run_match_bench

        run_match_bench(size, backend, queries, click.echo)


def register_bench_notify(bench: click.Group) -> None:
    @bench.command("notify")
    @click.option("--subscriptions", default=1000, show_default=True, help="Subscriptions spread over the demo's users.")
    @click.option("--mails", default=1000, show_default=True, help="Messages mailed each way (0: no mail part).")
    @click.option("--new", default=50, show_default=True, help="New needs, internships and 成果 published before the round.")
    @click.option("--per-pool", type=click.IntRange(min=1), help="Only the first N rows of each pool (default: the whole demo).")
    def bench_notify(subscriptions: int, mails: int, new: int, per_pool: int | None) -> None:
        """One subscriptions' round over the demo alliance with SUBSCRIPTIONS subscriptions after a
        batch of new records, and a second right after; the mail outbox's throughput against a
        local SMTP server (flush, right after the commit, daily digest)."""
        from indexer.tools.smtp_sink import SinkError
        from matcher.evaluation.bench_notify import run_notify_bench

        try:
            run_notify_bench(subscriptions, mails, click.echo, per_pool, new)
        except SinkError as exc:
            raise click.ClickException(str(exc)) from exc
