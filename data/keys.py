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


# Legal-form endings that do not tell two organizations apart (「华创智能装备有限公司」 and
# 「华创智能装备」 are one applicant); 集团 is kept: a group and its subsidiary are two entities.
_LEGAL_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "股份公司", "(有限合伙)", "有限合伙", "公司",
                "co.,ltd.", "co.,ltd", "co.ltd.", "co.ltd", "ltd.", "ltd", "inc.", "inc")


def org_name_key(name: str) -> str:
    """An organization's name as compared for duplicates: ``normalize_name`` (width, white space,
    case), punctuation dropped, one legal-form ending removed (有限公司, 股份有限公司, Co., Ltd. …).
    Falls back to the normalized name when nothing would be left."""
    text = normalize_name(name)
    for form in _LEGAL_FORMS:
        if text.endswith(form) and len(text) > len(form):
            text = text[: -len(form)]
            break
    bare = "".join(c for c in text if not unicodedata.category(c).startswith(("P", "S")))
    return bare or normalize_name(name)
