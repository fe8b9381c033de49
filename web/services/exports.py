"""Sheets the secretariat downloads: a filtered pool list in the import layout (re-importable,
audited) and the empty import template of a pool."""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy.orm import Session

from data.access import is_staff
from data.errors import NotAllowed
from data.models import User
from data.pools import Pool
from data.sheets.exporter import export_pool, write_template
from web.listing import ListQuery
from web.services.records import filtered_ids

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_list(session: Session, user: User, pool: Pool, query: ListQuery) -> bytes:
    """The records of the list ``query`` gives (every status unless one is chosen) as an .xlsx
    file; the export is audited and committed."""
    if not is_staff(user):  # the route is staff-only too; the rule is data.access's
        raise NotAllowed("pool", "只有秘书处可以导出资源库")
    ids = filtered_ids(session, pool, query)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "export.xlsx"
        export_pool(session, pool, path, ids=ids, actor=user)
        data = path.read_bytes()
    session.commit()
    return data


def import_template(pool: Pool) -> bytes:
    """The empty import sheet of a pool (the same file as ``chanjiao template``)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "template.xlsx"
        write_template(pool, path)
        return path.read_bytes()
