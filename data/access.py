"""Who may see, create and edit what: the one place these rules are written.

The index filter and every list, detail page, recommendation, export and API call ask here.
One visibility rule: staff see everything; a viewer sees their own organization's records and
their own profile at every visibility level, and other organizations' records at the levels
open to them (``visible_levels``). Catalogs (lists, search, recommendations) show published
records only; a detail page also shows a viewer their own unpublished ones (they edit them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_

from data.enums import MemberStatus, Role, Status, Visibility
from data.errors import FieldError
from data.models import MODELS, Organization, PoolRecord, User, owner_org_id
from data.pools import Pool

MAX_ID = 2**31 - 1  # the databases' INTEGER range: every id column, PostgreSQL and SQLite alike


def record_ids(values: Iterable[object], field_name: str, label: str,
               error: type[FieldError] = FieldError) -> list[int]:
    """Ids typed or posted for ``label`` records, in order, once each, blanks skipped; a value
    that is not a whole number, or out of the id range, raises ``error`` naming the field."""
    ids: list[int] = []
    for value in values:
        text = str(value).strip()
        if not text:
            continue
        try:
            number = int(text)
        except ValueError:
            raise error(field_name, f"{label}编号应为整数：{value}") from None
        if not 0 < number <= MAX_ID:
            raise error(field_name, f"没有编号为 {number} 的{label}")
        if number not in ids:
            ids.append(number)
    return ids

# The pools each role creates records in (staff: every pool).
CREATES: dict[Role, tuple[Pool, ...]] = {
    Role.ENTERPRISE: (Pool.PROJECT, Pool.INTERNSHIP, Pool.ACHIEVEMENT, Pool.EXPERT, Pool.TEACHER),  # 企业兼职教师
    Role.COLLEGE: (Pool.PROJECT, Pool.ACHIEVEMENT, Pool.EXPERT, Pool.TEACHER),
    Role.EXPERT: (Pool.ACHIEVEMENT, Pool.EXPERT, Pool.TEACHER),  # people: only their own profile
    Role.STUDENT: (),
}
ORG_REPRESENTATIVES = (Role.ENTERPRISE, Role.COLLEGE)  # the roles that speak for their organization
# The pools whose records are recommended only to staff and to users of these roles. A 人才库
# record is a student's own profile, published for those who recruit and place students (the
# enterprises and colleges that speak for their organization) to find: other students, experts
# and anonymous visitors are never recommended one. A direction recommending from such a pool
# is refused to everyone else (``may_be_recommended``; ``matcher.directions.Direction.open_to``).
RECOMMENDED_ONLY_TO: dict[Pool, tuple[Role, ...]] = {Pool.TALENT: ORG_REPRESENTATIVES}
OWN_PROFILE = (Pool.EXPERT, Pool.TEACHER)  # an expert-role user creates one record here: their own
# The one record a user of these roles may create (besides CREATES): their own profile.
OWN_PROFILES: dict[Role, tuple[Pool, ...]] = {Role.EXPERT: OWN_PROFILE, Role.STUDENT: (Pool.TALENT,)}


@dataclass(frozen=True)
class Viewer:
    """Who asks, as the rules need it (anonymous: ``Viewer()``, public records only)."""

    org_id: int | None = None  # the organization whose records the viewer sees at every level
    member: bool = False  # their organization is a member in good standing
    staff: bool = False
    user_id: int | None = None  # sees their own profile whatever its visibility

    def levels(self) -> list[Visibility]:
        """The visibility levels open to this viewer in every organization."""
        return visible_levels(self.member)


def viewer_for(user: User | None) -> Viewer:
    """The viewer a signed-in user is. A student belongs to a college but is not one of its
    insiders: classmates' 仅本单位 profiles stay hidden; their own is theirs by ``user_id``."""
    if user is None:
        return Viewer()
    insider = user.org_id if user.role is not Role.STUDENT else None
    return Viewer(org_id=insider, member=member_in_good_standing(user), staff=user.role.is_staff, user_id=user.id)


def in_good_standing(org: Organization | None) -> bool:
    """A member whose membership is active (not applying, suspended or gone): its users see
    仅会员 records and publish without review."""
    return org is not None and org.member_status is MemberStatus.ACTIVE


