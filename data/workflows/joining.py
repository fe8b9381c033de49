"""A new organization joins: it applies from outside, the secretariat decides, then its people
register accounts in it.

1. ``apply_as_new_organization``: anyone fills in the organization (name, kind, 统一社会信用代码
   checked by GB 32100-2015, region, field), a contact person and the charter's membership
   application (materials, requested level). The organization is created as a 草稿: it is in no
   pool list, search or recommendation and is not a member; nobody can register into it yet.
   A credit code already used, or a name that is one of the pools' under ``org_name_key``
   (width, space, case, punctuation, 有限公司 …), is refused.
2. ``decide_application``: the secretariat (its membership page) approves — the organization is
   published and its join case opens for the preliminary review and the council's vote, as an
   existing organization's application would — or rejects with a reason, which removes the draft.
3. Registration (``data.workflows.accounts.register``) accepts a published organization by its name,
   tolerating width, space and case, and otherwise offers the closest names
   (``suggest_organizations``) and this application.

Every step writes the audit log and the organization's membership history.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data.credit_code import CreditCodeError, parse_credit_code
from data.enums import AuditAction, JoinStatus, MemberLevel, MemberStatus, OrgKind, Status, Visibility
from data.errors import FieldError, NotAllowed
from data.keys import natural_key, normalize_name, org_name_key
from data.models import MembershipEvent, OrgApplication, Organization, User
from data.models.base import utcnow
from data.reference.regions import resolve_region
from data.reference.vocabulary import FIELD_NAMES
from data.sheets.rows import typed_text
from data.workflows.audit import audit
from data.workflows.membership import check_materials, open_join_case, parse_level

APPLICANT_ACTOR = "访客（新单位申请）"  # the audit log's actor for someone without an account
SOURCE = "application"
SUGGESTIONS = 5
_PHONE = re.compile(r"(\+?86)?(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)")
_EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)+")

# The form's inputs, in order: (name, label). Errors come back by these names.
FIELDS = (("name", "单位名称"), ("kind", "单位类型"), ("credit_code", "统一社会信用代码"), ("region", "所在地区"),
          ("field", "行业领域"), ("description", "单位简介"), ("contact_name", "联系人"),
          ("contact_phone", "联系电话"), ("contact_email", "联系邮箱"), ("level", "申请级别"),
          ("materials", "申请材料"))


class JoinError(FieldError):
    pass


@dataclass
class Applied:
    application: OrgApplication | None
    errors: dict[str, str]  # by input name; empty when the application was saved


def _text(form: Mapping[str, str], name: str) -> str:
    return unicodedata.normalize("NFKC", form.get(name) or "").strip()


def _check(errors: dict[str, str], name: str, parse: Callable[[], Any]) -> Any:
    """``parse()``, or None with its message recorded under ``name``."""
    try:
        return parse()
    except (FieldError, CreditCodeError, ValueError) as exc:
        errors[name] = str(exc)
        return None


def _phone(text: str) -> str:
    compact = re.sub(r"[\s()（）]", "", text)
    if not compact:
        raise JoinError("contact_phone", "请填写联系电话")
    if not _PHONE.fullmatch(compact):
        raise JoinError("contact_phone", f"「{text[:30]}」不是有效的电话号码：手机号 11 位（如 13800000000），座机带区号（如 020-12345678）")
    return compact


def _email(text: str) -> str:
    if not text:
        raise JoinError("contact_email", "请填写联系邮箱")
    if len(text) > 120 or not _EMAIL.fullmatch(text):
        raise JoinError("contact_email", f"「{text[:60]}」不是有效的邮箱地址，如 name@example.com")
    return text


def _field(text: str) -> str:
    if text not in FIELD_NAMES:
        raise JoinError("field", "请选择行业领域" if not text else f"「{text[:20]}」不是平台的行业领域，请从列表中选择")
    return text


def _region(text: str) -> str:
    if not text:
        raise JoinError("region", "请填写所在地区，如 广东省广州市")
    return resolve_region(text)


def _kind(text: str) -> OrgKind:
    if not text:
        raise JoinError("kind", "请选择单位类型")
    return OrgKind.parse(text)


def _code_taken(session: Session, code: str) -> str | None:
    """Why ``code`` cannot be used again: an organization of the pools or an application has it."""
    pending = session.scalar(select(OrgApplication).where(OrgApplication.credit_code == code,
                                                          OrgApplication.status == JoinStatus.SUBMITTED))
    if pending is not None:
        return f"统一社会信用代码 {code} 已有待审核的入驻申请（「{pending.org_name}」），请等待秘书处审核"
    stored = func.upper(func.replace(Organization.credit_code, " ", ""))
    holder = session.scalar(select(Organization).where(stored == code).order_by(Organization.id))
    if holder is not None:
        return f"统一社会信用代码 {code} 已属于单位库中的「{holder.name}」，无需重复申请；请直接注册账号"
    return None


def same_name(session: Session, name: str) -> Organization | None:
    """An organization of the pools (any status) whose name is ``name`` under ``org_name_key``."""
    key = org_name_key(name)
    for org_id, other in session.execute(select(Organization.id, Organization.name).order_by(Organization.id)):
        if org_name_key(other) == key:
            return session.get(Organization, org_id)
    return None


def _name_taken(session: Session, name: str) -> str | None:
    other = same_name(session, name)
    if other is None:
        return None
    if other.status is Status.PUBLISHED:
        return f"单位库中已有「{other.name}」（与「{name}」视为同一单位），无需重复申请；请直接注册账号"
    if _pending_for(session, other.id):
        return f"「{other.name}」已有待审核的入驻申请，请等待秘书处审核"
    return f"单位库中已有「{other.name}」（尚未发布），请联系秘书处"


def _pending_for(session: Session, org_id: int) -> bool:
    return session.scalar(select(OrgApplication.id).where(OrgApplication.org_id == org_id,
                                                          OrgApplication.status == JoinStatus.SUBMITTED)) is not None


def apply_as_new_organization(session: Session, form: Mapping[str, str]) -> Applied:
    """Validate every input (all errors at once, by input name) and, when all are right, create
    the draft organization and its application in the caller's transaction."""
    errors: dict[str, str] = {}
    text = {key: _text(form, key) for key, _ in FIELDS}
    name = _check(errors, "name", lambda: typed_text(text["name"], "name", "请填写单位全称（与营业执照或登记证书一致）",
                                                     max_len=100, min_len=2, error=JoinError))
    kind = _check(errors, "kind", lambda: _kind(text["kind"]))
    code = _check(errors, "credit_code", lambda: parse_credit_code(text["credit_code"]))
    region = _check(errors, "region", lambda: _region(text["region"]))
    field = _check(errors, "field", lambda: _field(text["field"]))
    description = _check(errors, "description", lambda: typed_text(text["description"], "description", "",
                                                                   max_len=2000, min_len=0, error=JoinError))
    contact = _check(errors, "contact_name", lambda: typed_text(text["contact_name"], "contact_name", "请填写联系人姓名",
                                                               max_len=64, error=JoinError))
    phone = _check(errors, "contact_phone", lambda: _phone(text["contact_phone"]))
    email = _check(errors, "contact_email", lambda: _email(text["contact_email"]))
    level = _check(errors, "level", lambda: parse_level(text["level"] or MemberLevel.MEMBER.value))
    materials = _check(errors, "materials", lambda: check_materials(form.get("materials") or ""))
    if name and "name" not in errors and (problem := _name_taken(session, name)):
        errors["name"] = problem
    if code and (problem := _code_taken(session, code)):
        errors["credit_code"] = problem
    if errors:
        return Applied(None, errors)
    org = Organization(name=name, kind=kind, credit_code=code, region_code=region, field=field,
                       description=description or "", natural_key=natural_key(name, None, None),
                       visibility=Visibility.PUBLIC, status=Status.DRAFT, member_status=MemberStatus.NONE,
                       source=SOURCE)
    try:
        with session.begin_nested():  # two applicants at once: the unique key stops the second
            session.add(org)
            session.flush()
    except IntegrityError:
        return Applied(None, {"name": f"「{name}」已有入驻申请或已在单位库中"})
    application = OrgApplication(org_id=org.id, org_name=name, credit_code=code, contact_name=contact,
                                 contact_phone=phone, contact_email=email, requested_level=level,
                                 materials=materials)
    session.add(application)
    session.add(MembershipEvent(org_id=org.id, event="join_applied",
                                text=f"已提交新单位入驻申请（申请级别：{level.label}），等待秘书处审核"))
    session.flush()
    entry = audit(session, None, AuditAction.MEMBERSHIP, "organization", org.id,
                  f"新单位「{name}」申请入驻并入会（{kind.label}，统一社会信用代码 {code}，申请{level.label}），待秘书处审核",
                  after={"单位名称": name, "单位类型": kind, "统一社会信用代码": code, "联系人": contact,
                         "申请级别": level, "状态": Status.DRAFT})
    entry.actor = APPLICANT_ACTOR
    return Applied(application, {})


