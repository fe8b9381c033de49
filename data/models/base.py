"""Declarative base and the columns every pool record shares."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar

from sqlalchemy import JSON, DateTime, Enum, ForeignKey, FromClause, MetaData, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

from data.enums import LabeledEnum, Status, Visibility

# Stable constraint names so Alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Every table: stable constraint names, JSON for dicts and lists, and ids never reused.

    SQLite hands a deleted row's id to the next insert unless the table is AUTOINCREMENT; rows
    that point at a record by (pool, id) would then attach to somebody else's record. So every
    table asks for AUTOINCREMENT here, once (PostgreSQL sequences never go back anyway).
    """

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JSON, list[str]: JSON}

    def __init_subclass__(cls, **kw: Any) -> None:
        super().__init_subclass__(**kw)
        table = cls.__dict__.get("__table__")
        if table is not None:
            # Only a single integer primary key becomes AUTOINCREMENT; other tables ignore it.
            table.dialect_kwargs["sqlite_autoincrement"] = True


def enum_column(enum_cls: type[LabeledEnum], **kw: Any) -> Any:
    """A VARCHAR + CHECK enum column storing the member's English code."""
    return mapped_column(
        Enum(
            enum_cls,
            native_enum=False,
            create_constraint=True,
            length=32,
            values_callable=lambda cls: [m.value for m in cls],
            name=enum_cls.__name__.lower(),
            validate_strings=True,
        ),
        **kw,
    )


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def aware(moment: dt.datetime) -> dt.datetime:
    """A stored time with its zone: SQLite gives back naive UTC times, PostgreSQL aware ones."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


class PoolRecord:
    """The common shape of a pool record (DESIGN.md: the pools).

    ``natural_key`` identifies the same person/item across imports: the 外部编号 when given,
    otherwise the normalized name plus owner organization.
    """

    if TYPE_CHECKING:
        # Every pool record is mapped (it is also a ``Base``): its table, and the keyword
        # constructor declarative mapping gives it.
        __table__: ClassVar[FromClause]

        def __init__(self, **kw: Any) -> None: ...

    id: Mapped[int] = mapped_column(primary_key=True)
    natural_key: Mapped[str] = mapped_column(String(300), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(default=list)
    field: Mapped[str | None] = mapped_column(String(50), index=True)
    visibility: Mapped[Visibility] = enum_column(Visibility, default=Visibility.PUBLIC)
    status: Mapped[Status] = enum_column(Status, default=Status.PUBLISHED, index=True)
    source: Mapped[str] = mapped_column(String(200), default="manual")
    source_id: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, server_default=func.now()
    )
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow, server_default=func.now()
    )

    @declared_attr
    def region_code(cls) -> Mapped[str | None]:
        return mapped_column(String(12), ForeignKey("regions.code"), index=True)