def good_standing() -> ColumnElement[bool]:
    """:func:`in_good_standing` as a query condition on organizations."""
    return Organization.member_status == MemberStatus.ACTIVE


def member_in_good_standing(user: User) -> bool:
    """The user's organization is in good standing (:func:`in_good_standing`)."""
    return in_good_standing(user.org)


def acts_for(viewer: Viewer, record: PoolRecord) -> bool:
    """Whether ``viewer`` speaks for ``record`` — staff, the organization that owns it, or the
    person whose own profile it is: who may say what its recommendations were worth, which
    teaches its organization's ranking (a need's feedback is its enterprise's, nobody else's)."""
    if viewer.staff:
        return True
    if viewer.user_id is not None and getattr(record, "user_id", None) == viewer.user_id:
        return True
    return viewer.org_id is not None and owner_org_id(record) == viewer.org_id


def may_be_recommended(user: User | None, pool: Pool) -> bool:
    """Whether records of ``pool`` may be recommended to ``user`` (None: anonymous): staff and,
    for a pool of ``RECOMMENDED_ONLY_TO``, the roles it names; every pool else to everyone
    (each record still at the visibility levels open to them)."""
    roles = RECOMMENDED_ONLY_TO.get(pool)
    if roles is None:
        return True
    return user is not None and (user.role.is_staff or user.role in roles)


def visible_levels(member: bool) -> list[Visibility]:
    """The visibility levels open in every organization to a viewer (a member in good
    standing, or not); their own organization's 仅本单位 records come on top."""
    return [Visibility.PUBLIC, Visibility.MEMBERS] if member else [Visibility.PUBLIC]


def can_see(record: PoolRecord, viewer: Viewer) -> bool:
    """Staff see everything, an organization its own records, a person their own profile;
    anyone else a published record at a level open to them."""
    if viewer.staff or (viewer.org_id is not None and owner_org_id(record) == viewer.org_id):
        return True
    if viewer.user_id is not None and getattr(record, "user_id", None) == viewer.user_id:
        return True
    if record.status is not Status.PUBLISHED:
        return False
    return record.visibility in visible_levels(viewer.member)


def published_to(model: type[PoolRecord], viewer: Viewer) -> ColumnElement[bool]:
    """:func:`can_see` as a query condition for a catalog: published records the viewer sees
    (their own organization's and their own profile at every level, others' at the open ones)."""
    if viewer.staff:
        return model.status == Status.PUBLISHED
    own: list[ColumnElement[bool]] = []
    if viewer.org_id is not None:
        owner = model.id if model is Organization else getattr(model, "owner_org_id", None)
        if owner is not None:
            own.append(owner == viewer.org_id)
    user_column = getattr(model, "user_id", None)  # the pools of people's own profiles
    if viewer.user_id is not None and user_column is not None:
        own.append(user_column == viewer.user_id)
    levels = model.visibility.in_(visible_levels(viewer.member))
    return and_(model.status == Status.PUBLISHED, or_(levels, *own) if own else levels)


def is_staff(user: User) -> bool:
    return user.role.is_staff


def pool_of(record: PoolRecord) -> Pool:
    return next(p for p, m in MODELS.items() if isinstance(record, m))


def may_create(user: User, pool: Pool) -> bool:
    return is_staff(user) or (user.org_id is not None and pool in CREATES.get(user.role, ()))


def may_edit(user: User, record: PoolRecord) -> bool:
    """Staff: everything. Others: what their organization owns and their role works with."""
    if is_staff(user):
        return True
    pool = pool_of(record)
    if getattr(record, "user_id", None) == user.id:
        return True  # one's own profile
    return user.org_id is not None and owner_org_id(record) == user.org_id and org_wide(user, pool)


def org_wide(user: User, pool: Pool) -> bool:
    """Whether the user looks after all of their organization's records in ``pool``."""
    if pool is Pool.ORGANIZATION:
        return user.role in (Role.ENTERPRISE, Role.COLLEGE)
    if pool is Pool.TALENT or (user.role is Role.EXPERT and pool in OWN_PROFILE):
        return False  # a person's profile is their own (see may_edit)
    return pool in CREATES.get(user.role, ())
