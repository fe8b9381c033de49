"""Native inference in a child process, so a crash or a hang in it never takes the caller down.

:class:`IsolatedEmbedder` stands for a backend whose model runs native code (e5's C engine,
torch). It starts ``python -m indexer.embedders.isolated BACKEND THREADS`` on first use and
talks to it over a pipe (length-prefixed pickles). When the child dies or stops answering, it
is killed and started again on the next call; a batch that killed it is split in halves and
retried, so one poisonous text costs only itself a vector (a row of NaN) and every other text
of the batch is embedded. The child exits when its parent goes away (its input closes).
"""

from __future__ import annotations

import logging
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from typing import IO, Any

import numpy as np

from indexer.embedders.base import Embedder

log = logging.getLogger(__name__)
_HEADER = struct.Struct("!Q")
START_TIMEOUT = 120.0  # seconds for the child to load its model
CALL_TIMEOUT = 60.0  # seconds per call, plus PER_TEXT_TIMEOUT per text
PER_TEXT_TIMEOUT = 2.0


class ChildFailed(RuntimeError):
    """The child process died, hung or answered nonsense."""


def _write_frame(stream: IO[bytes], obj: Any) -> None:
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def _read_exact(fd: int, size: int, deadline: float | None) -> bytes:
    chunks, left = [], size
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise ChildFailed("timeout")
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise ChildFailed("closed")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd: int, deadline: float | None) -> Any:
    (size,) = _HEADER.unpack(_read_exact(fd, _HEADER.size, deadline))
    return pickle.loads(_read_exact(fd, size, deadline))


class IsolatedEmbedder(Embedder):
    """The embedder of ``backend``, run in a child process (see the module docstring)."""

    def __init__(self, backend: str, threads: int = 1, model: str = "", dim: int = 0,
                 env: dict[str, str] | None = None) -> None:
        self.backend, self.threads = backend, threads
        self._model, self._dim = model, dim  # known without starting the child, when the caller can tell
        self._env = env or {}
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.call_timeout = CALL_TIMEOUT
        self.restarts = 0  # children started after a failure (for tests and logs)
        self._bulk: list[IsolatedEmbedder] = []  # children of their own for bulk jobs (started lazily)

    # Embedder's model and dim are plain attributes; here they are asked of the child the first
    # time they are read, unless given (a setter keeps them attributes one can set, as on any Embedder).
    @property
    def model(self) -> str:
        if not self._model:
            self._call(("hello", None))
        return self._model

    @model.setter
    def model(self, value: str) -> None:
        self._model = value

    @property
    def dim(self) -> int:
        if not self._dim:
            self._call(("hello", None))
        return self._dim

    @dim.setter
    def dim(self, value: int) -> None:
        self._dim = value

    # -- the child's life ------------------------------------------------------------------

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.poll() is None else None

    def _start(self) -> subprocess.Popen[bytes]:
        env = {**os.environ, **self._env, "OMP_NUM_THREADS": str(self.threads)}
        proc = subprocess.Popen([sys.executable, "-m", "indexer.embedders.isolated", self.backend, str(self.threads)],
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True)
        assert proc.stdout is not None
        try:
            hello = _read_frame(proc.stdout.fileno(), time.monotonic() + START_TIMEOUT)
        except ChildFailed as exc:
            self._kill(proc)
            raise ChildFailed(f"向量模型进程未能启动（{self.backend}）") from exc
        if not (isinstance(hello, dict) and hello.get("ready")):
            self._kill(proc)
            raise ChildFailed(f"向量模型进程启动失败：{hello}")
        if self._model and hello["model"] != self._model:
            self._kill(proc)
            raise ChildFailed(f"向量模型进程加载了 {hello['model']}，应为 {self._model}")
        self._model, self._dim = hello["model"], hello["dim"]
        return proc

    @staticmethod
    def _kill(proc: subprocess.Popen[bytes]) -> None:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                stream.close()

    def bulk_workers(self, count: int) -> list[Embedder]:
        """``count`` embedders of this backend, each with a child of its own (one core each:
        the e5 engine does not go faster with more threads per process, but two processes
        embed twice as much), none of them this one, so a query never waits behind a batch."""
        with self._lock:
            while len(self._bulk) < count:
                self._bulk.append(IsolatedEmbedder(self.backend, 1, self._model, self._dim, self._env))
            return list(self._bulk[:count])

    def close(self) -> None:
        with self._lock:
            if self._proc is not None:
                self._kill(self._proc)
                self._proc = None
            bulk, self._bulk = self._bulk, []
        for worker in bulk:
            worker.close()

    def __del__(self) -> None:
        proc = getattr(self, "_proc", None)
        if proc is not None:
            try:
                self._kill(proc)
            except Exception:  # the interpreter may be shutting down
                pass

    def _call(self, request: tuple[str, Any]) -> Any:
        """One request to the child under the lock; the child is (re)started as needed."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                if self._proc is not None:
                    self._kill(self._proc)
                    self.restarts += 1
                self._proc = self._start()
            proc = self._proc
            assert proc.stdin is not None and proc.stdout is not None
            texts = request[1] if request[0] in ("query", "passage") else []
            deadline = time.monotonic() + self.call_timeout + PER_TEXT_TIMEOUT * len(texts)
            try:
                _write_frame(proc.stdin, request)
                status, value = _read_frame(proc.stdout.fileno(), deadline)
            except (ChildFailed, OSError, EOFError, pickle.UnpicklingError, ValueError) as exc:
                log.error("embedder child %s failed (%s); it will be restarted", proc.pid, exc)
                self._kill(proc)
                self._proc = None
                self.restarts += 1
                raise ChildFailed(str(exc)) from exc
            if status != "ok":
                raise ChildFailed(str(value))
            return value

    # -- the embedder interface ------------------------------------------------------------

    def _encode(self, texts: list[str], is_query: bool) -> np.ndarray:
        raise NotImplementedError  # the child encodes; see _embed

    def _embed(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        texts = list(texts)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        try:
            return np.asarray(self._call(("query" if is_query else "passage", texts)), dtype=np.float32)
        except ChildFailed:
            if len(texts) == 1:
                log.error("could not embed a text of %d characters; it gets no vector", len(texts[0]))
                return np.full((1, self.dim), np.nan, dtype=np.float32)
        half = len(texts) // 2  # find the texts that kill it; embed the rest
        return np.concatenate([self._embed(texts[:half], is_query), self._embed(texts[half:], is_query)])


# -- the child ---------------------------------------------------------------------------

def _serve(backend: str, threads: int) -> None:
    """Answer requests on stdin until it closes. Frames go to a private copy of stdout; the
    real stdout points at stderr so that nothing a library prints can break the protocol."""
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    inp = sys.stdin.buffer
    from indexer.embedders.local import make_embedder

    embedder = make_embedder(backend, threads)
    embedder.embed_passages(["预热"])  # load the model before saying ready
    _write_frame(out, {"ready": True, "model": embedder.model, "dim": embedder.dim})
    while True:
        try:
            kind, payload = _read_frame(inp.fileno(), None)
        except ChildFailed:
            return  # the parent went away
        try:
            if kind == "hello":
                answer: tuple[str, Any] = ("ok", None)
            else:
                method = embedder.embed_queries if kind == "query" else embedder.embed_passages
                answer = ("ok", method(payload))
        except Exception as exc:  # a Python error is an answer, not a crash
            answer = ("error", f"{type(exc).__name__}: {exc}")
        _write_frame(out, answer)


if __name__ == "__main__":
    _serve(sys.argv[1], int(sys.argv[2]))
