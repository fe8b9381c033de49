"""Creating users, checking passwords (argon2) and logging in (one answer for every failure, back-off
per account and address), ending sessions, and the demo accounts for each role."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from functools import cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from data.access import good_standing
from data.enums import AuditAction, MemberLevel, OrgKind, Role
from data.errors import FieldError
from data.models import ApiToken, Expert, Organization, User
from data.models.base import aware, utcnow
from data.models.user import LoginFailure
from data.workflows.audit import audit
from data.workflows.joining import org_for_registration
from data.workflows.membership import council

_hasher = PasswordHasher()
DEMO_PASSWORD = "chanjiao2026"
MIN_PASSWORD = 8


class AccountError(FieldError):
    pass


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    return _verify(user.password_hash, password)


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


LOGIN_FAILED = "用户名或密码不正确；多次输错后需等待几分钟再试"


@dataclass(frozen=True)
class Backoff:
    """How failed logins from one source are slowed: ``free`` failures in a row are allowed, the
    next lock lasts ``first``, every further failure doubles it up to ``longest``; failures older
    than ``forget`` no longer count."""

    free: int
    first: dt.timedelta
    longest: dt.timedelta
    forget: dt.timedelta = dt.timedelta(days=1)

    def lock_for(self, failures: int) -> dt.timedelta | None:
        if failures < self.free:
            return None
        return min(self.first * 2 ** min(failures - self.free, 20), self.longest)


ALL_ADDRESSES = "*"
# One address guessing one account: five tries, then 1, 2, 4 … up to 60 minutes between tries.
PER_ADDRESS = Backoff(5, dt.timedelta(minutes=1), dt.timedelta(hours=1))
# Many addresses guessing one account: a generous cap, so a distributed guess is slowed too
# while a single address cannot lock the owner out.
PER_ACCOUNT = Backoff(100, dt.timedelta(minutes=15), dt.timedelta(hours=1))


@cache
def dummy_hash() -> str:
    """A hash no password matches, verified for unknown names so they cost the same as real ones.
    Made once per process; the web app makes it at start (the first unknown name would otherwise
    also pay for hashing it)."""
    return _hasher.hash(secrets.token_urlsafe(32))


def authenticate(session: Session, username: str, password: str, address: str = "",
                 now: dt.datetime | None = None) -> User:
    """The user with these credentials, logging in from client ``address``.

    Raises AccountError with one and the same message (LOGIN_FAILED) for an unknown name, a wrong
    password and a source that must wait, after exactly one argon2 verification in every case, so
    neither the answer nor its time tells which names exist. Failures are counted per (name,
    address) and per name (PER_ADDRESS, PER_ACCOUNT; the caller commits, so they count even
    though the login fails). A right password from a source that may try logs in and clears that
    address's count; an account that may not log in gets its own message.
    """
    name, address = username.strip()[:64], (address or "unknown")[:64]
    now = now or utcnow()
    user = session.scalar(select(User).where(User.username == name))
    waiting = _must_wait(session, name, address, now)
    right = _verify(user.password_hash if user is not None else dummy_hash(), password)
    if waiting or user is None or not right:
        if not waiting:
            _count_failure(session, user, name, address, now)
        raise AccountError("password", LOGIN_FAILED)
    session.execute(delete(LoginFailure).where(LoginFailure.username == name, LoginFailure.address == address))
    if not user.active:
        raise AccountError("username", "账号正在等待秘书处审核" if user.approved_at is None else "账号已停用，请联系秘书处")
    return user


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _must_wait(session: Session, name: str, address: str, now: dt.datetime) -> bool:
    until = session.scalars(select(LoginFailure.locked_until).where(
        LoginFailure.username == name, LoginFailure.address.in_((address, ALL_ADDRESSES)),
        LoginFailure.locked_until.is_not(None)))
    return any(aware(moment) > now for moment in until if moment is not None)


def _count_failure(session: Session, user: User | None, name: str, address: str, now: dt.datetime) -> None:
    for source, policy in ((address, PER_ADDRESS), (ALL_ADDRESSES, PER_ACCOUNT)):
        row = _counter(session, name, source)
        fresh = row.failures > 0 and aware(row.last_failed_at) > now - policy.forget
        row.failures, row.last_failed_at = (row.failures + 1 if fresh else 1), now
        lock = policy.lock_for(row.failures)
        row.locked_until = now + lock if lock else None
        if lock and user is not None:
            where = "各地址合计" if source == ALL_ADDRESSES else f"来自 {source} 的"
            audit(session, None, AuditAction.ACCOUNT, "user", user.id,
                  f"账号「{user.username}」{where}连续 {row.failures} 次密码错误，暂停登录 {_minutes(lock)} 分钟")
    session.flush()


def _counter(session: Session, name: str, address: str) -> LoginFailure:
    """The (name, address) counter row, locked for this transaction (created if missing; two
    requests creating it at once both end up with the one row)."""
    values = {"username": name, "address": address, "failures": 0, "last_failed_at": utcnow()}
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    session.execute(dialect.insert(LoginFailure).values(**values).on_conflict_do_nothing())
    return session.scalars(select(LoginFailure).where(LoginFailure.username == name, LoginFailure.address == address)
                           .with_for_update().execution_options(populate_existing=True)).one()


def _minutes(span: dt.timedelta) -> int:
    return max(1, round(span.total_seconds() / 60))


def end_sessions(session: Session, user: User) -> None:
    """Every session of ``user`` (on every device) stops working: logging out is server-side."""
    user.session_version = User.session_version + 1
    session.flush()


SELF_SERVICE_ROLES = (Role.ENTERPRISE, Role.COLLEGE, Role.STUDENT, Role.EXPERT)
_ROLE_ORG_KINDS = {Role.ENTERPRISE: (OrgKind.ENTERPRISE,), Role.STUDENT: (OrgKind.COLLEGE, OrgKind.INDUSTRY_COLLEGE),
                   Role.COLLEGE: (OrgKind.COLLEGE, OrgKind.INDUSTRY_COLLEGE),
                   Role.EXPERT: (OrgKind.COLLEGE, OrgKind.INSTITUTE, OrgKind.ENTERPRISE, OrgKind.INDUSTRY_COLLEGE)}


def register(session: Session, form: Any) -> tuple[User | None, dict[str, str]]:
    """Self-registration: an inactive account in an existing organization, waiting for staff.

    Inputs: username, password, password2, display_name, role (code), org_name (or org_pick: a
    name chosen among the suggestions). The organization must be published; its name may differ
    in width, white space and case (``data.workflows.joining.org_for_registration``). Errors by input.
    """
    errors: dict[str, str] = {}
    username, display = (form.get("username") or "").strip(), (form.get("display_name") or "").strip()
    password = form.get("password") or ""
    org_name = (form.get("org_pick") or form.get("org_name") or "").strip()
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
    org, problem = org_for_registration(session, org_name)
    if org is None:
        errors["org_name"] = problem
    elif role is not None and org.kind not in _ROLE_ORG_KINDS[role]:
        errors["org_name"] = f"「{org.name}」是{org.kind.label}，不能注册为{role.label}"
    if errors or role is None or org is None:  # a missing role or organization has its error
        return None, errors
    try:
        user = create_user(session, username, password, display, role, org.id, pending=True)
    except AccountError as exc:
        return None, {exc.field: str(exc)}
    audit(session, user, AuditAction.ACCOUNT, "user", user.id, f"注册账号「{username}」（{role.label}，{org.name}），待审核")
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


def rename(session: Session, user: User, display_name: str) -> dict[str, str]:
    """The account's own name (姓名或称呼); shown in the header from the next page on."""
    name = " ".join((display_name or "").split())
    if not name or len(name) > 64:
        return {"display_name": "请填写 1–64 个字的姓名或称呼"}
    if name != user.display_name:
        audit(session, user, AuditAction.ACCOUNT, "user", user.id, f"修改姓名或称呼：「{user.display_name}」→「{name}」",
              before={"姓名或称呼": user.display_name}, after={"姓名或称呼": name})
        user.display_name = name
        session.flush()
    return {}


