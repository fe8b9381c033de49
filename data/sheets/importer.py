"""Import a pool from rows or a spreadsheet: validate every row, then write all or nothing."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Select, null, select
from sqlalchemy.orm import Session

from data.enums import AuditAction, Status
from data.keys import natural_key, normalize_name
from data.models import MODELS, Organization, OwnedRecord, PoolRecord, User
from data.pools import Pool
from data.sheets.columns import EXAMPLE_MARK, Kind, columns_of, header_map
from data.sheets.rows import validate_row
from data.sheets.tabular import read_table
from data.workflows.audit import audit
from data.workflows.records import form_text, held_for_review, hold_revision, resubmitted

Progress = Callable[[int, int], object]  # (rows done, rows total); what it returns is ignored
_CHUNK = 500


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        if self.column:
            return f"第{self.row}行 「{self.column}」: {self.message}"
        return f"第{self.row}行: {self.message}"


@dataclass
class ImportReport:
    pool: Pool
    dry_run: bool
    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    held: int = 0  # changes of published records, held as revisions for review
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)
    ids: list[int] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if self.errors:
            return f"发现 {len(self.errors)} 处错误，未写入任何数据"
        verb = "校验通过（试运行，未写入）" if self.dry_run else "导入完成"
        return (
            f"{verb}：共 {self.total} 行，新增 {self.created}，更新 {self.updated}，"
            + (f"修改待审核 {self.held}，" if self.held else "")
            + f"未变 {self.unchanged}，跳过示例行 {self.skipped}"
        )


def import_file(
    session: Session,
    pool: Pool,
    path: Path,
    *,
    dry_run: bool = False,
    status: Status | None = None,
    progress: Progress | None = None,
    actor: User | None = None,
    name: str | None = None,
) -> ImportReport:
    """Read and import a .xlsx/.csv file; :class:`data.sheets.tabular.TableError` for unreadable files.

    A successful import (not a dry run) is written to the audit log under ``actor`` (None: the CLI).
    ``name`` is the file's name as the user knows it (an upload is kept under a name of its own);
    the records' source and the audit log say it.
    """
    name = Path(name or path).name
    table = read_table(Path(path), list(header_map(pool)))
    missing = [c.header for c in columns_of(pool) if c.required and c.header not in table.headers]
    report = ImportReport(pool=pool, dry_run=dry_run, total=len(table.rows))
    if missing:
        report.errors.append(RowError(1, "", f"缺少必填列：{'、'.join(missing)}"))
        return report
    cell_errors = [RowError(n, h, m) for n, h, m in table.cell_errors]
    report = import_rows(
        session, pool, table.rows, dry_run=dry_run, status=status, progress=progress,
        source=f"import:{name}"[:200], extra_errors=cell_errors, present=table.headers, actor=actor,
    )
    if report.ok and not dry_run:
        audit(session, actor, AuditAction.IMPORT, pool.value, None, f"{name}：{report.summary()}",
              after={"新增": report.created, "更新": report.updated, "修改待审核": report.held, "未变": report.unchanged,
                     "记录编号": report.ids[:1000]})
    return report


def import_rows(
    session: Session,
    pool: Pool,
    rows: Sequence[tuple[int, dict[str, Any]]],
    *,
    dry_run: bool = False,
    status: Status | None = None,
    progress: Progress | None = None,
    source: str = "import",
    extra_errors: Iterable[RowError] = (),
    present: Iterable[str] | None = None,
    actor: User | None = None,
) -> ImportReport:
    """Import rows given as (row number, {header: cell}).

    Every row is validated first. If any row has an error nothing is written and the report
    lists every error; otherwise all rows are created or updated (matched by natural key) in
    the caller's transaction. ``present`` names the columns the file had: columns it lacks
    are left as they are on update. ``status``: see :func:`_write`; ``actor`` authors held edits.
    """
    report = ImportReport(pool=pool, dry_run=dry_run, total=len(rows), errors=list(extra_errors))
    present_attrs = {
        c.attr for c in columns_of(pool) if present is None or c.header in set(present)
    }
    unreadable, given = {(e.row, e.column) for e in report.errors}, len(report.errors)
    parsed = _validate(pool, rows, report)  # a formula's or a NUL's cell keeps that message only
    report.errors = [e for i, e in enumerate(report.errors) if i < given or (e.row, e.column) not in unreadable]
    if pool is not Pool.ORGANIZATION:
        # Rows with other errors have their organization checked too, so one upload lists everything.
        _resolve_orgs(session, parsed + _org_cells_of_failed_rows(pool, rows, parsed, report), report)
    keyed = _key_rows(pool, parsed, report)
    if report.errors:
        report.errors.sort(key=lambda e: e.row)
        return report
    _write(session, pool, keyed, report, present_attrs, status, source, progress, actor)
    return report


def _validate(
    pool: Pool, rows: Sequence[tuple[int, dict[str, Any]]], report: ImportReport
) -> list[tuple[int, dict[str, Any]]]:
    parsed = []
    for number, raw in rows:
        if raw.get("外部编号") == EXAMPLE_MARK:
            report.skipped += 1
            continue
        values, errors = validate_row(pool, raw)
        report.errors.extend(RowError(number, h, m) for h, m in errors)
        if not errors:
            parsed.append((number, values))
    return parsed


def _org_cells_of_failed_rows(pool: Pool, rows: Sequence[tuple[int, dict[str, Any]]],
                              parsed: list[tuple[int, dict[str, Any]]], report: ImportReport) -> list[tuple[int, dict[str, Any]]]:
    """(row, {"owner_org_id": name}) of rows that failed validation for other columns than their
    organization; resolving these only reports (their values are not written)."""
    header = next(c.header for c in columns_of(pool) if c.kind is Kind.ORG)
    ok = {number for number, _ in parsed}
    bad_org = {e.row for e in report.errors if e.column == header}
    cells = []
    for number, raw in rows:
        name = raw.get(header)
        if number not in ok and number not in bad_org and raw.get("外部编号") != EXAMPLE_MARK \
                and isinstance(name, str) and name.strip():
            cells.append((number, {"owner_org_id": name.strip()}))
    return cells


def _resolve_orgs(session: Session, parsed: list[tuple[int, dict[str, Any]]], report: ImportReport) -> None:
    """Replace organization names by ids; unknown names are row errors."""
    org_header = next(c.header for c in columns_of(report.pool) if c.kind is Kind.ORG)
    wanted = {normalize_name(values["owner_org_id"]) for _, values in parsed}
    by_name: dict[str, list[Organization]] = {}
    for org in session.scalars(select(Organization)):
        key = normalize_name(org.name)
        if key in wanted:
            by_name.setdefault(key, []).append(org)
    for number, values in parsed:
        name = values["owner_org_id"]
        found = by_name.get(normalize_name(name), [])
        if len(found) != 1:
            reason = "不存在，请先在组织库中导入该单位" if not found else "对应多个单位，请在组织库中合并"
            report.errors.append(RowError(number, org_header, f"单位「{name}」{reason}"))
            continue
        values["owner_org_id"] = found[0].id
        values["_org_name"] = found[0].name


def _key_rows(
    pool: Pool, parsed: list[tuple[int, dict[str, Any]]], report: ImportReport
) -> list[tuple[int, str, dict[str, Any]]]:
    seen: dict[str, int] = {}
    keyed = []
    for number, values in parsed:
        if "owner_org_id" in values and not isinstance(values["owner_org_id"], int):
            continue  # its organization was not found; already reported
        key = natural_key(values["name"], values.pop("_org_name", None), values.get("source_id"))
        if key in seen:
            report.errors.append(
                RowError(number, "", f"与第{seen[key]}行是同一条记录（外部编号相同，或名称与单位都相同）")
            )
            continue
        seen[key] = number
        keyed.append((number, key, values))
    return keyed


def _write(
    session: Session,
    pool: Pool,
    keyed: list[tuple[int, str, dict[str, Any]]],
    report: ImportReport,
    present_attrs: set[str],
    status: Status | None,
    source: str,
    progress: Progress | None,
    actor: User | None,
) -> None:
    """Create new rows and change existing ones by the edit form's rules (``data.workflows.records``).

    A dry run takes every decision a write takes (it only skips the writing), so a preview
    reports exactly what the import will do. With a requested ``status`` (an import for
    review), new rows get it and an existing record keeps its own: a changed published record
    is held as a revision, a changed draft or rejected one is resubmitted, an unchanged row is
    left alone.
    """
    model = MODELS[pool]
    review = status is not None and status is not Status.PUBLISHED
    existing = _existing(session, pool, [key for _, key, _ in keyed])
    records = []
    write = not report.dry_run
    for done, (_, key, values) in enumerate(keyed, start=1):
        values = {k: v for k, v in values.items() if k in present_attrs}
        record = existing.get(key)
        if record is None:
            if status is not None:
                values["status"] = status
            report.created += 1
            if write:
                record = model(natural_key=key, source=source, **{k: v for k, v in values.items() if v is not None})
                session.add(record)
                records.append(record)
        else:
            if status is not None:
                values.pop("status", None)  # the requested status is for new rows only
            changes = _changes(record, values)
            if not changes:
                report.unchanged += 1
            elif held_for_review(actor, record, review):
                report.held += 1
                if write:
                    hold_revision(session, actor, pool, record, form_text(session, pool, changes))
            else:
                report.updated += 1
                if write:
                    if resubmitted(actor, record, review):
                        changes["status"] = status if status is not None else Status.PENDING
                    for attr, value in changes.items():
                        setattr(record, attr, value)
            if write:
                records.append(record)
        if progress is not None and (done % 100 == 0 or done == len(keyed)):
            progress(done, len(keyed))
    if write:
        session.flush()
        report.ids = [r.id for r in records]


def _existing(session: Session, pool: Pool, keys: list[str]) -> dict[str, PoolRecord]:
    """The records the rows' keys name: by natural key, else by the key the record's own name,
    organization and 外部编号 give (a profile keyed by its account, a record keyed before the
    rule): an exported row finds its record again, whatever that record's stored key."""
    model = MODELS[pool]
    existing: dict[str, PoolRecord] = {}
    for i in range(0, len(keys), _CHUNK):
        chunk = keys[i : i + _CHUNK]
        existing.update((r.natural_key, r) for r in session.scalars(select(model).where(model.natural_key.in_(chunk))))
    missing = set(keys) - set(existing)
    if not missing:
        return existing
    if issubclass(model, OwnedRecord):
        query: Select[*tuple[Any, ...]] = select(
            model.id, model.name, model.source_id, model.natural_key, Organization.name).join(
            Organization, model.owner_org_id == Organization.id)
    else:
        query = select(model.id, model.name, model.source_id, model.natural_key, null())
    derived: dict[str, list[int]] = {}
    for record_id, name, source_id, stored, org_name in session.execute(query):
        key = natural_key(name, org_name, source_id)
        if key in missing and key != stored:
            derived.setdefault(key, []).append(record_id)
    taken = {r.id for r in existing.values()}
    for key, ids in derived.items():
        if len(ids) == 1 and ids[0] not in taken:  # two records giving one key: leave it to a new row's clash
            record = session.get(model, ids[0])
            if record is not None:  # read a moment ago in this transaction
                existing[key] = record
    return existing


def _changes(record: PoolRecord, values: dict[str, Any]) -> dict[str, Any]:
    """The attributes that differ; a blank cell keeps a non-nullable column as it was."""
    table = record.__table__
    return {
        attr: value
        for attr, value in values.items()
        if not (value is None and not table.c[attr].nullable) and getattr(record, attr) != value
    }
