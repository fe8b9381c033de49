"""合作记录: recording an agreement (directly or from an accepted application, an accepted practice
proposal or a granted contact), logging activity and answering the other side's, closing, the
lists and the Excel export. Forms and JSON bodies are read here (one parser for both); each
action is committed."""

from __future__ import annotations

import datetime as dt
import re
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.access import MAX_ID, ORG_REPRESENTATIVES
from werkzeug.datastructures import FileStorage

from data.enums import ActivityStatus, ActivityUnit, AgreementKind, AgreementStatus, AuditAction, OrgKind
from data.errors import Malformed, NotAllowed
from data.models import Activity, Agreement, Organization, User
from data.sheets.rows import parse_date
from data.sheets.tabular import TableError, read_table, write_table
from data.workflows import agreements as ag
from data.workflows.agreements import PAID_KINDS, PARTNER_KINDS, UNITS, AgreementError, Totals
from data.workflows.audit import audit
from web.services.uploads import save_upload

SOURCES = ("application", "proposal", "contact")
_DIGITS = re.compile(r"[0-9]{1,20}")


def number_text(value: object) -> str:
    """A quantity or amount as people write it: 2, 1.5, 100 (two decimals at most)."""
    try:
        number = Decimal(str(value)).quantize(Decimal("0.01"))
    except ArithmeticError:
        return str(value)
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


# -- reading a form or a JSON body ----------------------------------------------------------------

def _text(values: Mapping[str, Any], name: str) -> str:
    value = values.get(name)
    return "" if value is None else str(value)


def _id(values: Mapping[str, Any], name: str, label: str) -> int:
    """A positive id (a JSON integer or ASCII digits), else an error naming the field."""
    value = values.get(name)
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    if number is None or not 0 < number <= MAX_ID:
        raise AgreementError(name, f"「{label}」应为单位库中的编号（正整数）")
    return number


def _date(values: Mapping[str, Any], name: str, label: str) -> dt.date | None:
    text = _text(values, name).strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError:
        raise AgreementError(name, f"「{label}」应为日期，如 2027-07-01") from None


def _own_org(session: Session, user: User) -> Organization | None:
    if user.role.is_staff or user.org_id is None:
        return None
    return session.get(Organization, user.org_id)


def form_choices(session: Session, user: User) -> dict[str, Any]:
    """What the 记录合作 form offers: the kinds, which of them carry an amount, which party the
    user fills in (their own organization is the other one; staff fill in both)."""
    own = _own_org(session, user)
    if user.role.is_staff:
        ask = "both"
    elif own is None or user.role not in ORG_REPRESENTATIVES:
        ask = "none"
    else:
        ask = "partner" if own.kind is OrgKind.ENTERPRISE else "enterprise"
    return {"kinds": list(AgreementKind), "paid_kinds": PAID_KINDS, "own_org": own, "ask": ask}


# -- lists and details ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Row:
    """An agreement with its confirmed activity, as the list and the export show it."""

    agreement: Agreement
    confirmed: dict[ActivityUnit, Decimal]


def _confirmed(session: Session, ids: list[int]) -> dict[int, dict[ActivityUnit, Decimal]]:
    found: dict[int, dict[ActivityUnit, Decimal]] = {i: {} for i in ids}
    if not ids:
        return found
    for activity in session.scalars(select(Activity).where(Activity.agreement_id.in_(ids),
                                                           Activity.status == ActivityStatus.CONFIRMED)):
        units = found[activity.agreement_id]
        units[activity.unit] = units.get(activity.unit, Decimal(0)) + activity.quantity
    return found


def agreement_rows(session: Session, user: User) -> list[Row]:
    """The agreements the user sees (``agreements_for``), each with its confirmed totals."""
    found = ag.agreements_for(session, user)
    confirmed = _confirmed(session, [a.id for a in found])
    return [Row(a, confirmed[a.id]) for a in found]


def agreements_page(session: Session, user: User) -> dict[str, Any]:
    """Everything ``agreements.html`` shows."""
    return {"rows": agreement_rows(session, user), **form_choices(session, user)}


def agreement_page(session: Session, user: User, agreement_id: int) -> dict[str, Any]:
    """Everything ``agreement.html`` shows (NotFound for anyone who may not see it)."""
    agreement, side = ag.get_agreement(session, user, agreement_id)
    activities = ag.activities_of(session, user, agreement_id)
    people = {u.id: u for u in session.scalars(select(User).where(User.id.in_(
        {a.entered_by_id for a in activities if a.entered_by_id} | {a.answered_by_id for a in activities if a.answered_by_id})))}
    party = side in ("enterprise", "partner", "staff")
    answerable = {a.id for a in activities if a.status is ActivityStatus.PENDING and party
                  and (side == "staff" or a.entered_by_org_id != user.org_id)}
    return {"agreement": agreement, "side": side, "activities": activities, "people": people, "party": party,
            "answerable": answerable, "units": list(UNITS.get(agreement.kind, tuple(ActivityUnit))),
            "confirmed": _confirmed(session, [agreement.id])[agreement.id]}