def pending_applications(session: Session) -> list[OrgApplication]:
    """Applications waiting for the secretariat, oldest first."""
    return list(session.scalars(select(OrgApplication).where(OrgApplication.status == JoinStatus.SUBMITTED)
                                .order_by(OrgApplication.id)))


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(OrgApplication)
                          .where(OrgApplication.status == JoinStatus.SUBMITTED)) or 0


def decide_application(session: Session, staff: User, application_id: int, approve: bool,
                       reason: str = "") -> OrgApplication:
    """Approve (publish the organization; its join case opens for the preliminary review) or
    reject (a reason is required; the draft organization is removed, the application kept)."""
    if not staff.role.is_staff:
        raise NotAllowed("application_id", "新单位入驻申请由秘书处审核")
    application = session.get(OrgApplication, application_id)
    if application is None or application.status is not JoinStatus.SUBMITTED:
        raise JoinError("application_id", f"没有编号为 {application_id} 的待审核入驻申请")
    reason = (reason or "").strip()[:2000]
    org = application.org
    if not approve and not reason:
        raise JoinError("reason", "不予通过时请写明理由")
    application.decided_by_id, application.decided_at, application.reason = staff.id, utcnow(), reason
    if not approve:
        application.status, application.org = JoinStatus.REJECTED, None
        audit(session, staff, AuditAction.MEMBERSHIP, "organization", org.id if org else None,
              f"不予通过新单位「{application.org_name}」的入驻申请：{reason}",
              before={"单位名称": application.org_name, "统一社会信用代码": application.credit_code,
                      "状态": Status.DRAFT}, after={"状态": "已删除"})
        if org is not None:
            session.delete(org)
        session.flush()
        return application
    if org is None:
        raise JoinError("application_id", "该申请的单位已被删除，请不予通过")
    org.status, application.status = Status.PUBLISHED, JoinStatus.APPROVED
    session.add(MembershipEvent(org_id=org.id, event="join_approved",
                                text="入驻申请已通过，单位已在单位库中发布，本单位人员可注册账号；入会申请转入秘书处初审"
                                + (f"。秘书处意见：{reason}" if reason else "")))
    audit(session, staff, AuditAction.MEMBERSHIP, "organization", org.id,
          f"通过新单位「{org.name}」的入驻申请：单位已发布，入会申请转入初审" + (f"。意见：{reason}" if reason else ""),
          before={"状态": Status.DRAFT}, after={"状态": Status.PUBLISHED})
    application.case = open_join_case(session, staff, org, application.requested_level, application.materials,
                                      by_applicant=False)
    session.flush()
    return application


