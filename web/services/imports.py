"""Bulk import by the secretariat: an uploaded sheet previewed as a dry run of exactly the
import its confirm button makes, then the import itself. New rows wait for review; changes of
published records are held as revisions."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage

from data.enums import Status
from data.errors import Malformed
from data.models import User
from data.pools import Pool
from data.sheets.columns import header_map
from data.sheets.importer import ImportReport, import_file
from data.sheets.tabular import TableError, read_table
from web.import_preview import Preview, build_preview, display_name, looks_like
from web.services.uploads import save_upload, upload_path

IMPORT_STATUS = Status.PENDING


@dataclass
class ImportPage:
    """What the import page shows: the pool chosen, a problem or a preview, a hint when the sheet
    looks like another pool's, and the HTTP status."""

    pool: Pool | None
    status: int = 200
    error: str | None = None
    preview: Preview | None = None
    hint: str = ""


def _hint(other: Pool | None) -> str:
    return f"这份表格看起来是{other.label}的，请在上方选择「{other.label}」后重新上传。" if other else ""


def preview_upload(session: Session, pool: Pool, upload: FileStorage | None) -> ImportPage:
    """Keep the uploaded sheet and preview its import (nothing is written)."""
    try:
        path, upload_id, suffix = save_upload(upload)
    except Malformed as exc:
        return ImportPage(pool, 400, error=str(exc))
    return preview(session, pool, path, upload_id, suffix, display_name(upload.filename if upload else None))


def preview(session: Session, pool: Pool, path: Path, upload_id: str, suffix: str, filename: str) -> ImportPage:
    """The dry run of importing the kept sheet ``path`` into ``pool`` (rolled back)."""
    try:
        table = read_table(path, list(header_map(pool)))
        report = import_file(session, pool, path, dry_run=True, status=IMPORT_STATUS, name=filename)
    except TableError as exc:
        session.rollback()
        other = looks_like(path, pool)
        path.unlink(missing_ok=True)
        return ImportPage(pool, 400, error=f"「{filename}」无法导入{pool.label}：{exc}", hint=_hint(other))
    session.rollback()
    other = looks_like(path, pool) if any(e.row == 1 and not e.column for e in report.errors) else None
    return ImportPage(pool, 200 if report.ok else 400,
                      preview=build_preview(pool, table, report, upload_id, suffix, filename), hint=_hint(other))


def confirm(session: Session, user: User, pool: Pool, upload_id: str, suffix: str,
            filename: str) -> ImportReport | ImportPage:
    """Import the kept sheet as previewed and commit: the report; or the page again when the
    upload is gone or the sheet no longer imports (nothing written)."""
    try:
        path = upload_path(upload_id, suffix)
    except Malformed as exc:
        return ImportPage(None, 400, error=str(exc))
    if not path.exists():
        return ImportPage(pool, 400, error="上传文件已失效，请重新上传")
    try:
        report = import_file(session, pool, path, status=IMPORT_STATUS, actor=user, name=filename)
    except TableError as exc:
        session.rollback()
        path.unlink(missing_ok=True)
        return ImportPage(pool, 400, error=f"「{filename}」无法导入{pool.label}：{exc}")
    if not report.ok:
        session.rollback()
        return preview(session, pool, path, upload_id, suffix, filename)
    session.commit()
    path.unlink(missing_ok=True)
    return report
