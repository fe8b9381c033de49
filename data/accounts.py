"""Creating users and checking passwords (argon2), and the demo accounts for each role."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.audit import audit
from data.errors import FieldError
from data.enums import AuditAction, MemberStatus, OrgKind, Role
from data.models import ApiToken, Expert, Organization, User
from data.models.base import utcnow

_hasher = PasswordHasher()
DEMO_PASSWORD = "chanjiao2026"
MIN_PASSWORD = 8


class AccountError(FieldError):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_user(session: Session, username: str, password: str, display_name: str, role: Role,
                org_id: int | None, *, pending: bool = False) -> User:
    """An account; ``pending`` ones (self-registered) cannot log in until staff approve them."""
    username = username.strip()
    if not username or len(username) > 64:
        raise AccountError("username", "用户名应为 1–64 个字符")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError("username", f"用户名「{username}」已被使用")
    if len(password) < MIN_PASSWORD:
        raise AccountError("password", f"密码至少 {MIN_PASSWORD} 位")
    user = User(username=username, password_hash=hash_password(password), display_name=display_name,
                role=role, org_id=org_id, active=not pending, approved_at=None if pending else utcnow())
    session.add(user)
    session.flush()
    return user


MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15


def authenticate(session: Session, username: str, password: str, now: dt.datetime | None = None) -> User | None:
    """The user with these credentials, or None. AccountError when the credentials are right but
    the account may not log in, or when it is locked: five wrong passwords in a row lock it for
    15 minutes (the caller commits, so failures are counted even though the login fails)."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        return None
    now = now or utcnow()
    locked = user.locked_until
    if locked is not None and (locked if locked.tzinfo else locked.replace(tzinfo=dt.timezone.utc)) > now:
        raise AccountError("username", f"密码连续错误次数过多，账号已锁定 {LOCK_MINUTES} 分钟，请稍后再试")
    if not check_password(user, password):
        user.failed_logins = (user.failed_logins or 0) + 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.failed_logins, user.locked_until = 0, now + dt.timedelta(minutes=LOCK_MINUTES)
            audit(session, None, AuditAction.ACCOUNT, "user", user.id,
                  f"账号「{user.username}」连续 {MAX_FAILED_LOGINS} 次密码错误，锁定 {LOCK_MINUTES} 分钟")
        session.flush()
        return None
    user.failed_logins, user.locked_until = 0, None
    if not user.active:
        raise AccountError("username", "账号正在等待秘书处审核" if user.approved_at is None else "账号已停用，请联系秘书处")
    return user


SELF_SERVICE_ROLES = (Role.ENTERPRISE, Role.COLLEGE, Role.STUDENT, Role.EXPERT)
_ROLE_ORG_KINDS = {Role.ENTERPRISE: (OrgKind.ENTERPRISE,), Role.STUDENT: (OrgKind.COLLEGE, OrgKind.INDUSTRY_COLLEGE),
                   Role.COLLEGE: (OrgKind.COLLEGE, OrgKind.INDUSTRY_COLLEGE),
                   Role.EXPERT: (OrgKind.COLLEGE, OrgKind.INSTITUTE, OrgKind.ENTERPRISE, OrgKind.INDUSTRY_COLLEGE)}


def register(session: Session, form: Any) -> tuple[User | None, dict[str, str]]:
    """Self-registration: an inactive account in an existing organization, waiting for staff.

    Inputs: username, password, password2, display_name, role (code), org_name. Errors by input.
    """
    errors: dict[str, str] = {}
    username, display = (form.get("username") or "").strip(), (form.get("display_name") or "").strip()
    password, org_name = form.get("password") or "", (form.get("org_name") or "").strip()
    if not display or len(display) > 64:
        errors["display_name"] = "请填写 1–64 个字的姓名或称呼"
    if password != (form.get("password2") or ""):
        errors["password2"] = "两次输入的密码不一致"
    try:
        role = Role.parse(form.get("role") or "")
        if role not in SELF_SERVICE_ROLES:
            raise ValueError
    except ValueError:
        errors["role"] = "请选择 企业用户、院校用户、学生 或 专家/教师"
        role = None
    org = session.scalar(select(Organization).where(Organization.name == org_name)) if org_name else None
    if org is None:
        errors["org_name"] = f"单位库中没有「{org_name}」，请填写完整的单位名称" if org_name else "请填写所在单位"
    elif role is not None and org.kind not in _ROLE_ORG_KINDS[role]:
        errors["org_name"] = f"「{org.name}」是{org.kind.label}，不能注册为{role.label}"
    if errors:
        return None, errors
    try:
        user = create_user(session, username, password, display, role, org.id, pending=True)  # type: ignore[arg-type,union-attr]
    except AccountError as exc:
        return None, {exc.field: str(exc)}
    audit(session, user, AuditAction.ACCOUNT, "user", user.id, f"注册账号「{username}」（{role.label}，{org.name}），待审核")  # type: ignore[union-attr]
    return user, {}


