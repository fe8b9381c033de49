"""What of a record is searched: its lexical text (everything) and its semantic text (the gist).

The semantic text is capped because embedding cost grows with length (e5-small on this
class of CPU embeds roughly 500 tokens per second per thread) and the first sentences carry
the meaning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from data.enums import LabeledEnum
from data.models import PoolRecord
from data.pools import Pool
from indexer.store import ITEM_SLOTS

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


# Per pool: where a person's listed works are (papers, projects, results, courses taught). A
# profile that lists many works is about each of them; one vector of the whole profile is about
# their blur, and a need that matches one work well matches the blur poorly. Each work gets its
# own vector too (the record's best work is a signal beside its body).
ITEM_FIELDS: dict[Pool, tuple[str, ...]] = {
    Pool.EXPERT: ("description",),
    Pool.TEACHER: ("description",),
}
ITEM_MIN_CHARS = 4
ITEM_MAX_CHARS = 100
_QUOTED = re.compile(r"[「《“]([^」》”]{%d,%d})[」》”]" % (ITEM_MIN_CHARS, ITEM_MAX_CHARS))
_SEPARATORS = re.compile(r"[；;\n\r。！？!?|•·]+")


def item_texts(pool: Pool, record: PoolRecord) -> list[str]:
    """The works a person's profile lists, each embedded on its own: the titles it quotes
    (「…」, 《…》) and the pieces between list and sentence separators (；, a new line, 。).
    Empty when the profile has fewer than two: then its body is its one work."""
    found: dict[str, None] = {}
    for text in _parts(record, ITEM_FIELDS.get(pool, ())):
        for quoted in _QUOTED.findall(text):
            found[quoted.strip()] = None
        for piece in _SEPARATORS.split(_QUOTED.sub(" ", text) if _QUOTED.search(text) else text):
            piece = piece.strip(" ，,、：:\t")
            if len(piece) >= ITEM_MIN_CHARS:
                found[piece[:ITEM_MAX_CHARS]] = None
    items = list(found)[:ITEM_SLOTS]  # the first ones: a profile lists its main work first
    return items if len(items) >= 2 else []
