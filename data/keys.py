"""Natural keys: how a re-import recognizes the same person or item."""

from __future__ import annotations

import unicodedata


def normalize_name(text: str) -> str:
    """NFKC, no white space, lower case: 「张 三」 and 「张三」 are one person."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def natural_key(name: str, org_name: str | None, source_id: str | None) -> str:
    """The 外部编号 when given, else name plus owner organization."""
    if source_id:
        return f"ext:{normalize_name(source_id)}"
    if org_name is None:
        return normalize_name(name)
    return f"{normalize_name(name)}|{normalize_name(org_name)}"