def suggest_organizations(session: Session, text: str, limit: int = SUGGESTIONS) -> list[Organization]:
    """The published organizations whose names are closest to ``text`` under ``org_name_key``
    (at least half alike, or one name inside the other), most alike first, ties by id."""
    key = org_name_key(text)
    if not key:
        return []
    scored: list[tuple[float, int]] = []
    rows = session.execute(select(Organization.id, Organization.name).where(Organization.status == Status.PUBLISHED))
    for org_id, name in rows:
        other = org_name_key(name)
        if not set(key) & set(other):
            continue
        score = SequenceMatcher(None, key, other, autojunk=False).ratio()
        if key in other or other in key:
            score = max(score, 0.6 + 0.4 * min(len(key), len(other)) / max(len(key), len(other)))
        if score >= 0.5:
            scored.append((score, org_id))
    scored.sort(key=lambda pair: (-round(pair[0], 6), pair[1]))
    return [org for _, org_id in scored[:limit] if (org := session.get(Organization, org_id)) is not None]


def org_for_registration(session: Session, text: str) -> tuple[Organization | None, str]:
    """The published organization an account registers into, named by ``text`` exactly or up to
    width, white space and case; otherwise (None, why in Chinese)."""
    if not text:
        return None, "请填写所在单位"
    found = session.scalar(select(Organization).where(Organization.name == text).order_by(Organization.id))
    if found is None:
        wanted = normalize_name(text)
        found = next((session.get(Organization, i) for i, n in session.execute(select(Organization.id, Organization.name)
                      .order_by(Organization.id)) if normalize_name(n) == wanted), None)
    if found is None:
        return None, f"单位库中没有「{text}」，请填写与营业执照或登记证书一致的单位全称"
    if found.status is Status.PUBLISHED:
        return found, ""
    if _pending_for(session, found.id):
        return None, f"「{found.name}」的入驻申请正在等待秘书处审核，通过后即可注册"
    return None, f"「{found.name}」尚未在单位库中发布，暂不能注册"

