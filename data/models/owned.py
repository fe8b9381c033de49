"""The shape of a pool record an organization owns: every pool but the organizations themselves.

A record's owner is a column and a relationship on the record; ``isinstance(record, OwnedRecord)``
(or ``issubclass(model, OwnedRecord)``) tells, for the type checker too, that a record has them.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from data.models.base import PoolRecord
from data.models.organization import Organization


class OwnedRecord(PoolRecord):
    """A project, result, post, expert, teacher or talent: it belongs to one organization."""

    # First in the table, where it stood before the shape had a name (create_all's DDL unchanged).
    owner_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True, sort_order=-1)

    @declared_attr
    def owner_org(cls) -> Mapped[Organization]:
        return relationship(Organization, lazy="joined")
