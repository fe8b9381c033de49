"""The audit log: who changed what, when, with the values before and after.

Rows are only ever inserted; the ORM refuses to update or delete them (see ``_append_only``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, Text, event, func
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_record", "pool", "record_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow,
                                                    server_default=func.now(), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    actor: Mapped[str] = mapped_column(String(64))  # username, or "命令行" for the CLI
    action: Mapped[str] = mapped_column(String(30), index=True)  # an AuditAction code
    pool: Mapped[str | None] = mapped_column(String(20))  # or another kind of thing: "user", "proposal"…
    record_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(Text, default="")
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _append_only(_mapper: Any, _connection: Any, _target: AuditEntry) -> None:
    raise PermissionError("审计日志只能追加，不能修改或删除")
