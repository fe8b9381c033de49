"""合作记录 (agreements) and their logged activity.

An accepted application, an accepted practice proposal or a granted contact becomes an
agreement between an enterprise and a college or institute (and the person it is about); the
parties or staff may also record one directly. Either party logs activity on it — hours taught,
person-months of practice or internship, trainee-days — and the other party confirms it (staff
may confirm any); only confirmed activity counts. The parties, the person and staff see an
agreement; nobody else does.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.orm import Session

from data.access import MAX_ID, ORG_REPRESENTATIVES, pool_of
from data.enums import (ActivityStatus, ActivityUnit, AgreementKind, AgreementStatus, ApplicationStatus, ContactStatus,
                        NotificationKind, OrgKind, ProposalStatus)
from data.errors import FieldError, NotAllowed, NotFound
from data.models import (MODELS, Activity, Agreement, Application, ContactRequest, Organization, PoolRecord,
                         PracticeProposal, User, owner_org_id)
from data.models.base import utcnow
from data.pools import Pool
from data.sheets.rows import typed_text
from data.workflows.notifications import notify, org_users

PARTNER_KINDS = (OrgKind.COLLEGE, OrgKind.INDUSTRY_COLLEGE, OrgKind.INSTITUTE)
# The units each kind logs (a kind not listed logs any).
UNITS: dict[AgreementKind, tuple[ActivityUnit, ...]] = {
    AgreementKind.INTERNSHIP: (ActivityUnit.INTERNSHIP_MONTHS,),
    AgreementKind.APPRENTICESHIP: (ActivityUnit.INTERNSHIP_MONTHS, ActivityUnit.TRAINEE_DAYS),
    AgreementKind.PART_TIME_TEACHER: (ActivityUnit.TEACHING_HOURS,),
    AgreementKind.TEACHER_PRACTICE: (ActivityUnit.PRACTICE_MONTHS,),
    AgreementKind.CO_COURSE: (ActivityUnit.TEACHING_HOURS,),
    AgreementKind.STAFF_TRAINING: (ActivityUnit.TRAINEE_DAYS, ActivityUnit.TEACHING_HOURS),
}
# Kinds with money agreed (万元); the others have no amount.
PAID_KINDS = (AgreementKind.HORIZONTAL, AgreementKind.TRANSFER, AgreementKind.LICENSE, AgreementKind.EQUITY,
              AgreementKind.CONSULTING, AgreementKind.STAFF_TRAINING, AgreementKind.CO_TRAINING_BASE,
              AgreementKind.CO_COLLEGE)
MAX_QUANTITY = Decimal("100000")
MAX_AMOUNT = Decimal("9999999999")


class AgreementError(FieldError):
    pass


# -- who sees and who acts ------------------------------------------------------------------

def side_of(session: Session, user: User, agreement: Agreement) -> str | None:
    """"enterprise" or "partner" for a party's representatives, "staff", "person" for the
    teacher or student it is about; None for anyone else."""
    if user.role.is_staff:
        return "staff"
    if user.org_id is not None and user.role in ORG_REPRESENTATIVES:
        if user.org_id == agreement.enterprise_id:
            return "enterprise"
        if user.org_id == agreement.partner_id:
            return "partner"
    if agreement.person_pool is not None and agreement.person_id is not None:
        person = session.get(MODELS[Pool.parse(agreement.person_pool)], agreement.person_id)
        if person is not None and getattr(person, "user_id", None) == user.id:
            return "person"
    return None


def visible_to(user: User) -> ColumnElement[bool]:
    """The agreements ``user`` sees, as a query condition (the person's own are added by id)."""
    if user.role.is_staff:
        return Agreement.id.is_not(None)
    if user.org_id is None or user.role not in ORG_REPRESENTATIVES:
        return false()
    return or_(Agreement.enterprise_id == user.org_id, Agreement.partner_id == user.org_id)


def agreements_for(session: Session, user: User, limit: int = 500) -> list[Agreement]:
    """Agreements the user is a party of (or staff: all; a person: those about them)."""
    found = list(session.scalars(select(Agreement).where(visible_to(user)).order_by(Agreement.id.desc()).limit(limit)))
    own = _own_person_records(session, user)
    if own:
        about = session.scalars(select(Agreement).where(or_(*[(Agreement.person_pool == p) & (Agreement.person_id == i)
                                                              for p, i in own])).order_by(Agreement.id.desc()))
        seen = {a.id for a in found}
        found += [a for a in about if a.id not in seen]
    return found


def _own_person_records(session: Session, user: User) -> list[tuple[str, int]]:
    own = []
    for pool in (Pool.TEACHER, Pool.EXPERT, Pool.TALENT):
        model = MODELS[pool]
        own += [(pool.value, i) for i in session.scalars(select(model.id).where(getattr(model, "user_id") == user.id))]
    return own


def get_agreement(session: Session, user: User, agreement_id: int) -> tuple[Agreement, str]:
    agreement = session.get(Agreement, agreement_id) if 0 < agreement_id <= MAX_ID else None
    side = side_of(session, user, agreement) if agreement is not None else None
    if agreement is None or side is None:
        raise NotFound("agreement_id", f"没有编号为 {agreement_id} 的您可查看的合作记录")
    return agreement, side


# -- recording an agreement -------------------------------------------------------------------

def parse_amount(value: object, kind: AgreementKind) -> Decimal | None:
    text = str(value).strip() if value is not None else ""
    if not text:
        return None
    if kind not in PAID_KINDS:
        raise AgreementError("amount_wan", f"「{kind.label}」不填金额")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise AgreementError("amount_wan", "金额应为数字（万元），如 12.5") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise AgreementError("amount_wan", "金额应为不小于 0 的数字（万元）")
    return amount.quantize(Decimal("0.01"))


def _period(start: dt.date | None, end: dt.date | None) -> None:
    if start is not None and end is not None and end < start:
        raise AgreementError("end_date", "结束日期不能早于开始日期")


def _parties(session: Session, enterprise_id: int, partner_id: int) -> tuple[Organization, Organization]:
    enterprise = session.get(Organization, enterprise_id) if 0 < enterprise_id <= MAX_ID else None
    if enterprise is None or enterprise.kind is not OrgKind.ENTERPRISE:
        raise AgreementError("enterprise_id", f"单位库中没有编号为 {enterprise_id} 的企业")
    partner = session.get(Organization, partner_id) if 0 < partner_id <= MAX_ID else None
    if partner is None or partner.kind not in PARTNER_KINDS:
        raise AgreementError("partner_id", f"单位库中没有编号为 {partner_id} 的院校或科研院所")
    return enterprise, partner


def record_agreement(session: Session, user: User, kind: str, title: str, enterprise_id: int, partner_id: int, *,
                     person: PoolRecord | None = None, start: dt.date | None = None, end: dt.date | None = None,
                     amount: object = None, note: str = "", source: tuple[str, int] | None = None) -> Agreement:
    """A party (or staff) records an agreement; the other party is told."""
    try:
        chosen = AgreementKind.parse(kind)
    except ValueError as exc:
        raise AgreementError("kind", f"合作类型{exc}") from None
    title = typed_text(title, "title", "请填写合作名称，如「2027年暑期PLC实习」", max_len=200, error=AgreementError)
    enterprise, partner = _parties(session, enterprise_id, partner_id)
    if not user.role.is_staff and user.org_id not in (enterprise.id, partner.id):
        raise NotAllowed("enterprise_id", "只能记录本单位参与的合作")
    _period(start, end)
    if source is not None:
        existing = session.scalar(select(Agreement).where(Agreement.source_kind == source[0],
                                                          Agreement.source_id == source[1]))
        if existing is not None:
            raise AgreementError("source", f"已据此建立合作记录「{existing.title}」")
    agreement = Agreement(kind=chosen, title=title, enterprise_id=enterprise.id, partner_id=partner.id,
                          person_pool=pool_of(person).value if person else None, person_id=person.id if person else None,
                          person_name=person.name if person else "", source_kind=source[0] if source else None,
                          source_id=source[1] if source else None, start_date=start, end_date=end,
                          amount_wan=parse_amount(amount, chosen), note=(note or "").strip()[:2000],
                          created_by_id=user.id)
    session.add(agreement)
    session.flush()
    other = partner.id if user.org_id == enterprise.id else enterprise.id
    told = org_users(session, other) if not user.role.is_staff else [*org_users(session, enterprise.id), *org_users(session, partner.id)]
    notify(session, told, NotificationKind.AGREEMENT, f"新的合作记录：{chosen.label}「{title}」",
           f"{enterprise.name} × {partner.name}" + (f"，{agreement.person_name}" if agreement.person_name else ""),
           f"/agreements/{agreement.id}")
    return agreement


def from_application(session: Session, user: User, application_id: int) -> Agreement:
    """An internship the student accepted becomes a 实习 agreement (the post's enterprise, the
    student's school)."""
    application = session.get(Application, application_id) if 0 < application_id <= MAX_ID else None
    if application is None or application.status is not ApplicationStatus.CONFIRMED:
        raise AgreementError("application_id", f"没有编号为 {application_id} 的学生已接受的录用")
    post, talent = application.internship, application.talent
    return record_agreement(session, user, AgreementKind.INTERNSHIP.value, f"{post.name}（{talent.name}）",
                            post.owner_org_id, talent.owner_org_id, person=talent, start=post.start_date,
                            end=post.end_date, source=("application", application.id))


def from_proposal(session: Session, user: User, proposal_id: int) -> Agreement:
    """A practice proposal the enterprise accepted becomes a 教师企业实践 agreement."""
    proposal = session.get(PracticeProposal, proposal_id) if 0 < proposal_id <= MAX_ID else None
    if proposal is None or proposal.status is not ProposalStatus.ACCEPTED:
        raise AgreementError("proposal_id", f"没有编号为 {proposal_id} 的企业已接受的实践推荐")
    teacher = proposal.teacher
    return record_agreement(session, user, AgreementKind.TEACHER_PRACTICE.value, f"{teacher.name}到{proposal.enterprise.name}实践",
                            proposal.enterprise_id, teacher.owner_org_id, person=teacher, note=proposal.message,
                            source=("proposal", proposal.id))


def from_contact(session: Session, user: User, request_id: int, kind: str, title: str, *, start: dt.date | None = None,
                 end: dt.date | None = None, amount: object = None, note: str = "") -> Agreement:
    """A granted contact becomes an agreement of the kind the two agreed (the requester's
    organization and the contacted record's)."""
    item = session.get(ContactRequest, request_id) if 0 < request_id <= MAX_ID else None
    if item is None or item.status is not ContactStatus.ACCEPTED:
        raise AgreementError("request_id", f"没有编号为 {request_id} 的已同意的联系申请")
    record = session.get(MODELS[Pool.parse(item.target_pool)], item.target_id)
    if record is None:
        raise AgreementError("request_id", "对方的记录已不存在")
    orgs = [session.get(Organization, i) for i in (item.requester.org_id, owner_org_id(record)) if i is not None]
    enterprise = next((o for o in orgs if o is not None and o.kind is OrgKind.ENTERPRISE), None)
    partner = next((o for o in orgs if o is not None and o.kind in PARTNER_KINDS), None)
    if enterprise is None or partner is None:
        raise AgreementError("request_id", "合作记录需一方为企业、一方为院校或科研院所")
    person = record if pool_of(record) in (Pool.EXPERT, Pool.TEACHER, Pool.TALENT) else None
    return record_agreement(session, user, kind, title, enterprise.id, partner.id, person=person,
                            start=start, end=end, amount=amount, note=note, source=("contact", item.id))


def close_agreement(session: Session, user: User, agreement_id: int) -> Agreement:
    agreement, side = get_agreement(session, user, agreement_id)
    if side not in ("enterprise", "partner", "staff"):
        raise NotAllowed("agreement_id", "只有合作双方或秘书处可以结束合作")
    agreement.status = AgreementStatus.CLOSED
    session.flush()
    return agreement


# -- activity --------------------------------------------------------------------------------

def log_activity(session: Session, user: User, agreement_id: int, unit: str, quantity: object,
                 period_start: dt.date | None, period_end: dt.date | None, note: str = "") -> Activity:
    """One party logs activity; it waits for the other party's confirmation."""
    agreement, side = get_agreement(session, user, agreement_id)
    if side not in ("enterprise", "partner", "staff"):
        raise NotAllowed("agreement_id", "只有合作双方可以登记活动")
    try:
        chosen = ActivityUnit.parse(unit)
    except ValueError as exc:
        raise AgreementError("unit", f"计量单位{exc}") from None
    allowed = UNITS.get(agreement.kind)
    if allowed is not None and chosen not in allowed:
        raise AgreementError("unit", f"「{agreement.kind.label}」登记{'、'.join(u.label for u in allowed)}")
    try:
        amount = Decimal(str(quantity).strip())
    except InvalidOperation:
        raise AgreementError("quantity", "数量应为正数，如 2 或 1.5") from None
    if not amount.is_finite() or amount <= 0 or amount > MAX_QUANTITY:
        raise AgreementError("quantity", "数量应为正数，如 2 或 1.5")
    if period_start is None or period_end is None:
        raise AgreementError("period_start", "请填写活动的起止日期")
    if period_end < period_start:
        raise AgreementError("period_end", "结束日期不能早于开始日期")
    org = user.org_id if side != "staff" else None
    activity = Activity(agreement_id=agreement.id, unit=chosen, quantity=amount.quantize(Decimal("0.01")),
                        period_start=period_start, period_end=period_end, note=(note or "").strip()[:2000],
                        entered_by_id=user.id, entered_by_org_id=org)
    session.add(activity)
    session.flush()
    others = [i for i in (agreement.enterprise_id, agreement.partner_id) if i != org]
    notify(session, [u for i in others for u in org_users(session, i)], NotificationKind.AGREEMENT,
           f"「{agreement.title}」登记了 {amount.normalize():f} {chosen.label}，请确认", activity.note,
           f"/agreements/{agreement.id}")
    return activity


def answer_activity(session: Session, user: User, activity_id: int, confirm: bool, note: str = "") -> Activity:
    """The other party confirms logged activity or says it disagrees (with a note)."""
    activity = session.get(Activity, activity_id) if 0 < activity_id <= MAX_ID else None
    if activity is None:
        raise NotFound("activity_id", f"没有编号为 {activity_id} 的活动登记")
    agreement, side = get_agreement(session, user, activity.agreement_id)
    if side == "person" or (side != "staff" and user.org_id == activity.entered_by_org_id):
        raise NotAllowed("activity_id", "活动由另一方确认")
    if activity.status is not ActivityStatus.PENDING:
        raise AgreementError("activity_id", f"该登记已是「{activity.status.label}」")
    note = (note or "").strip()[:2000]
    if not confirm and not note:
        raise AgreementError("answer_note", "有异议时请说明原因")
    activity.status = ActivityStatus.CONFIRMED if confirm else ActivityStatus.DISPUTED
    activity.answered_by_id, activity.answer_note, activity.answered_at = user.id, note, utcnow()
    session.flush()
    entered = session.get(User, activity.entered_by_id) if activity.entered_by_id is not None else None
    notify(session, [entered] if entered else [], NotificationKind.AGREEMENT,
           f"「{agreement.title}」的活动登记{activity.status.label}", note, f"/agreements/{agreement.id}")
    return activity


def activities_of(session: Session, user: User, agreement_id: int) -> list[Activity]:
    agreement, _ = get_agreement(session, user, agreement_id)
    return list(session.scalars(select(Activity).where(Activity.agreement_id == agreement.id).order_by(Activity.id)))


@dataclass(frozen=True)
class Totals:
    agreements: dict[AgreementKind, int]
    amount_wan: Decimal
    activity: dict[ActivityUnit, Decimal]  # confirmed only


def totals(session: Session, since: dt.date | None = None) -> Totals:
    """The alliance's figures for reports: agreements by kind, money agreed, confirmed activity."""
    where = [Agreement.start_date >= since] if since else []
    kinds = {k: n for k, n in session.execute(select(Agreement.kind, func.count()).where(*where).group_by(Agreement.kind)).all()}
    amount = session.scalar(select(func.coalesce(func.sum(Agreement.amount_wan), 0)).where(*where)) or Decimal(0)
    done = session.execute(select(Activity.unit, func.sum(Activity.quantity)).join(Agreement)
                           .where(Activity.status == ActivityStatus.CONFIRMED, *where).group_by(Activity.unit)).all()
    return Totals(kinds, Decimal(amount), {u: Decimal(q) for u, q in done})


def open_agreements(session: Session, pool: Pool, ids: list[int]) -> dict[int, int]:
    """How many open agreements each person of ``pool`` is in (a teacher's or expert's load)."""
    if not ids:
        return {}
    rows = session.execute(select(Agreement.person_id, func.count()).where(
        Agreement.person_pool == pool.value, Agreement.person_id.in_(ids), Agreement.status == AgreementStatus.OPEN)
        .group_by(Agreement.person_id)).all()
    return {int(i): int(n) for i, n in rows if i is not None}
