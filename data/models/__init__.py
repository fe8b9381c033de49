"""SQLAlchemy models of every pool, and the map from pool name to model."""

from __future__ import annotations

from sqlalchemy.orm import InstrumentedAttribute

from data.models.agreement import Activity, Agreement
from data.models.allocation import AllocationRound, RoundChoice, RoundMarkEntry, RoundPost, RoundResult, RoundStudent
from data.models.application import Application, ApplicationMessage
from data.models.audit import AuditEntry
from data.models.base import Base, PoolRecord
from data.models.contact import ContactRequest
from data.models.dependents import delete_dependents, dependent_conditions
from data.models.fairs import FairAttendee, FairEvent, FairExhibitor, FairPost
from data.models.feedback import Feedback
from data.models.impression import MatchImpression
from data.models.joining import OrgApplication
from data.models.membership import CouncilVote, MembershipCase, MembershipEvent
from data.models.notification import MailPreference, Notification
from data.models.organization import Organization
from data.models.owned import OwnedRecord
from data.models.panels import ReviewBatch, ReviewConflict, ReviewItem, ReviewScore, ReviewSeat
from data.models.people import Expert, PersonRecord, Talent, Teacher
from data.models.proposal import PracticeProposal
from data.models.region import Region
from data.models.review import Review
from data.models.subscription import Subscription, SubscriptionHit
from data.models.revision import Revision
from data.models.token import ApiToken
from data.models.user import User
from data.models.work import Achievement, Internship, Project
from data.pools import Pool

MODELS: dict[Pool, type[PoolRecord]] = {
    Pool.ORGANIZATION: Organization,
    Pool.EXPERT: Expert,
    Pool.TEACHER: Teacher,
    Pool.PROJECT: Project,
    Pool.ACHIEVEMENT: Achievement,
    Pool.TALENT: Talent,
    Pool.INTERNSHIP: Internship,
}


def owner_org_id(record: PoolRecord) -> int | None:
    """The organization a record belongs to; an organization belongs to itself."""
    if isinstance(record, Organization):
        return record.id
    return record.owner_org_id if isinstance(record, OwnedRecord) else None


def owner_column(model: type[PoolRecord]) -> InstrumentedAttribute[int]:
    """The column naming the organization a model's records belong to (its id, for organizations)."""
    if issubclass(model, OwnedRecord):
        return model.owner_org_id
    return model.id


__all__ = [
    "MODELS", "Achievement", "Activity", "Agreement", "AllocationRound", "RoundChoice", "RoundMarkEntry", "RoundPost",
    "RoundResult", "RoundStudent", "ApiToken", "Application", "ApplicationMessage", "AuditEntry", "Base",
    "ContactRequest", "CouncilVote", "Expert", "FairAttendee", "FairEvent", "FairExhibitor", "FairPost", "Feedback", "Internship", "MailPreference", "Notification", "delete_dependents",
    "dependent_conditions", "MatchImpression", "MembershipCase", "MembershipEvent", "OrgApplication", "Organization",
    "OwnedRecord", "PersonRecord", "PoolRecord", "PracticeProposal", "ReviewBatch", "ReviewConflict", "ReviewItem", "ReviewScore", "ReviewSeat", "Project", "Region", "Review", "Revision", "Subscription",
    "SubscriptionHit", "Talent", "Teacher", "User", "owner_column", "owner_org_id",
]
