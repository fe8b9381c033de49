"""Rows that hang on a pool record die with it, whichever way the record is deleted.

Contact requests and grants, feedback (as the record a match was for or as the match), review
decisions, held edits, applications, practice proposals and subscriptions name a record by (pool, id) or by a
foreign key. Left behind, they would describe a record that no longer exists, and on a database
that reuses ids they would attach to somebody else's record (a requester seeing a stranger's
phone). The audit log is the exception: it is history and stays, append-only.

Two listeners enforce it for every caller, once: ``before_flush`` for ``session.delete(record)``
(the form, the API, a merge's dropped record, an account deletion) and ``do_orm_execute`` for a
bulk ``delete(Model).where(...)``. A merge moves what it keeps to the surviving record first;
whatever still points at the dropped one is deleted with it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Delete, delete, event, select
from sqlalchemy.orm import ORMExecuteState, Session

from data.models.application import Application
from data.models.base import PoolRecord
from data.models.contact import ContactRequest
from data.models.feedback import Feedback
from data.models.people import Expert, Talent, Teacher
from data.models.organization import Organization
from data.models.proposal import PracticeProposal
from data.models.review import Review
from data.models.subscription import Subscription, SubscriptionHit
from data.models.revision import Revision
from data.models.work import Achievement, Internship, Project
from data.pools import Pool

_POOL_NAMES: dict[type[PoolRecord], str] = {
    Organization: Pool.ORGANIZATION.value, Expert: Pool.EXPERT.value, Teacher: Pool.TEACHER.value,
    Project: Pool.PROJECT.value, Achievement: Pool.ACHIEVEMENT.value, Talent: Pool.TALENT.value,
    Internship: Pool.INTERNSHIP.value,
}
# Dependents that name their record by (pool name column, id column).
_BY_KIND: tuple[tuple[type[Any], Any, Any], ...] = (
    (ContactRequest, ContactRequest.target_pool, ContactRequest.target_id),
    (Feedback, Feedback.source_pool, Feedback.source_id),
    (Feedback, Feedback.target_pool, Feedback.target_id),
    (Review, Review.pool, Review.record_id),
    (Revision, Revision.pool, Revision.record_id),
    (Subscription, Subscription.source_pool, Subscription.source_id),
    (SubscriptionHit, SubscriptionHit.pool, SubscriptionHit.record_id),
)
# Dependents that name their record by a foreign key (the database cascades too; deleting them
# here as well keeps the session's objects in step with the rows).
_BY_KEY: dict[type[PoolRecord], tuple[tuple[type[Any], Any], ...]] = {
    Talent: ((Application, Application.talent_id),),
    Internship: ((Application, Application.internship_id),),
    Teacher: ((PracticeProposal, PracticeProposal.teacher_id),),
    Organization: ((PracticeProposal, PracticeProposal.enterprise_id),),
}


def dependent_conditions(model: type[PoolRecord], ids: Iterable[int]) -> list[tuple[type[Any], ColumnElement[bool]]]:
    """(dependent model, WHERE clause) for every row hanging on records ``ids`` of ``model``."""
    ids = sorted(set(ids))
    if not ids:
        return []
    found: list[tuple[type[Any], ColumnElement[bool]]] = [
        (dependent, (kind_col == _POOL_NAMES[model]) & id_col.in_(ids)) for dependent, kind_col, id_col in _BY_KIND]
    found.extend((dependent, id_col.in_(ids)) for dependent, id_col in _BY_KEY.get(model, ()))
    return found


def delete_dependents(session: Session, model: type[PoolRecord], ids: Iterable[int]) -> None:
    """Delete, as one bulk statement per kind, every row hanging on records ``ids`` of ``model``."""
    for dependent, where in dependent_conditions(model, ids):
        session.execute(delete(dependent).where(where).execution_options(synchronize_session="fetch"))


def _model_of(obj: object) -> type[PoolRecord] | None:
    return next((m for m in _POOL_NAMES if isinstance(obj, m)), None)


@event.listens_for(Session, "before_flush")
def _delete_with_record(session: Session, _context: Any, _instances: Any) -> None:
    """Each record being deleted takes its dependents along, in the same flush."""
    doomed: dict[type[PoolRecord], set[int]] = {}
    for obj in session.deleted:
        model = _model_of(obj)
        if model is not None and obj.id is not None:
            doomed.setdefault(model, set()).add(obj.id)
    for model, ids in doomed.items():
        for dependent, where in dependent_conditions(model, ids):
            # As objects, so a dependent already loaded (say, a held edit just marked superseded)
            # is deleted rather than updated after its row is gone.
            for row in session.scalars(select(dependent).where(where)):
                session.delete(row)


@event.listens_for(Session, "do_orm_execute")
def _bulk_delete_with_records(state: ORMExecuteState) -> None:
    """A bulk ``delete(Model)`` of pool records deletes their dependents first."""
    statement = state.statement
    if not state.is_delete or not isinstance(statement, Delete) or state.bind_mapper is None:
        return
    model = state.bind_mapper.class_
    if model not in _POOL_NAMES:
        return
    where = statement.whereclause
    query = select(model.id) if where is None else select(model.id).where(where)
    delete_dependents(state.session, model, state.session.scalars(query).all())
