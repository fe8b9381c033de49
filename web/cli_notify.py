"""``chanjiao notify …``: the subscriptions' round and the mail outbox, by hand (the worker runs
both by itself: Celery beat, or the web process's background thread without Redis)."""

from __future__ import annotations

import click

from data.db import session_scope
from indexer import outbox
from indexer.context import get_context
from matcher.watch import run_round


def register(cli: click.Group) -> None:
    @cli.group("notify")
    def notify_group() -> None:
        """订阅与邮件。"""

    @notify_group.command("run")
    def notify_run() -> None:
        """One round of every subscription: tell users of new matches now."""
        with session_scope() as session:
            report = run_round(session, get_context())
        click.echo(f"订阅 {report.subscriptions} 个，新匹配 {report.told} 条，发出消息 {report.messages} 条"
                   + (f"，停止 {len(report.stopped)} 个（记录已删除或不可见）" if report.stopped else ""))
        counts = outbox.flush()
        click.echo(f"邮件：发送 {counts['sent']} 封，失败 {counts['failed']} 封，每日汇总 {counts['digests']} 封")