def pending_accounts(session: Session) -> list[User]:
    return list(session.scalars(select(User).where(User.approved_at.is_(None)).order_by(User.id)))


def approve_account(session: Session, staff: User, user_id: int, approve: bool) -> User:
    user = session.get(User, user_id)
    if user is None or user.approved_at is not None:
        raise AccountError("user_id", f"没有编号为 {user_id} 的待审核账号")
    if approve:
        user.active, user.approved_at = True, utcnow()
        audit(session, staff, AuditAction.ACCOUNT, "user", user.id, f"通过账号「{user.username}」的注册",
              after={"状态": "已启用"})
    else:
        audit(session, staff, AuditAction.ACCOUNT, "user", user.id, f"拒绝账号「{user.username}」的注册",
              before={"用户名": user.username, "单位": user.org.name if user.org else ""})
        session.delete(user)
    session.flush()
    return user


def change_password(session: Session, user: User, old: str, new: str, new2: str) -> dict[str, str]:
    """Errors by input; nothing changes unless the old password is right and the new one valid."""
    if not check_password(user, old):
        return {"old": "原密码不正确"}
    if len(new) < MIN_PASSWORD:
        return {"new": f"新密码至少 {MIN_PASSWORD} 位"}
    if new != new2:
        return {"new2": "两次输入的新密码不一致"}
    user.password_hash = hash_password(new)
    audit(session, user, AuditAction.ACCOUNT, "user", user.id, "修改密码")
    session.flush()
    return {}


DEMO_ACCOUNTS = (
    ("qiye", "企业用户（演示）", Role.ENTERPRISE, (OrgKind.ENTERPRISE,)),
    ("yuanxiao", "院校用户（演示）", Role.COLLEGE, (OrgKind.COLLEGE,)),
    ("xuesheng", "学生（演示）", Role.STUDENT, (OrgKind.COLLEGE,)),
    ("zhuanjia", "专家（演示）", Role.EXPERT, (OrgKind.COLLEGE, OrgKind.INSTITUTE)),
    ("mishuchu", "秘书处（演示）", Role.STAFF, (OrgKind.ASSOCIATION, OrgKind.INDUSTRY_COLLEGE)),
    ("admin", "管理员（演示）", Role.ADMIN, (OrgKind.ASSOCIATION, OrgKind.INDUSTRY_COLLEGE)),
)


def ensure_demo_accounts(session: Session) -> list[tuple[str, str, str]]:
    """One account per role, each in a member organization of the right kind (idempotent).

    Returns (username, role label, organization name) for printing.
    """
    out = []
    for username, name, role, kinds in DEMO_ACCOUNTS:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            org = session.scalar(select(Organization).where(Organization.kind.in_(kinds),
                                 Organization.member_status == MemberStatus.ACTIVE).order_by(Organization.id))
            user = create_user(session, username, DEMO_PASSWORD, name, role, org.id if org else None)
            if role is Role.EXPERT and org is not None:
                _link_profile(session, user, org.id)
        out.append((username, role.label, user.org.name if user.org else "—"))
    return out


def _link_profile(session: Session, user: User, org_id: int) -> None:
    """The demo expert account is one of its organization's experts (their own profile)."""
    expert = session.scalar(select(Expert).where(Expert.owner_org_id == org_id, Expert.user_id.is_(None))
                            .order_by(Expert.id))
    if expert is not None:
        expert.user_id = user.id
        session.flush()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(session: Session, username: str, name: str = "") -> tuple[ApiToken, str]:
    """Issue a token for ``username``; the plain token is returned once and never stored."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise AccountError("username", f"没有用户名为「{username}」的账号")
    token = "cj_" + secrets.token_urlsafe(32)
    item = ApiToken(user_id=user.id, name=name[:64], token_hash=_token_hash(token))
    session.add(item)
    session.flush()
    audit(session, None, AuditAction.ACCOUNT, "api_token", item.id, f"为「{user.username}」签发 API 令牌（{name[:64]}）")
    return item, token


def revoke_api_token(session: Session, token_id: int) -> ApiToken:
    item = session.get(ApiToken, token_id)
    if item is None:
        raise AccountError("token_id", f"没有编号为 {token_id} 的令牌")
    item.revoked = True
    audit(session, None, AuditAction.ACCOUNT, "api_token", item.id, f"撤销「{item.user.username}」的 API 令牌")
    session.flush()
    return item


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a valid, unrevoked token belongs to."""
    item = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if item is None or item.revoked or not item.user.active:
        return None
    return item.user
