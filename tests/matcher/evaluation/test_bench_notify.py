"""``chanjiao bench notify`` at a tiny size: a world built from the demo, subscriptions made, two
rounds timed, and every mail the outbox says it sent really received by the local SMTP server
(counted by the server, not by the sender)."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from data.settings import database_url
from indexer.tools.smtp_sink import SmtpSink
from web.cli import cli


def test_a_tiny_run_prints_its_figures_and_the_server_got_every_mail(monkeypatch: pytest.MonkeyPatch) -> None:
    sinks: list[SmtpSink] = []
    enter = SmtpSink.__enter__

    def keep(self: SmtpSink) -> SmtpSink:
        sinks.append(self)
        return enter(self)

    monkeypatch.setattr(SmtpSink, "__enter__", keep)
    before = database_url()
    result = CliRunner().invoke(cli, ["bench", "notify", "--subscriptions", "20", "--mails", "20",
                                      "--per-pool", "8", "--new", "6"])
    out = result.output
    assert result.exit_code == 0, out
    assert "订阅：20 个" in out
    first = re.search(r"第一轮（有新记录）：订阅 20 个，用时 [\d.]+ 秒（[^）]+）；告知新匹配 (\d+) 条，写入消息 (\d+) 条\n"
                      r"  按类型（个数，平均 ms）：(.*)\n", out)
    second = re.search(r"第二轮（[^）]+）：订阅 20 个，用时 [\d.]+ 秒.*告知新匹配 0 条，写入消息 0 条", out)
    third = re.search(r"第三轮（[^）]+）：订阅 20 个，用时 [\d.]+ 秒.*告知新匹配 0 条，写入消息 0 条", out)
    assert first and second and third, out
    assert int(first[2]) <= int(first[1])  # one message per subscription, listing its new matches
    assert sum(int(n) for n in re.findall(r" (\d+) 个 \d+", first[3])) == 20  # every subscription timed
    assert re.search(r"新记录：发布 6 条 .*索引中有 6 条", out), out
    assert "峰值内存" in out

    received = [int(n) for n in re.findall(r"SMTP 服务器收到 (\d+) 封", out)]
    users = re.search(r"合为 (\d+) 封（每位用户一封，(\d+) 位用户）", out)
    assert users, out
    assert received[:2] == [20, 20]  # the flush, then right after the commit
    assert received[2] == int(users[1]) == min(20, int(users[2]))  # the digests: one per user
    [sink] = sinks
    assert sink.received == sum(received)  # what the server itself counted
    assert database_url() == before  # the temporary instance is gone from the environment
