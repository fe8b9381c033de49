"""A search page as JSON: the tab shown, every tab's count, the ranked hits with their terms."""

from __future__ import annotations

from typing import Any

from web.schemas.records import record_json
from web.services.search import SearchPage


def search_json(page: SearchPage) -> dict[str, Any]:
    """The hits of the tab shown, each a record with its matched terms and its score (0–100, one decimal)."""
    return {"pool": page.pool.value, "page": page.page, "pages": page.pages, "terms": page.terms,
            "counts": {p.value: n for p, n in page.counts.items()},
            "items": [{**record_json(r), "matched_terms": t, "score": round(s, 1)} for r, t, s in page.items]}
