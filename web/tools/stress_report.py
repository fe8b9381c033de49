"""What a stress run counts and prints: operations, refusals, errors with their first
traceback, latencies, and the record-by-record comparison."""

from __future__ import annotations

import logging
import threading
import traceback
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from web.tools.stress_check import Comparison

Echo = Callable[[str], None]


@dataclass
class Report:
    """Everything a run saw; ``ok`` when there was no error and no mismatch."""

    setting: str = ""
    seed: int = 0
    seconds: float = 0.0
    operations: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)  # correct refusals (a record deleted meanwhile)
    errors: Counter[str] = field(default_factory=Counter)
    tracebacks: dict[str, str] = field(default_factory=dict)  # the first of each kind
    latencies: dict[str, list[float]] = field(default_factory=dict)
    comparison: Comparison | None = None
    drained: bool = False
    drain_seconds: float = 0.0
    check_seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def ok(self) -> bool:
        return (self.drained and not self.errors and self.comparison is not None
                and not self.comparison.mismatches)

    def error(self, kind: str, detail: str) -> None:
        with self._lock:
            self.errors[kind] += 1
            self.tracebacks.setdefault(kind, detail)

    def count(self, op: str, seconds: float | None = None) -> None:
        with self._lock:
            self.operations[op] += 1
            if seconds is not None:
                self.latencies.setdefault(op, []).append(seconds)


class BackgroundErrors(logging.Handler):
    """Errors logged by in-process background work (index syncs, imports, rebuilds)."""

    def __init__(self, report: Report) -> None:
        super().__init__(logging.ERROR)
        self.report = report

    def emit(self, record: logging.LogRecord) -> None:
        detail = record.getMessage()
        if record.exc_info:
            detail += "\n" + "".join(traceback.format_exception(*record.exc_info))
        self.report.error(f"后台任务：{record.name}", detail)


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(values, q)) * 1000 if values else 0.0


def print_report(report: Report, echo: Echo, drain_limit: float) -> None:
    """The report as the command prints it (Chinese, one fact per line)."""
    echo(f"环境：{report.setting}；种子 {report.seed}；运行 {report.seconds:.1f} 秒")
    echo("操作：" + "，".join(f"{k} {v}" for k, v in sorted(report.operations.items())))
    if report.refused:
        echo("按规则拒绝（不算错误）：" + "；".join(f"{k} ×{v}" for k, v in report.refused.most_common(6)))
    for op, values in sorted(report.latencies.items()):
        echo(f"{op}延迟：p50 {_percentile(values, 50):.0f} ms，p95 {_percentile(values, 95):.0f} ms（{len(values)} 次）")
    echo(f"截止后等待后台工作 {report.drain_seconds:.1f} 秒："
         + ("已全部完成" if report.drained else f"在 {drain_limit:.0f} 秒内未能完成（算作错误）"))
    echo(f"错误：{sum(report.errors.values())} 个" + ("" if not report.errors else "，按类：" +
         "，".join(f"{k} ×{v}" for k, v in report.errors.most_common())))
    for kind, detail in report.tracebacks.items():
        echo(f"--- 首个「{kind}」：\n{detail.rstrip()[-3000:]}")
    comparison = report.comparison
    if comparison is not None:
        echo(f"逐条核对（{report.check_seconds:.1f} 秒）：{comparison.records} 条已发布记录，不一致 {sum(comparison.mismatches.values())} 处"
             + ("" if not comparison.mismatches else "，按类：" +
                "，".join(f"{k} ×{v}" for k, v in comparison.mismatches.most_common())))
        for kind, example in comparison.examples.items():
            echo(f"  例（{kind}）：{example}")
    echo("结果：通过" if report.ok else "结果：未通过")

