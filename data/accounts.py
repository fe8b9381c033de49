"""Creating users and checking passwords (argon2), and the demo accounts for each role."""

from __future__ import annotations

import hashlib
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from data.errors import FieldError
from data.enums import MemberStatus, OrgKind, Role
from data.models import ApiToken, Expert, Organization, User

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
                org_id: int | None) -> User:
    username = username.strip()
    if not username or len(username) > 64:
        raise AccountError("username", "用户名应为 1–64 个字符")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise AccountError("username", f"用户名「{username}」已被使用")
    if len(password) < MIN_PASSWORD:
        raise AccountError("password", f"密码至少 {MIN_PASSWORD} 位")
    user = User(username=username, password_hash=hash_password(password), display_name=display_name,
                role=role, org_id=org_id)
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> User | None:
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None or not user.active or not check_password(user, password):
        return None
    return user


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
    return item, token


def revoke_api_token(session: Session, token_id: int) -> ApiToken:
    item = session.get(ApiToken, token_id)
    if item is None:
        raise AccountError("token_id", f"没有编号为 {token_id} 的令牌")
    item.revoked = True
    session.flush()
    return item


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a valid, unrevoked token belongs to."""
    item = session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    if item is None or item.revoked or not item.user.active:
        return None
    return item.user
