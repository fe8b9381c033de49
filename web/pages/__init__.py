"""HTML pages: search, pool lists, record details with 智能推荐, and the pages that change data.

Each module registers its routes on :data:`web.pages.blueprint.bp` when imported; importing
this package imports them all, in this order.
"""

from __future__ import annotations

from types import ModuleType

from web.pages import browse
from web.pages import actions
from web.pages import staff
from web.pages import review
from web.pages import student
from web.pages import records
from web.pages import work
from web.pages import trust
from web.pages import inbox
from web.pages import agreements
from web.pages import applications
from web.pages import rounds
from web.pages import panels
from web.pages import fairs
from web.pages.blueprint import bp

# Every area of the site, each its own module: importing it registered its routes on ``bp``.
AREAS: tuple[ModuleType, ...] = (
    browse,  # search, pool lists, record details
    actions,  # post a need, feedback on a recommendation
    staff,  # the secretariat's pages: import, duplicates, audit, dashboard, export
    review,  # the secretariat's review queue
    student,  # students' pages
    records,  # create, edit and delete records of every pool
    work,  # applications, practice proposals, own profile
    trust,  # contact requests, own data, membership
    inbox,  # messages and their e-mail settings, subscriptions, failed e-mails (staff)
    agreements,  # 合作记录 and their activity
    applications,  # one application's page and each side's steps on it
    rounds,  # 双选 rounds: staff run them, students choose, enterprises mark
    panels,  # expert review panels: staff assign and aggregate, experts answer and score
    fairs,  # 双选会 events: registration, check-in, the fair's round, 现场结果
)

__all__ = ["AREAS", "bp"]
