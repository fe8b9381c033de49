"""``chanjiao bench fuzz`` for a few seconds: no page or API operation answers 5xx or fails to
answer, for any of the four kinds of user; and the fuzzer does notice a route that breaks."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from data.settings import database_url
from web.services import records as record_service
from web.cli import cli
from web.tools.fuzz import run_fuzz


def test_a_short_fuzz_run_gets_no_server_error() -> None:
    before = database_url()
    result = CliRunner().invoke(cli, ["bench", "fuzz", "--seconds", "8", "--seed", "12"])
    assert "种子 12" in result.output and "共 " in result.output, result.output
    assert result.exit_code == 0, result.output
    assert "5xx 或无应答：0 次" in result.output
    requests = int(result.output.split("共 ")[1].split(" 次请求")[0])
    assert requests >= 20  # a run, not a rate (the machine may be busy)
    assert database_url() == before  # the run's throwaway database is gone from the environment


def test_the_fuzzer_reports_a_route_that_breaks(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("a bug in a pool list")

    monkeypatch.setattr(record_service, "list_records", broken)
    lines: list[str] = []
    report = run_fuzz(6, 12, lines.append)
    assert not report.ok and report.statuses[500] >= 1
    assert any("/pool" in failure for failure in report.failures), report.failures
    assert any(line.startswith("  ✗ 500") for line in lines)