# -- actions ---------------------------------------------------------------------------------------

def _must_speak_for_org(user: User) -> None:
    """Only an organization's representatives (enterprise and college users) and staff record
    agreements: a student or an expert of a college does not speak for it."""
    if not user.role.is_staff and (user.role not in ORG_REPRESENTATIVES or user.org_id is None):
        raise NotAllowed("enterprise_id", "只有企业、院校用户或秘书处可以记录合作")


def record(session: Session, user: User, values: Mapping[str, Any]) -> Agreement:
    """Record an agreement from a form or JSON: the user's own organization is one party and
    ``partner_id`` or ``enterprise_id`` names the other (staff give both); committed."""
    _must_speak_for_org(user)
    own = _own_org(session, user)
    if own is None:
        enterprise_id = _id(values, "enterprise_id", "企业编号")
        partner_id = _id(values, "partner_id", "院校或科研院所编号")
    elif own.kind is OrgKind.ENTERPRISE:
        enterprise_id, partner_id = own.id, _id(values, "partner_id", "院校或科研院所编号")
    else:
        enterprise_id, partner_id = _id(values, "enterprise_id", "企业编号"), own.id
    agreement = ag.record_agreement(session, user, _text(values, "kind"), _text(values, "title"), enterprise_id,
                                    partner_id, start=_date(values, "start_date", "开始日期"),
                                    end=_date(values, "end_date", "结束日期"), amount=values.get("amount_wan"),
                                    note=_text(values, "note"))
    session.commit()
    return agreement


def record_from(session: Session, user: User, source: str, source_id: int, values: Mapping[str, Any]) -> Agreement:
    """Make the agreement of an accepted application, an accepted proposal or a granted contact
    (the last with the kind and title from ``values``); committed."""
    _must_speak_for_org(user)
    if source == "application":
        agreement = ag.from_application(session, user, source_id)
    elif source == "proposal":
        agreement = ag.from_proposal(session, user, source_id)
    elif source == "contact":
        agreement = ag.from_contact(session, user, source_id, _text(values, "kind"), _text(values, "title"),
                                    start=_date(values, "start_date", "开始日期"), end=_date(values, "end_date", "结束日期"),
                                    amount=values.get("amount_wan"), note=_text(values, "note"))
    else:
        raise AgreementError("source", f"来源应为以下之一：{'、'.join(SOURCES)}")
    session.commit()
    return agreement


def log(session: Session, user: User, agreement_id: int, values: Mapping[str, Any]) -> Activity:
    """Log activity on an agreement (waits for the other party); committed."""
    quantity = values.get("quantity")
    activity = ag.log_activity(session, user, agreement_id, _text(values, "unit"),
                               "" if quantity is None or isinstance(quantity, bool) else quantity,
                               _date(values, "period_start", "开始日期"), _date(values, "period_end", "结束日期"),
                               _text(values, "note"))
    session.commit()
    return activity


def answer(session: Session, user: User, activity_id: int, confirm: bool, note: str) -> Activity:
    """Confirm the other party's activity or dispute it (with a note); committed."""
    activity = ag.answer_activity(session, user, activity_id, confirm, note)
    session.commit()
    return activity


def close(session: Session, user: User, agreement_id: int) -> Agreement:
    agreement = ag.close_agreement(session, user, agreement_id)
    session.commit()
    return agreement


# -- export and the dashboard ----------------------------------------------------------------------

EXPORT_HEADERS = ("编号", "合作类型", "合作名称", "企业", "院校或科研院所", "涉及人员", "来源", "开始日期", "结束日期",
                  "金额（万元）", "状态", *(f"已确认{u.label}" for u in ActivityUnit), "备注", "记录时间")
SOURCE_LABELS = {"application": "实习录用", "proposal": "教师企业实践推荐", "contact": "联系申请"}


def export_rows(rows: list[Row]) -> list[list[Any]]:
    return [[a.id, a.kind.label, a.title, a.enterprise.name, a.partner.name, a.person_name or None,
             SOURCE_LABELS.get(a.source_kind or "", "直接记录"), a.start_date, a.end_date,
             float(a.amount_wan) if a.amount_wan is not None else None, a.status.label,
             *(float(row.confirmed[u]) if u in row.confirmed else None for u in ActivityUnit), a.note or None,
             a.created_at.replace(tzinfo=None) if a.created_at else None]
            for row in rows for a in (row.agreement,)]


def export(session: Session, user: User) -> bytes:
    """The agreements the user sees (staff: all) as an .xlsx file; the export is audited and committed."""
    rows = agreement_rows(session, user) if not user.role.is_staff else _all_rows(session)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "agreements.xlsx"
        write_table(path, EXPORT_HEADERS, export_rows(rows))
        data = path.read_bytes()
    audit(session, user, AuditAction.EXPORT, "agreement", None, f"导出合作记录 {len(rows)} 条", after={"条数": len(rows)})
    session.commit()
    return data