def shown_name(user: User) -> str:
    """How the header names ``user`` (the role is shown beside it): the display name, without a
    role it may already carry in brackets (「张三（企业用户）」 would read the role twice)."""
    name = user.display_name.strip()
    for left, right in (("（", "）"), ("(", ")")):
        suffix = f"{left}{user.role.label}{right}"
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)].strip()
    return name


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


# (username, display name, role, organization kinds). Display names are people's names: the
# header shows the role beside the name (「周建华 · 企业用户」).
DEMO_ACCOUNTS = (
    ("qiye", "周建华", Role.ENTERPRISE, (OrgKind.ENTERPRISE,)),
    ("yuanxiao", "陈思敏", Role.COLLEGE, (OrgKind.COLLEGE,)),
    ("xuesheng", "林晓雨", Role.STUDENT, (OrgKind.COLLEGE,)),
    ("zhuanjia", "王志远", Role.EXPERT, (OrgKind.COLLEGE, OrgKind.INSTITUTE)),  # then named after their profile
    ("mishuchu", "刘秘书", Role.STAFF, (OrgKind.ASSOCIATION, OrgKind.INDUSTRY_COLLEGE)),
    ("admin", "赵管理", Role.ADMIN, (OrgKind.ASSOCIATION, OrgKind.INDUSTRY_COLLEGE)),
)
# What earlier versions named them: an instance built then gets the new names on the next run.
_OLD_DEMO_NAMES = {"qiye": "企业用户（演示）", "yuanxiao": "院校用户（演示）", "xuesheng": "学生（演示）",
                   "zhuanjia": "专家（演示）", "mishuchu": "秘书处（演示）", "admin": "管理员（演示）"}
