"""Uploaded sheets kept under an unguessable name until their import is confirmed."""

from __future__ import annotations

import uuid
from pathlib import Path

from werkzeug.datastructures import FileStorage

from data.errors import Malformed
from data.settings import instance_dir

UPLOAD_SUFFIXES = (".xlsx", ".csv")


def upload_path(upload_id: str, suffix: str) -> Path:
    """Where the upload ``upload_id`` is kept (Malformed when the id or suffix is not one we make)."""
    if len(upload_id) != 32 or not all(c in "0123456789abcdef" for c in upload_id) or suffix not in UPLOAD_SUFFIXES:
        raise Malformed("upload_id", "上传文件已失效，请重新上传")
    return instance_dir() / "uploads" / f"{upload_id}{suffix}"


def save_upload(upload: FileStorage | None) -> tuple[Path, str, str]:
    """Keep an uploaded sheet under an unguessable name: (path, upload id, suffix)."""
    if upload is None or not upload.filename:
        raise Malformed("file", "请选择要导入的 Excel 或 CSV 文件")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in UPLOAD_SUFFIXES:
        raise Malformed("file", "只支持 .xlsx 或 .csv 文件")
    upload_id = uuid.uuid4().hex
    path = upload_path(upload_id, suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    upload.save(path)
    return path, upload_id, suffix
