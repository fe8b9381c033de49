"""The Celery application. ``REDIS_URL`` set: a Redis broker and real workers
(``celery --app indexer.worker worker``). Unset: tasks run in-process (eager).

Models load lazily inside the process that uses them, and the worker warms them in
``worker_process_init`` — after the fork, because native thread pools hang in forked children.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
import uuid
from functools import lru_cache
from typing import Any, Protocol, cast

from celery import Celery
from celery.signals import celeryd_after_setup, task_postrun, worker_process_init

log = logging.getLogger(__name__)
celery_app = Celery("chanjiao", include=["indexer.tasks", "indexer.dispatch", "indexer.outbox"])
# A message is acknowledged when its task ends, and given back when the worker process running
# it dies; Redis hands an unacknowledged message to another worker after this long, so it must
# outlast the longest job (a 100,000-record rebuild with e5). A worker that starts sooner picks
# up interrupted jobs itself (indexer.dispatch.recover_interrupted).
VISIBILITY_TIMEOUT = 6 * 3600
MAX_DELIVERIES = 3
# A message sent is remembered (by task id, in Redis) until its task has run. One that is in no
# queue and not delivered-and-unacknowledged either was lost — a worker SIGKILLed after Redis
# handed it out (BRPOP) and before the worker recorded it as unacknowledged — and is sent again
# by a starting worker and every minute (indexer.dispatch), after this long (the gap between
# remembering a message and sending it).
LOST_AFTER_SECONDS = 2.0
_state = {"eager": True}


def configure(redis_url: str | None = None) -> Celery:
    """(Re)configure the broker from ``redis_url`` or the environment."""
    url = redis_url if redis_url is not None else (os.environ.get("REDIS_URL") or None)
    _state["eager"] = not url
    # Several alliances (or test runs) may share one Redis: each its own queue.
    celery_app.conf.task_default_queue = os.environ.get("CHANJIAO_QUEUE") or "celery"
    _forget_connections()
    if url:
        celery_app.conf.update(
            broker_url=url, result_backend=url, task_always_eager=False, task_acks_late=True,
            task_reject_on_worker_lost=True, broker_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
            result_backend_transport_options={"visibility_timeout": VISIBILITY_TIMEOUT},
            worker_prefetch_multiplier=1, broker_connection_retry_on_startup=True,
            task_serializer="json", result_serializer="json", accept_content=["json"],
        )
    else:
        celery_app.conf.update(
            broker_url="memory://", result_backend="cache+memory://", task_always_eager=True,
            task_eager_propagates=True, task_store_eager_result=False,
        )
    return celery_app


class _AppCaches(Protocol):
    """The private state of a Celery 5 app that holds on to its broker and result backend
    (not in celery's public API, so not in its type stubs either)."""

    _backend: Any  # the backend built for this thread, or None
    _backend_cache: Any
    _local: threading.local


class _AmqpCaches(Protocol):
    _producer_pool: Any


def _forget_connections() -> None:
    """Drop what the app built from the previous settings: its queues and router (named after
    the old default queue), producer pool and result backend (bound to the old broker)."""
    celery_app.close()
    amqp = celery_app.amqp
    for cached in ("queues", "default_queue", "default_exchange", "router"):
        amqp.__dict__.pop(cached, None)
    cast(_AmqpCaches, amqp)._producer_pool = None
    app = cast(_AppCaches, celery_app)
    backend = app._backend
    if backend is not None and hasattr(backend, "result_consumer"):
        try:
            backend.result_consumer.stop()
        except Exception:  # already closed
            pass
    app._backend_cache = None
    app._local = threading.local()


@lru_cache(maxsize=4)
def _redis_at(url: str) -> Any:
    """One client (and connection pool) per broker URL, not one per message sent or run:
    redis-py's pool is safe across threads and re-made after a fork."""
    import redis

    return redis.Redis.from_url(url)


def too_many_deliveries(task: Any) -> bool:
    """Count a message's deliveries (by task id, in Redis); True past ``MAX_DELIVERIES``, when a
    task has killed its worker that often and must be dropped, not given back again."""
    if is_eager() or not task.request.id:
        return False
    client = _redis_at(celery_app.conf.broker_url)
    key = f"chanjiao:deliveries:{task.request.id}"
    count = client.incr(key)
    assert isinstance(count, int)  # redis-py types its sync replies as Awaitable | Any (shared with asyncio)
    client.expire(key, VISIBILITY_TIMEOUT * 2)
    if count > MAX_DELIVERIES:
        log.error("task %s %s dropped after %d deliveries", task.name, task.request.id, count - 1)
        return True
    return False


def is_eager() -> bool:
    """True when no broker is configured and tasks run in this process."""
    return _state["eager"]


def give_back_unacknowledged(queues: list[str]) -> int:
    """Put back on their queue the messages of ``queues`` that were delivered and never
    acknowledged; returns how many. Redis would hand them out again only after
    ``VISIBILITY_TIMEOUT`` (hours), and an index sync has no job for
    :func:`indexer.dispatch.recover_interrupted` to start again: its edit would stay out of the
    index that long."""
    from kombu.transport.redis import Channel as RedisChannel, QoS as RedisQoS

    with celery_app.connection_for_write() as connection:
        channel = connection.default_channel
        if not isinstance(channel, RedisChannel):
            return 0  # only a Redis broker keeps unacknowledged messages this way
        qos = channel.qos
        assert isinstance(qos, RedisQoS)  # kombu's stubs give a Redis channel the generic QoS type
        given = 0
        with channel.conn_or_acquire() as client:
            for tag, raw in client.hgetall(channel.unacked_key).items():
                try:
                    routing_key = json.loads(raw)[2]
                except (ValueError, IndexError, TypeError):
                    continue
                if routing_key in queues:
                    qos.restore_by_tag(tag, client)
                    given += 1
        return given


def _sent_key() -> str:
    return f"chanjiao:sent:{celery_app.conf.task_default_queue}"


def send(task: Any, *args: Any) -> str:
    """Send ``task`` to the broker, remembered until it has run (see :func:`resend_lost`);
    returns its task id."""
    client = _redis_at(celery_app.conf.broker_url)
    task_id = str(uuid.uuid4())
    key = _sent_key()
    client.hset(key, task_id, json.dumps({"task": task.name, "args": list(args), "sent": time.time()}))
    client.expire(key, VISIBILITY_TIMEOUT * 2)
    try:
        task.apply_async(args=args, task_id=task_id)
    except Exception:
        client.hdel(key, task_id)
        raise
    return task_id


@task_postrun.connect
def _forget_sent(task_id: str | None = None, **_: Any) -> None:
    """A task that has run (returned or raised) needs no resending."""
    if is_eager() or not task_id:
        return
    try:
        _redis_at(celery_app.conf.broker_url).hdel(_sent_key(), task_id)
    except Exception:  # a broker hiccup: at worst the task runs once more (every task is idempotent)
        log.warning("could not forget sent task %s", task_id, exc_info=True)


def _message_id(raw: Any) -> str | None:
    message = json.loads(raw) if isinstance(raw, (bytes, str)) else raw
    if not isinstance(message, dict):
        return None
    headers, properties = message.get("headers") or {}, message.get("properties") or {}
    found = headers.get("id") or properties.get("correlation_id")
    return found if isinstance(found, str) else None


def _ids_in_broker(queue: str) -> set[str]:
    """Task ids of ``queue``'s messages waiting or delivered and not yet acknowledged."""
    from kombu.transport.redis import Channel as RedisChannel

    found: set[str] = set()
    with celery_app.connection_for_write() as connection:
        channel = connection.default_channel
        assert isinstance(channel, RedisChannel)
        with channel.conn_or_acquire() as client:
            for step in channel.priority_steps:  # a queue is one list per priority step (kombu's names)
                priority = channel.priority(step)
                for raw in client.lrange(f"{queue}{channel.sep}{priority}" if priority else queue, 0, -1):
                    try:
                        if (task_id := _message_id(raw)) is not None:
                            found.add(task_id)
                    except (ValueError, TypeError, AttributeError):
                        continue
            for raw in client.hvals(channel.unacked_key):
                try:
                    if (task_id := _message_id(json.loads(raw)[0])) is not None:
                        found.add(task_id)
                except (ValueError, IndexError, TypeError, AttributeError):
                    continue
    return found


def resend_lost(older_than: float = LOST_AFTER_SECONDS) -> list[str]:
    """Send again, with the same task id, every remembered message that has not run and is
    neither waiting nor unacknowledged in the broker; returns their task ids. A message a live
    worker is taking at that very moment may run twice, which every task allows."""
    if is_eager():
        return []
    client = _redis_at(celery_app.conf.broker_url)
    key = _sent_key()
    sent = client.hgetall(key)
    assert isinstance(sent, dict)  # redis-py types its sync replies as Awaitable | Any (shared with asyncio)
    if not sent:
        return []
    present = _ids_in_broker(celery_app.conf.task_default_queue)
    now, again = time.time(), []
    for raw_id, raw in sent.items():
        task_id = raw_id.decode() if isinstance(raw_id, bytes) else str(raw_id)
        try:
            entry = json.loads(raw)
        except ValueError:
            client.hdel(key, task_id)
            continue
        if task_id in present or now - float(entry.get("sent", 0)) < older_than:
            continue
        task = celery_app.tasks.get(entry.get("task") or "")
        if task is None:
            client.hdel(key, task_id)
            continue
        log.warning("task %s %s was lost with a dead worker; sending it again", task.name, task_id)
        task.apply_async(args=entry.get("args", []), task_id=task_id)
        again.append(task_id)
    return again


@celeryd_after_setup.connect
def _take_back_orphans(instance: Any, **_: Any) -> None:
    """A worker that starts, before it consumes anything, gives back what a dead worker of its
    queues left unacknowledged. A message another live worker still runs then runs twice, which
    every task allows (idempotent; a running job is skipped: ``indexer.jobs.begin_attempt``)."""
    if is_eager():
        return
    queues = list(instance.app.amqp.queues.consume_from or {}) or [celery_app.conf.task_default_queue]
    try:
        given = give_back_unacknowledged(queues)
    except Exception:  # a broker hiccup: the visibility timeout still gives them back later
        log.warning("could not give back unacknowledged messages", exc_info=True)
        return
    if given:
        log.warning("gave back %d message(s) a dead worker left unacknowledged", given)


@worker_process_init.connect
def _warm_worker(**_: Any) -> None:
    from indexer.analyzer import get_analyzer
    from indexer.vectors import faiss_threads

    faiss_threads(1)
    get_analyzer().warm()


configure()
