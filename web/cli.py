"""The ``chanjiao`` command: database, import/export, demo, and Flask's own commands."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup
from tqdm import tqdm

from data.db import session_scope
from data.demo import DEMO_NOTICE, load_demo
from data.enums import Status
from data.migrate import upgrade_to_head
from data.models import MODELS, OwnedRecord
from data.pools import Pool
from data.reference.regions import seed_regions
from data.sheets.exporter import export_pool, write_template
from data.sheets.importer import import_file
from data.sheets.tabular import TableError
from data.workflows.accounts import DEMO_PASSWORD, AccountError, create_api_token, ensure_demo_accounts, revoke_api_token
from data.workflows.membership import open_cases_for_applicants
from data.workflows.sample_fair import add_sample_fair
from data.workflows.stats import pool_counts
from indexer.context import get_context
from web import cli_index, cli_notify, create_app
from web.tools.reindex import reindex_pools

PROGRESS_THRESHOLD = 2000


class PoolType(click.ParamType):
    name = "pool"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> Pool:
        if isinstance(value, Pool):
            return value
        try:
            return Pool.parse(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


POOL = PoolType()


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False)
def cli() -> None:
    """产教通 command line."""


def init_database() -> None:
    upgrade_to_head()
    with session_scope() as session:
        seed_regions(session)


@cli.command("init-db")
def init_db_command() -> None:
    """Create or upgrade the database to the newest schema."""
    init_database()
    click.echo("数据库已就绪（已升级到最新版本）")


@cli.command("template")
@click.argument("pool", type=POOL)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def template_command(pool: Pool, path: Path) -> None:
    """Write an empty import template for POOL (.xlsx or .csv)."""
    try:
        write_template(pool, path)
    except TableError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已生成{pool.label}导入模板：{path}")


@cli.command("import")
@click.argument("pool", type=POOL)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Validate only; write nothing.")
@click.option("--pending", is_flag=True, help="For review: new rows are 待审核, changes to published records are held as revisions, unchanged rows are left alone.")
def import_command(pool: Pool, path: Path, dry_run: bool, pending: bool) -> None:
    """Import POOL from an .xlsx or .csv file: all rows or nothing."""
    bar: tqdm | None = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if total >= PROGRESS_THRESHOLD:
            bar = bar or tqdm(total=total, desc=f"导入{pool.label}", unit="行", file=sys.stderr)
            bar.update(done - bar.n)

    try:
        with session_scope() as session:
            report = import_file(session, pool, path, dry_run=dry_run,
                                 status=Status.PENDING if pending else None, progress=progress)
            if not report.ok or dry_run:
                session.rollback()
    except TableError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        if bar is not None:
            bar.close()
    for error in report.errors:
        click.echo(str(error), err=True)
    click.echo(report.summary())
    if not report.ok:
        sys.exit(1)


@cli.command("export")
@click.argument("pool", type=POOL)
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def export_command(pool: Pool, path: Path) -> None:
    """Export every record of POOL to an .xlsx or .csv file."""
    try:
        with session_scope() as session:
            count = export_pool(session, pool, path)
    except TableError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已导出{pool.label} {count} 条：{path}")


@cli.command("stats")
def stats_command() -> None:
    """Print the size of every pool."""
    with session_scope() as session:
        for pool, count in pool_counts(session).items():
            click.echo(f"{pool.label}\t{count}")


@cli.command("demo")
@click.option("--serve/--no-serve", default=True, help="Serve the site at http://127.0.0.1:5000 afterwards.")
@click.option("--port", default=5000, show_default=True)
def demo_command(serve: bool, port: int) -> None:
    """Create the database, load the demo alliance once, build the indexes, serve the site."""
    init_database()
    with session_scope() as session:
        fresh = not any(pool_counts(session).values())
        if fresh:
            click.echo("正在载入演示联盟数据…")
            load_demo(session)
            open_cases_for_applicants(session)  # the demo's 申请中 organizations await the preliminary review
    if fresh or not all(get_context().store.exists(p) for p in Pool):
        click.echo("正在建立检索索引…")
        reindex_pools(tuple(Pool))
    if fresh:
        from matcher.evaluation.history import generate_history

        with session_scope() as session, tqdm(desc="生成演示历史（推荐后的联系、合作与谢绝）", unit="条需求",
                                              file=sys.stderr) as bar:
            def progress(done: int, total: int) -> None:
                bar.total = total
                bar.update(done - bar.n)
            report = generate_history(session, get_context(), progress=progress)
        click.echo(f"演示历史：{report.needs} 条需求的 {sum(report.actions.values())} 条反馈")
    click.echo(DEMO_NOTICE)
    with session_scope() as session:
        for pool, count in pool_counts(session).items():
            click.echo(f"{pool.label}\t{count}")
        sample = session.get(MODELS[Pool.ACHIEVEMENT], 1)
        if isinstance(sample, OwnedRecord):
            click.echo(f"示例成果：{sample.name}（{sample.owner_org.name}，{sample.field}）")
    with session_scope() as session:
        accounts = ensure_demo_accounts(session)
        fair = add_sample_fair(session) if fresh else None  # after the accounts: staff create it
        if fair is not None:
            click.echo(f"演示双选会：{fair.name}（{fair.status.label}）")
    click.echo(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
    for username, role, org in accounts:
        click.echo(f"  {username}\t{role}\t{org}")
    if serve:
        click.echo(f"网站已启动：http://127.0.0.1:{port}/ （Ctrl+C 停止）")
        from web.devserver import serve as serve_demo

        serve_demo(create_app(), port)


@cli.group("token")
def token_group() -> None:
    """API tokens for machine clients."""


@token_group.command("create")
@click.argument("username")
@click.option("--name", default="", help="What the token is for.")
def token_create(username: str, name: str) -> None:
    """Issue a token for USERNAME and print it once."""
    try:
        with session_scope() as session:
            item, token = create_api_token(session, username, name)
            click.echo(f"令牌编号 {item.id}（只显示这一次，请妥善保存）：\n{token}")
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc


@token_group.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke token TOKEN_ID."""
    try:
        with session_scope() as session:
            revoke_api_token(session, token_id)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"已撤销令牌 {token_id}")


@cli.group("membership")
def membership_group() -> None:
    """Alliance membership."""


@membership_group.command("update")
def membership_update() -> None:
    """Apply due withdrawals and lapses (the site also does this hourly)."""
    from data.workflows.membership import apply_deadlines

    with session_scope() as session:
        counts = apply_deadlines(session)
    click.echo(f"退出生效 {counts['withdrawn']} 家，资格失效 {counts['lapsed']} 家")


cli_index.register(cli, POOL)
cli_index.register_bench(cli)
cli_index.register_eval(cli)
cli_notify.register(cli)


def main() -> None:
    cli(prog_name="chanjiao")
