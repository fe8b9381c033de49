"""双选会 events as JSON: an event with its registration figures, the event as the caller sees it
(the registered posts by enterprise, the caller's own registration or posts, the posts an
enterprise may still bring), and the 现场结果 board (placed students by surname and school)."""

from __future__ import annotations

from typing import Any

from data.models import FairAttendee, FairEvent, FairPost
from data.workflows.fairs import Board
from web.schemas.common import label, moment


def event_json(event: FairEvent, registered: int | None = None) -> dict[str, Any]:
    out = {"id": event.id, "name": event.name, "status": label(event.status), "starts_at": moment(event.starts_at),
           "ends_at": moment(event.ends_at), "place": event.place, "online_url": event.online_url,
           "capacity": event.capacity, "registration_deadline": moment(event.registration_deadline),
           "round_id": event.round_id}
    if registered is not None:
        out["registered"] = registered
    return out


def fair_post_json(post: FairPost) -> dict[str, Any]:
    return {"internship": {"id": post.internship_id, "name": post.internship.name}, "seats": post.seats,
            "registered_at": moment(post.registered_at)}


def attendance_json(attendee: FairAttendee | None) -> dict[str, Any] | None:
    if attendee is None:
        return None
    return {"registered_at": moment(attendee.registered_at), "checked_in_at": moment(attendee.checked_in_at)}


def event_detail_json(page: dict[str, Any]) -> dict[str, Any]:
    """``web.services.fairs.event_page``: ``closed`` says why registering is closed ("" while open);
    ``attendance`` is a student's own registration, ``mine`` an enterprise's registered posts and
    ``postable`` its published posts not yet registered."""
    return {**event_json(page["event"], page["registered"]), "left": page["left"], "closed": page["closed"],
            "post_count": page["post_count"],
            "enterprises": [{"name": name, "posts": [fair_post_json(p) for p in posts]} for name, posts in page["posts"]],
            "attendance": attendance_json(page["attendance"]), "mine": [fair_post_json(p) for p in page["mine"]],
            "postable": [{"id": p.id, "name": p.name, "seats": p.seats} for p in page["postable"]],
            "results_published": page["results"]}


def board_json(board: Board) -> dict[str, Any]:
    """The 现场结果: empty with ``published`` false until the fair's round is published."""
    return {"event": event_json(board.event), "published": board.published, "students": board.students,
            "placed": board.placed,
            "enterprises": [{"name": e.name, "placed": e.placed, "posts": [
                {"name": p.name, "seats": p.seats, "placed": [{"name": n, "school": s} for n, s in p.placed]}
                for p in e.posts]} for e in board.enterprises]}
