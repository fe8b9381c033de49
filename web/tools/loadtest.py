"""``chanjiao bench web``: load a real gunicorn server (2 workers, 127.0.0.1) for a bounded
time and print p50/p99 latency and requests/s per endpoint, with the demo data."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
from sqlalchemy import select

from data.db import session_scope
from data.enums import Status, Visibility
from data.models import Project
from matcher.directions import need_experts

Echo = Callable[[str], None]
QUERIES = ("机器视觉缺陷检测", "酱油发酵工艺", "工业机器人运维", "区块链溯源", "康复治疗", "石油化工安全", "新材料", "智慧农业",
           "机器视觉 缺陷检测", "PLC 电气控制 工业机器人")  # the last two typed as keyword lists


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now (for a gunicorn of our own)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, seconds: float) -> None:
    """Poll ``url`` until it answers; raise RuntimeError after ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"服务未能在 {seconds} 秒内启动")


def run_web_bench(seconds: float, clients: int, echo: Echo) -> None:
    with session_scope() as session:
        needs = list(session.scalars(select(Project.id).where(Project.status == Status.PUBLISHED,
                                                              Project.visibility == Visibility.PUBLIC).limit(20)))
    if not needs:
        raise RuntimeError("没有演示数据：请先运行 chanjiao demo --no-serve")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind", f"127.0.0.1:{port}", "web:create_app()"],
        env={**os.environ}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_up(f"{base}/healthz", 60)
        q = [urllib.parse.quote(t) for t in QUERIES]
        endpoints = {
            "API 检索": [f"{base}/api/v1/search?q={t}&pool=achievement" for t in q],
            "API 推荐": [f"{base}/api/v1/recommendations/project/{i}?direction={need_experts.DIRECTION.key}" for i in needs],
            "检索页面": [f"{base}/?q={t}&pool=expert" for t in q],
            "详情页（含推荐）": [f"{base}/pool/project/{i}" for i in needs],
        }
        for url_list in endpoints.values():  # warm both workers' models and caches
            for url in url_list:
                urllib.request.urlopen(url, timeout=60).read()
        echo(f"gunicorn 2 个 worker，{clients} 个并发客户端，每项 {seconds:.0f} 秒（仅 127.0.0.1）")
        for label, urls in endpoints.items():
            _measure(label, urls, seconds, clients, echo)
    finally:
        server.terminate()
        server.wait(timeout=30)


def _measure(label: str, urls: list[str], seconds: float, clients: int, echo: Echo) -> None:
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors = 0

    def worker(offset: int) -> None:
        nonlocal errors
        n = offset
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                with urllib.request.urlopen(urls[n % len(urls)], timeout=30) as response:
                    response.read()
                latencies.append((time.perf_counter() - start) * 1000)
            except OSError:
                errors += 1
            n += clients

    started = time.monotonic()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(worker, range(clients)))
    elapsed = time.monotonic() - started
    values = np.array(latencies) if latencies else np.array([float("nan")])
    echo(f"  {label:10s} p50 {np.percentile(values, 50):7.1f} ms  p99 {np.percentile(values, 99):7.1f} ms  "
         f"{len(latencies) / elapsed:6.1f} 次/秒  错误 {errors}")