COUNCIL_USERNAME = "lishi{:02d}"


def ensure_demo_accounts(session: Session) -> list[tuple[str, str, str]]:
    """One account per role, each in a member organization of the right kind, and one voting
    account per council organization (idempotent; earlier demo names are updated).

    Returns (username, role label, organization name) for printing.
    """
    out = []
    for username, name, role, kinds in DEMO_ACCOUNTS:
        user = session.scalar(select(User).where(User.username == username))
        if user is None:
            org = session.scalar(select(Organization).where(Organization.kind.in_(kinds),
                                 good_standing()).order_by(Organization.id))
            user = create_user(session, username, DEMO_PASSWORD, name, role, org.id if org else None)
            if role is Role.EXPERT and org is not None:
                _link_profile(session, user, org.id)
        elif user.display_name == _OLD_DEMO_NAMES[username]:
            user.display_name = name
            if role is Role.EXPERT:
                _name_after_profile(session, user)
        out.append((username, role.label, user.org.name if user.org else "—"))
    out.extend(ensure_council_accounts(session))
    session.flush()
    return out


def ensure_council_accounts(session: Session) -> list[tuple[str, str, str]]:
    """A voting account (``lishi01`` …, password DEMO_PASSWORD) for every council organization
    (理事 level or above, in good standing) that has none, 理事长单位 first; enterprises vote as
    企业用户, every other kind as 院校用户 (the roles that act for an organization).

    Returns (username, role label · level, organization name) for each council organization.
    """
    rank = {level: i for i, level in enumerate(MemberLevel)}
    members = sorted(council(session), key=lambda o: (rank[_council_level(o)], o.id))
    taken = {u.org_id: u for u in session.scalars(select(User).where(User.username.like("lishi%")).order_by(User.id))}
    number = len(taken)
    out = []
    for org in members:
        user = taken.get(org.id)
        if user is None:
            number += 1
            while session.scalar(select(User.id).where(User.username == COUNCIL_USERNAME.format(number))) is not None:
                number += 1
            role = Role.ENTERPRISE if org.kind is OrgKind.ENTERPRISE else Role.COLLEGE
            user = create_user(session, COUNCIL_USERNAME.format(number), DEMO_PASSWORD, f"{org.name}代表"[:64], role, org.id)
        out.append((user.username, f"{user.role.label} · {_council_level(org).label}", org.name))
    return out


def _council_level(org: Organization) -> MemberLevel:
    """A council organization's member level (``council`` returns only organizations that have one)."""
    if org.member_level is None:
        raise ValueError(f"「{org.name}」没有会员级别，不是理事单位")
    return org.member_level


def _link_profile(session: Session, user: User, org_id: int) -> None:
    """The demo expert account is one of its organization's experts (their own profile), and is
    named after it."""
    expert = session.scalar(select(Expert).where(Expert.owner_org_id == org_id, Expert.user_id.is_(None))
                            .order_by(Expert.id))
    if expert is not None:
        expert.user_id = user.id
        session.flush()
        _name_after_profile(session, user)


def _name_after_profile(session: Session, user: User) -> None:
    expert = session.scalar(select(Expert).where(Expert.user_id == user.id))
    if expert is not None:
        user.display_name = expert.name[:64]


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
