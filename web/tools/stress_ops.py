"""The operations of a stress run, each on its own session, as the product's own write and read
paths do them: imports as background jobs, creates, edits and deletes as staff through
``data.workflows.records``, review decisions, rebuilds; searches, recommendations and page requests."""

from __future__ import annotations

import random
import threading
import time
import urllib.parse
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.db import session_scope
from data.enums import Status
from data.errors import FieldError, NotFound
from data.models import MODELS, PoolRecord, User
from data.pools import Pool
from data.reference.vocabulary import FIELD_NAMES
from data.sheets.columns import columns_of
from data.workflows.records import create_record, delete_record, form_values, update_record
from data.workflows.review import decide, decide_revision, pending_records
from indexer import dispatch, jobs
from indexer.context import get_context
from indexer.operations import prepare
from indexer.search import Filters, search
from indexer.store import IndexMissing
from matcher.directions import REGISTRY, directions_for
from matcher.directions.direction import Runner
from data.access import Viewer
from matcher.query import MatchQuery
from matcher.recommend import RecommendError, recommend, recommend_text
from web.tools.stress_report import Report
from web.tools.stress_web import WebClient
from web.tools.stress_world import RECORD_POOLS, World, write_sheet

MIN_PER_POOL = 20  # deletes leave at least this many records in a pool
VISIBLE_WITHIN = 10.0  # seconds a writer waits for its change to show in the index
QUERIES = ("机器视觉缺陷检测", "酱油发酵工艺", "工业机器人运维", "区块链溯源", "康复治疗", "新材料", "智慧农业",
           "PLC 电气控制", "锂电池回收", "数控加工", "跨境电商运营", "护理", "大数据分析", "高分子复合材料",
           "ﷺ" * 20, "")


def _text_directions() -> tuple[str, ...]:
    """The directions free text can ask (a two-sided one needs a stored record), one per
    ranking function (expert_projects and teacher_projects rank alike)."""
    first: dict[Runner, str] = {}
    for direction in REGISTRY.values():
        if not direction.needs_record:
            first.setdefault(direction.run, direction.key)
    return tuple(first.values())


TEXT_DIRECTIONS = _text_directions()
PHRASES = ("，已完成中试验证", "；可提供现场技术服务", "，面向中小企业推广", "。新增：数字孪生与在线检测", "",
           "，并与职业院校共建实训课程")
REGIONS = ("广东省广州市", "广东省深圳市", "重庆市", "山东省德州市", "广东省东莞市", "")
VISIBILITIES = ("公开", "会员可见", "仅本单位")
# The column each edit may change so that the record's title (its embedded name) changes too.
TITLE_COLUMNS = {Pool.EXPERT: "研究方向", Pool.TEACHER: "主讲课程", Pool.TALENT: "期望岗位", Pool.PROJECT: "名称",
                 Pool.ACHIEVEMENT: "成果名称", Pool.INTERNSHIP: "岗位名称"}
LIST_COLUMNS = ("研究方向", "主讲课程")
# The answers a user gets (a record another thread deleted a moment ago: gone, or a conflict),
# not failures.
REFUSALS = (FieldError, RecommendError)
OP_NAMES = {"import_sheet": "导入", "create": "新建", "update": "修改", "delete": "删除", "review": "审核",
            "rebuild": "重建索引", "search": "检索", "recommend": "推荐", "page": "网页"}


