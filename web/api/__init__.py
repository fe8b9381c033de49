"""The JSON API: the blueprint of version 1 (``/api/v1``) with every resource registered on it.

Each module of :mod:`web.api.v1` registers its routes when imported; importing this package
imports them all. The document describing them is :mod:`web.api.openapi`.
"""

from __future__ import annotations

from types import ModuleType

from web.api.v1 import (agreements, applications, docs, fairs, feedback, imports, jobs, notifications, panels, pools,
                        recommendations, reindex, rounds, search)
from web.api.v1.blueprint import bp

# Every resource, each its own module: importing it registered its routes on ``bp``.
RESOURCES: tuple[ModuleType, ...] = (
    docs,  # /docs, /openapi.json
    pools,  # /pools/<pool>[/<id>]
    search,  # /search
    recommendations,  # /recommendations/<pool>/<id>
    feedback,  # /feedback
    imports,  # /imports/<pool>
    reindex,  # /reindex/<pool>
    jobs,  # /jobs/<id>
    notifications,  # /notifications, /notification-settings, /subscriptions
    agreements,  # /agreements[/<id>[/activities|/close]], /agreements/from/<source>/<id>, /activities/<id>/answer
    applications,  # /applications[/<id>[/interview|/decision|/offer|/withdraw|/messages]]
    rounds,  # /rounds[/<id>[/open|/close|/run|/publish|/choices|/marks[/<post>]]]
    panels,  # /panels[/<id>[/run|/invite|/finish|/seats/<seat>/refill]], /panel-seats[/<id>/answer|/conflict|/scores]
    fairs,  # /fairs[/<id>[/results|/register|/withdraw|/posts[/<post>/withdraw]|/checkin]]
)

__all__ = ["RESOURCES", "bp"]
