"""What of a record is searched: its lexical text (everything) and its semantic text (the gist).

The semantic text is capped because embedding cost grows with length (e5-small on this
class of CPU embeds roughly 500 tokens per second per thread) and the first sentences carry
the meaning.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from data.enums import LabeledEnum
from data.models import PoolRecord
from data.pools import Pool

SEMANTIC_MAX_CHARS = 256

# Per pool: the attributes that describe what a record is about, most telling first.
CONTENT_FIELDS: dict[Pool, tuple[str, ...]] = {
    Pool.EXPERT: ("research_areas", "discipline", "field", "description"),
    Pool.TEACHER: ("courses", "skills", "field", "description"),
    Pool.PROJECT: ("name", "skills", "description"),
    Pool.ACHIEVEMENT: ("name", "tags", "description"),
    Pool.TALENT: ("major", "expected_role", "skills", "certificates", "field", "description"),
    Pool.INTERNSHIP: ("name", "skills", "majors", "description"),
    Pool.ORGANIZATION: ("name", "field", "industries", "majors", "description"),
}
# Extra attributes searched lexically (names people type into a search box).
LEXICAL_EXTRA: dict[Pool, tuple[str, ...]] = {
    Pool.EXPERT: ("name", "tags"),
    Pool.TEACHER: ("name", "tags"),
    Pool.PROJECT: ("field", "tags"),
    Pool.ACHIEVEMENT: ("field", "discipline", "inventors"),
    Pool.TALENT: ("name", "tags"),
    Pool.INTERNSHIP: ("field", "tags"),
    Pool.ORGANIZATION: ("tags",),
}


def _parts(record: Any, attrs: Iterable[str]) -> list[str]:
    parts = []
    for attr in attrs:
        value = getattr(record, attr, None)
        if not value:
            continue
        if isinstance(value, list):
            parts.append("、".join(value))
        elif isinstance(value, LabeledEnum):
            parts.append(value.label)
        else:
            parts.append(str(value))
    return parts


def semantic_text(pool: Pool, record: PoolRecord) -> str:
    """The text embedded for ``record``: its content fields joined, capped in length."""
    return "。".join(_parts(record, CONTENT_FIELDS[pool]))[:SEMANTIC_MAX_CHARS]


def lexical_text(pool: Pool, record: PoolRecord) -> str:
    """The text tokenized for BM25: content plus names, tags and other searchable fields."""
    return "。".join(_parts(record, CONTENT_FIELDS[pool] + LEXICAL_EXTRA[pool]))


# Per pool: what names a record — its title field, matched on its own (a short query is most
# often a name). People are named by what they do; their own name only helps someone who
# types it, so it is in the lexical title but not in the embedded one.
TITLE_FIELDS: dict[Pool, tuple[str, ...]] = {
    Pool.EXPERT: ("research_areas",),
    Pool.TEACHER: ("courses", "skills"),
    Pool.PROJECT: ("name",),
    Pool.ACHIEVEMENT: ("name",),
    Pool.TALENT: ("major", "expected_role"),
    Pool.INTERNSHIP: ("name",),
    Pool.ORGANIZATION: ("name",),
}
PERSON_POOLS = (Pool.EXPERT, Pool.TEACHER, Pool.TALENT)
TITLE_MAX_CHARS = 120


def title_text(pool: Pool, record: PoolRecord) -> str:
    """The title that is embedded: the record's name, or a person's headline ("" if none)."""
    return "、".join(_parts(record, TITLE_FIELDS[pool]))[:TITLE_MAX_CHARS]


def title_lexical_text(pool: Pool, record: PoolRecord) -> str:
    """The title field searched by words: the title, and for people their own name too."""
    parts = [record.name] if pool in PERSON_POOLS and record.name else []
    return "。".join([*parts, title_text(pool, record)])