class Workload:
    """The operations the threads repeat until the deadline, each on its own session."""

    def __init__(self, world: World, report: Report, deadline: float, uploads: Path, web: WebClient) -> None:
        self.world, self.report, self.deadline, self.uploads, self.web = world, report, deadline, uploads, web
        self.ctx = get_context()
        self.stop = threading.Event()
        self.job_ids: list[str] = []
        self._sheets = 0
        self._lock = threading.Lock()

    # -- helpers ------------------------------------------------------------------------------
    def _staff(self, session: Session) -> User:
        staff = session.get(User, self.world.staff_id)
        if staff is None:  # the world's own account: nothing in the run deletes it
            raise AssertionError(f"压力测试的秘书处账号（编号 {self.world.staff_id}）不存在")
        return staff

    @staticmethod
    def _record(session: Session, pool: Pool, record_id: int) -> PoolRecord:
        """The record, or the answer a user gets when another thread deleted it a moment ago."""
        record = session.get(MODELS[pool], record_id)
        if record is None:
            raise NotFound("id", f"{pool.label}中不存在编号为 {record_id} 的记录")
        return record

    @staticmethod
    def _random_id(session: Session, pool: Pool, rng: random.Random, published: bool = False) -> int | None:
        model = MODELS[pool]
        query = select(model.id)
        if published:
            query = query.where(model.status == Status.PUBLISHED)
        ids = list(session.scalars(query.order_by(model.id)))
        return rng.choice(ids) if ids else None

    def _viewer(self, session: Session, rng: random.Random) -> Viewer | None:
        kind = rng.randrange(4)
        if kind == 0:
            return None
        org = self._random_id(session, Pool.ORGANIZATION, rng)
        return Viewer(org_id=org, member=kind >= 2, staff=kind == 3 and rng.random() < 0.3)

    def _until_indexed(self, pool: Pool, record_id: int, started: float) -> None:
        """Wait (at most :data:`VISIBLE_WITHIN`, never past the deadline) until the index shows
        the record as the database has it now — its document, or its absence — and count how
        long that took. Writers so keep pace with the background work instead of piling it up,
        and the report says how soon a change is searchable."""
        with session_scope() as session:
            record = session.get(MODELS[pool], record_id)
            wanted = prepare(self.ctx, pool, record).doc if record is not None and record.status is Status.PUBLISHED else None
        until = min(self.deadline, time.monotonic() + VISIBLE_WITHIN)
        while not self.stop.is_set():
            try:
                index = self.ctx.load(pool)
            except IndexMissing:
                index = None
            row = index.row_of.get(record_id) if index is not None else None
            shown = index.docs[row] if index is not None and row is not None else None
            if shown == wanted:
                self.report.count("索引可见", time.perf_counter() - started)
                return
            if time.monotonic() >= until:
                self.report.count("索引可见超时")  # not an error: the comparison after the drain judges
                return
            self.stop.wait(0.05)

    # -- writes ------------------------------------------------------------------------------
    def import_sheet(self, rng: random.Random) -> None:
        """A sheet of new rows and changed copies of existing records, imported as a job."""
        pool = rng.choice(RECORD_POOLS)
        rows = self.world.reservoir.take(pool, rng.randint(2, 8))
        with session_scope() as session:
            ids = list(session.scalars(select(MODELS[pool].id)))
            for record_id in rng.sample(ids, min(len(ids), rng.randint(0, 2))):  # a sheet names a record once
                row = form_values(pool, self._record(session, pool, record_id))
                _change_text(pool, row, rng)
                rows.append(row)
        if not rows:
            return
        with self._lock:
            self._sheets += 1
            path = self.uploads / f"sheet-{self._sheets}.{rng.choice(('xlsx', 'csv'))}"
        write_sheet(path, pool, rows)
        job_id = dispatch.start_import(pool, str(path), self.world.staff_id)
        self.job_ids.append(job_id)
        self.report.count("导入")
        while time.monotonic() < self.deadline and not self.stop.is_set():
            job = jobs.get_job(job_id)
            if job is not None and job.get("state") in jobs.TERMINAL:
                return  # judged with every other job after the drain
            self.stop.wait(0.2)

    def create(self, rng: random.Random) -> None:
        pool = rng.choice(RECORD_POOLS)
        rows = self.world.reservoir.take(pool, 1)
        if not rows:
            return
        started = time.perf_counter()
        with session_scope() as session:
            saved = create_record(session, self._staff(session), pool, rows[0])
            if saved.errors or saved.record is None:
                raise AssertionError(f"新建{pool.label}未通过校验：{saved.errors}（数据：{rows[0]}）")
            record_id = saved.record.id
        self.report.count("新建")
        self._until_indexed(pool, record_id, started)

    def update(self, rng: random.Random) -> None:
        """Change a record's text, title, field, region or visibility, through its form."""
        pool = rng.choice(tuple(Pool))
        with session_scope() as session:
            record_id = self._random_id(session, pool, rng)
            if record_id is None:
                return
            record = self._record(session, pool, record_id)
            form = form_values(pool, record)
            change = rng.randrange(5)
            if change == 0 or pool is Pool.ORGANIZATION and change == 1:
                _change_text(pool, form, rng)
            elif change == 1:
                _change_title(pool, form, rng)
            elif change == 2:
                _set(pool, form, "field", rng.choice(FIELD_NAMES + ("",)))
            elif change == 3:
                _set(pool, form, "region_code", rng.choice(REGIONS))
            else:
                _set(pool, form, "visibility", rng.choice(VISIBILITIES))
            started = time.perf_counter()
            saved = update_record(session, self._staff(session), pool, record, form)
            if saved.errors:
                raise AssertionError(f"修改{pool.label} {record_id} 未通过校验：{saved.errors}")
        self.report.count("修改")
        self._until_indexed(pool, record_id, started)

    def delete(self, rng: random.Random) -> None:
        pool = rng.choice(RECORD_POOLS)
        with session_scope() as session:
            model = MODELS[pool]
            if (session.scalar(select(func.count()).select_from(model)) or 0) <= MIN_PER_POOL:
                return
            record_id = self._random_id(session, pool, rng)
            if record_id is None:
                return
            started = time.perf_counter()
            delete_record(session, self._staff(session), pool, self._record(session, pool, record_id))
        self.report.count("删除")
        self._until_indexed(pool, record_id, started)

    def review(self, rng: random.Random) -> None:
        """Decide one waiting item (a new record or a held edit): mostly approve."""
        with session_scope() as session:
            waiting = pending_records(session, limit=30)
            if not waiting:
                return
            item = rng.choice(waiting)
            decision = rng.choices(("approve", "reject", "request_changes"), (8, 1, 1))[0]
            reason = "" if decision == "approve" else "压力测试：请补充材料"
            started = time.perf_counter()
            if item.revision is not None:
                decide_revision(session, item.revision.id, decision, reason, self._staff(session))
            else:
                decide(session, item.pool, item.record.id, decision, reason, self._staff(session))
            pool, record_id = item.pool, item.record.id
        self.report.count("审核")
        self._until_indexed(pool, record_id, started)

    def rebuild(self, rng: random.Random) -> None:
        pool = rng.choice(tuple(Pool))
        self.job_ids.append(dispatch.start_rebuild(pool, self.world.staff_id))
        self.report.count("重建索引")

    # -- reads -------------------------------------------------------------------------------
    def search(self, rng: random.Random) -> None:
        pool = rng.choice(tuple(Pool))
        filters = Filters(
            fields=set(rng.sample(FIELD_NAMES, 3)) if rng.random() < 0.3 else None,
            region_prefix=rng.choice(("44", "4401", "50", None, None)),
            visibility={"public", "members"} if rng.random() < 0.5 else None,
            own_org_ids={rng.randrange(1, 200)} if rng.random() < 0.3 else (),
            exclude_ids=set(rng.sample(range(1, 400), 5)) if rng.random() < 0.3 else ())
        started = time.perf_counter()
        result = search(pool, rng.choice(QUERIES), 10, filters, ctx=self.ctx,
                        mode=rng.choice(("hybrid", "hybrid", "lexical", "semantic")))
        self.report.count("检索", time.perf_counter() - started)
        for hit in result.hits:
            if hit.semantic is not None and not -1.01 <= hit.semantic <= 1.01:
                raise AssertionError(f"{pool.label}检索得到不可能的相似度 {hit.semantic}（编号 {hit.id}）")

    def recommend(self, rng: random.Random) -> None:
        with session_scope() as session:
            viewer = self._viewer(session, rng)
            started = time.perf_counter()
            if rng.random() < 0.5:
                recommend_text(session, self.ctx, MatchQuery(text=rng.choice(QUERIES[:-1])), rng.choice(TEXT_DIRECTIONS),
                               viewer=viewer)
            else:
                pool = rng.choice(sorted({d.source for d in REGISTRY.values()}, key=lambda p: p.value))
                record_id = self._random_id(session, pool, rng, published=True)
                if record_id is None:
                    return
                choices = directions_for(self._record(session, pool, record_id))
                if not choices:
                    return
                recommend(session, self.ctx, pool, record_id, rng.choice(choices).key, viewer=viewer)
            self.report.count("推荐", time.perf_counter() - started)

    def page(self, rng: random.Random) -> None:
        with session_scope() as session:
            pool = rng.choice(tuple(Pool))
            record_id = self._random_id(session, pool, rng) or 1
        q = urllib.parse.quote(rng.choice(QUERIES))
        url = rng.choice((f"/?q={q}", f"/?q={q}&pool={pool.value}", f"/api/v1/search?q={q}",
                          f"/pool/{pool.value}?page=1", f"/pool/{pool.value}/{record_id}",
                          f"/api/v1/pools/{pool.value}/{record_id}", f"/api/v1/search?q={q}&pool={pool.value}"))
        started = time.perf_counter()
        status, body = self.web.get(url)
        self.report.count("网页", time.perf_counter() - started)
        if status >= 500 or status == 0:
            raise AssertionError(f"GET {url} → {status or '无应答'}：{body[:500]}")


def _set(pool: Pool, form: dict[str, str], attr: str, value: str) -> None:
    """Put ``value`` in the column of ``attr`` (a required column is never blanked)."""
    column = next(c for c in columns_of(pool) if c.attr == attr)
    if value or not column.required:
        form[column.header] = value


def _change_text(pool: Pool, form: dict[str, str], rng: random.Random) -> None:
    """Append a phrase to the record's description."""
    column = next(c for c in columns_of(pool) if c.attr == "description")
    form[column.header] = (form.get(column.header, "") + rng.choice(PHRASES))[:2000]


def _change_title(pool: Pool, form: dict[str, str], rng: random.Random) -> None:
    header = TITLE_COLUMNS[pool]
    words = ("工业互联网", "智能检测", "绿色制造", "数字孪生")
    value = form.get(header, "")
    if header in LIST_COLUMNS:
        form[header] = "、".join(dict.fromkeys([*filter(None, value.split("、")), rng.choice(words)]))
    else:
        form[header] = (value.split("（")[0] + f"（{rng.choice(words)}）")[:100]