def _all_rows(session: Session) -> list[Row]:
    found = list(session.scalars(select(Agreement).order_by(Agreement.id.desc())))
    confirmed = _confirmed(session, [a.id for a in found])
    return [Row(a, confirmed[a.id]) for a in found]


def alliance_totals(session: Session) -> Totals:
    """The alliance's confirmed figures (for the staff dashboard)."""
    return ag.totals(session)


# -- import (staff) ----------------------------------------------------------------------------------

MAX_IMPORT_ERRORS = 10


def _cell_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _org_named(session: Session, name: str, kinds: tuple[OrgKind, ...], header: str) -> Organization:
    org = session.scalars(select(Organization).where(Organization.name == name, Organization.kind.in_(kinds))
                          .order_by(Organization.id).limit(1)).first()
    if org is None:
        raise AgreementError(header, f"单位库中没有名为「{name[:50]}」的{'企业' if kinds == (OrgKind.ENTERPRISE,) else '院校或科研院所'}")
    return org


def _import_row(session: Session, user: User, row: dict[str, Any]) -> bool:
    """Create or (by its 编号) update one agreement from a row of the export layout; True when created.
    Raises AgreementError naming the column."""
    def cell_date(header: str) -> dt.date | None:
        value = row.get(header)
        if value is None or _cell_text(value) == "":
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            raise AgreementError(header, str(exc)) from None

    enterprise = _org_named(session, _cell_text(row.get("企业")), (OrgKind.ENTERPRISE,), "企业")
    partner = _org_named(session, _cell_text(row.get("院校或科研院所")), PARTNER_KINDS, "院校或科研院所")
    start, end = cell_date("开始日期"), cell_date("结束日期")
    number = _cell_text(row.get("编号"))
    existing = session.get(Agreement, int(number)) if _DIGITS.fullmatch(number) and 0 < int(number) <= MAX_ID else None
    if existing is None:
        ag.record_agreement(session, user, _cell_text(row.get("合作类型")), _cell_text(row.get("合作名称")), enterprise.id,
                            partner.id, start=start, end=end, amount=row.get("金额（万元）"), note=_cell_text(row.get("备注")))
        return True
    try:
        kind = AgreementKind.parse(_cell_text(row.get("合作类型")))
    except ValueError as exc:
        raise AgreementError("合作类型", str(exc)) from None
    title = _cell_text(row.get("合作名称"))
    if not title or len(title) > 200:
        raise AgreementError("合作名称", "必填，不超过 200 个字")
    if start is not None and end is not None and end < start:
        raise AgreementError("结束日期", "结束日期不能早于开始日期")
    status = _cell_text(row.get("状态"))
    try:
        existing.status = AgreementStatus.parse(status) if status else existing.status
    except ValueError as exc:
        raise AgreementError("状态", str(exc)) from None
    existing.kind, existing.title, existing.enterprise_id, existing.partner_id = kind, title, enterprise.id, partner.id
    existing.start_date, existing.end_date = start, end
    existing.amount_wan = ag.parse_amount(row.get("金额（万元）"), kind)
    existing.note = _cell_text(row.get("备注"))[:2000]
    return False


def import_sheet(session: Session, user: User, upload: FileStorage | None) -> tuple[int, int]:
    """Staff import agreements from a sheet in the export layout: a row whose 编号 is an existing
    agreement updates it, any other row creates one; the parties are named as in the 单位库.
    Every row is checked first: all rows are imported, or none (the error names the row and
    column). Activity is not imported (it is logged and confirmed). Returns (created, updated)."""
    if not user.role.is_staff:
        raise NotAllowed("file", "只有秘书处可以导入合作记录")
    path, _, _ = save_upload(upload)
    try:
        table = read_table(path, list(EXPORT_HEADERS))
    except TableError as exc:
        raise Malformed("file", f"无法导入合作记录：{exc}") from None
    finally:
        path.unlink(missing_ok=True)
    errors: list[str] = []
    created = updated = 0
    for number, row in table.rows:
        try:  # a failed row may leave changes behind: nothing is kept when any row fails
            if _import_row(session, user, row):
                created += 1
            else:
                updated += 1
        except AgreementError as exc:
            errors.append(f"第{number}行 「{_column_label(exc.field)}」：{exc}")
            if len(errors) >= MAX_IMPORT_ERRORS:
                break
    if errors:
        session.rollback()
        raise AgreementError("file", "没有导入任何记录，请修改后重新上传：" + "；".join(errors))
    audit(session, user, AuditAction.IMPORT, "agreement", None, f"导入合作记录：新建 {created} 条，更新 {updated} 条",
          after={"新建": created, "更新": updated})
    session.commit()
    return created, updated


_COLUMN_OF_FIELD = {"kind": "合作类型", "title": "合作名称", "amount_wan": "金额（万元）", "end_date": "结束日期",
                    "enterprise_id": "企业", "partner_id": "院校或科研院所"}


def _column_label(field: str) -> str:
    return _COLUMN_OF_FIELD.get(field, field)
