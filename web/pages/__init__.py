"""HTML pages: search, pool lists, record details with 智能推荐, and the pages that change data.

Each module registers its routes on :data:`web.pages.blueprint.bp` when imported; importing
this package imports them all, in this order.
"""

from __future__ import annotations

from web.pages.blueprint import bp

from web.pages import browse  # noqa: F401  (search, pool lists, record details)
from web.pages import actions  # noqa: F401  (registers the routes that change data)
from web.pages import staff  # noqa: F401  (the secretariat's pages)
from web.pages import student  # noqa: F401  (students' pages)
from web.pages import records  # noqa: F401  (create and edit records of every pool)
from web.pages import work  # noqa: F401  (applications, practice proposals, own profile)
from web.pages import trust  # noqa: F401  (contact requests, own data, membership)

__all__ = ["bp"]
