"""双选 rounds as the pages use them: forms read here, each action committed; the staff's view of a
round (placed with score and rank, every unplaced student with the reason and three
alternatives, the figures), what-ifs, the student's choices (pre-filled from the two-sided fit)
and result, the enterprise's marks, the placement list as .xlsx."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from data.enums import RoundMark, RoundMethod, RoundStatus
from data.errors import Malformed, NotAllowed, NotFound
from data.access import MAX_ID
from data.reference.regions import get_region
from data.models import AllocationRound, Internship, RoundResult, Talent, User
from data.workflows import fairs as fw
from data.workflows import rounds as rw
from data.workflows.round_rules import MAX_CHOICES_LIMIT
from indexer.context import IndexContext
from matcher.allocation import Comparison, Method
from matcher.placement import WhatIf, allocate_round, run_round, suggested_choices, try_change
from web.services.forms import moment, number, words

FIGURES = (("placed_share", "安置率"), ("mean_student_rank", "平均志愿序号"), ("mean_post_rank", "企业侧平均排名"),
           ("blocking_pairs", "阻塞对数"), ("envy", "嫉妒对数"), ("welfare", "总匹配分"))


# -- reading forms ---------------------------------------------------------------------------

def _floor(form: Mapping[str, Any]) -> float | None:
    """The 匹配度下限 as typed (0–100, as every score on the site), as the engine takes it (0–1)."""
    typed = number(form, "floor", "匹配度下限", float, 0, 100)
    return None if typed is None else typed / 100


# -- staff -----------------------------------------------------------------------------------

def list_page(session: Session) -> dict[str, Any]:
    return {"rounds": rw.list_rounds(session), "methods": list(RoundMethod)}


def rounds_for(session: Session, user: User) -> list[AllocationRound]:
    """The rounds a user may open: staff every one; a student those they are in, an enterprise
    those holding its posts (both past 草稿), newest first."""
    if user.role.is_staff:
        return rw.list_rounds(session)
    return rw.rounds_for_student(session, user) + [r for r, _ in rw.rounds_for_enterprise(session, user)]


def _settings(form: Mapping[str, Any]) -> dict[str, Any]:
    """The round's settings as the form (or the API's body) gives them, for
    ``data.workflows.rounds.round_settings``."""
    caps = form.get("site_caps")
    return {"method": str(form.get("method") or "stable"),
            "max_choices": number(form, "max_choices", "志愿数", int, 1, 50) or 5, "floor": _floor(form),
            "apprentice_share": number(form, "apprentice_share", "学徒岗比例", float, 0, 1),
            "school_quota": number(form, "school_quota", "学校在一家企业的名额", int, 0, 100000),
            "school_total": number(form, "school_total", "每所学校的名额", int, 0, 100000),
            "site_caps": caps if isinstance(caps, Mapping) else str(caps or ""),
            "student_deadline": moment(form, "student_deadline", "学生填报截止时间"),
            "enterprise_deadline": moment(form, "enterprise_deadline", "企业标记截止时间")}


def create(session: Session, user: User, form: Mapping[str, Any]) -> AllocationRound:
    made = rw.create_round(session, user, str(form.get("name") or ""), words(form.get("internship_ids")),
                           words(form.get("talent_ids")), **_settings(form))
    session.commit()
    return made


def update(session: Session, user: User, round_id: int, form: Mapping[str, Any]) -> AllocationRound:
    """A draft round's name, settings, posts and students, all as the form (or the body) gives them."""
    changed = rw.update_round(session, user, round_id, str(form.get("name") or ""), words(form.get("internship_ids")),
                              words(form.get("talent_ids")), **_settings(form))
    session.commit()
    return changed


def site_caps_text(chosen: AllocationRound) -> str:
    """The round's site caps as the edit form shows them: 「广州市（440100） 5」 a line each."""
    lines = []
    for code, cap in sorted((chosen.site_caps or {}).items()):
        region = get_region(code)
        lines.append(f"{code} {cap}" if region is None else f"{region.full_name} {cap}")
    return "\n".join(lines)


def advance(session: Session, ctx: IndexContext, user: User, round_id: int, action: str) -> str:
    """open / close / run / publish; returns what to tell the user."""
    if action == "open":
        message = f"已开放填报：{rw.open_round(session, user, round_id).name}"
    elif action == "close":
        message = f"已截止填报：{rw.close_round(session, user, round_id).name}"
    elif action == "run":
        allocation = run_round(session, user, round_id, ctx)
        message = f"已分配：安置 {allocation.metrics.placed} / {allocation.metrics.students} 人"
    elif action == "publish":
        message = f"已发布：{len(rw.publish(session, user, round_id))} 名学生收到录用"
        fw.tell_published(session, round_id)  # a fair's round: those the round did not tell
    else:
        raise Malformed("action", f"没有「{action[:20]}」这一操作")
    session.commit()
    return message


@dataclass(frozen=True)
class Alternative:
    post: str
    score: float
    why_not: str
    post_id: int | None = None


@dataclass(frozen=True)
class Outcome:
    talent: Talent
    post: Internship | None
    score: float | None
    rank: int | None
    reason: str
    alternatives: list[Alternative]


def _outcome(result: RoundResult, names: Mapping[int, str]) -> Outcome:
    alternatives = [Alternative(names.get(int(a.get("post", 0)), str(a.get("post"))), float(a.get("score") or 0),
                                str(a.get("label") or a.get("obstacle") or ""), int(a.get("post", 0)) or None)
                    for a in result.alternatives]
    return Outcome(result.talent, result.internship, result.score, result.student_rank,
                   "" if result.internship else rw.reason_label(result.reason), alternatives)


def round_page(session: Session, user: User, round_id: int) -> dict[str, Any]:
    """A round as staff inspect it: its posts and students, and once allocated the outcomes."""
    if not user.role.is_staff:
        raise NotAllowed("round_id", "只有秘书处工作人员可以管理双选轮次")
    inputs = rw.inputs_of(session, round_id)
    names = {p.internship_id: p.internship.name for p in inputs.posts}
    outcomes = [_outcome(r, names) for r in rw.results_of(session, round_id)]
    m = inputs.round.metrics or {}
    figures = [(label, m[key]) for key, label in FIGURES if m.get(key) is not None]
    return {"round": inputs.round, "posts": inputs.posts, "students": inputs.students,
            "chose": sum(1 for s in inputs.students if inputs.choices.get(s.talent_id)),
            "placed": [o for o in outcomes if o.post], "unplaced": [o for o in outcomes if not o.post],
            "figures": figures, "methods": list(Method), "statuses": RoundStatus, "rules": rules_of(inputs.round),
            "site_caps_text": site_caps_text(inputs.round)}


def rules_of(chosen: AllocationRound) -> list[tuple[str, str]]:
    """The round's hard rules as the page lists them (label, value)."""
    found = []
    if chosen.apprentice_share is not None:
        found.append(("学徒岗位比例上限", f"{100 * chosen.apprentice_share:g}%（学徒岗位合计不超过学生数 × 比例）"))
    if chosen.school_total is not None:
        found.append(("每所学校最多安置", f"{chosen.school_total} 人"))
    if chosen.school_quota is not None:
        found.append(("同一学校在一家企业最多", f"{chosen.school_quota} 人"))
    for code, cap in sorted((chosen.site_caps or {}).items()):
        region = get_region(code)
        found.append((f"场地容量：{region.full_name if region else code}", f"{cap} 人（该地所有岗位合计）"))
    return found


@dataclass(frozen=True)
class Change:
    student: str
    before: str
    after: str


def what_if_page(session: Session, ctx: IndexContext, user: User, round_id: int, form: Mapping[str, Any]) -> dict[str, Any]:
    """The round run again (from its stored choices and marks) with one change, and who changed."""
    page = round_page(session, user, round_id)
    post = number(form, "post", "岗位编号", int, 1, MAX_ID)
    seats = number(form, "seats", "增加的名额", int, 1, 10000)
    change = WhatIf(seats={post: seats} if post and seats else None, floor=_floor(form),
                    drop_floor=form.get("drop_floor") == "1", method=_method(form.get("method")))
    base = allocate_round(session, round_id, ctx)
    after, comparison = try_change(base, change)
    names = {p.internship_id: p.internship.name for p in page["posts"]}
    people = {s.talent_id: s.talent.name for s in page["students"]}
    return page | {"comparison": comparison, "changes": _changes(comparison, names, people), "asked": form}


def _method(value: object) -> Method | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return Method(text)
    except ValueError:
        raise Malformed("method", f"分配方式应为以下之一：{'、'.join(m.label for m in Method)}") from None


def _changes(comparison: Comparison, posts: Mapping[int, str], people: Mapping[int, str]) -> list[Change]:
    def where(post: int | None) -> str:
        return "未安置" if post is None else posts.get(post, str(post))
    return [Change(people.get(m.student, str(m.student)), where(m.before), where(m.after)) for m in comparison.changed]


def export(session: Session, user: User, round_id: int) -> tuple[bytes, str]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "placements.xlsx"
        rw.export_results(session, user, round_id, path)
        data = path.read_bytes()
    session.commit()
    return data, f"{rw.get_round(session, round_id).name}-安置名单.xlsx"


# -- students --------------------------------------------------------------------------------

def my_rounds(session: Session, user: User) -> dict[str, Any]:
    return {"student_rounds": rw.rounds_for_student(session, user), "enterprise_rounds": rw.rounds_for_enterprise(session, user)}


def choices_page(session: Session, ctx: IndexContext, user: User, round_id: int) -> dict[str, Any]:
    """The student's choices; with none yet, pre-filled with the round's posts they may take, by
    the two-sided fit (``matcher.placement.suggested_choices``). After publishing: the result, and why."""
    chosen, talent, choices, result = rw.student_view(session, user, round_id)
    inputs = rw.inputs_of(session, round_id)
    posts = {p.internship_id: p for p in inputs.posts}
    suggested = choices
    if not choices and chosen.status is RoundStatus.OPEN:
        suggested = suggested_choices(session, inputs, talent.id, ctx)
    names = {i: p.internship.name for i, p in posts.items()}
    return {"round": chosen, "talent": talent, "posts": list(posts.values()), "choices": choices,
            "suggested": suggested, "slots": range(chosen.max_choices), "prefilled": suggested != choices,
            "outcome": _outcome(result, names) if result is not None else None, "statuses": RoundStatus}


def save_choices(session: Session, user: User, round_id: int, form: Mapping[str, Any],
                 choices: Sequence[object] | None = None) -> list[int]:
    """The form's ``choice_1``… in order, or ``choices`` as given (the API's list of post ids)."""
    picked = [str(form.get(f"choice_{n}") or "").strip() for n in range(1, MAX_CHOICES_LIMIT + 1)] \
        if choices is None else list(choices)
    saved = rw.set_choices(session, user, round_id, [p for p in picked if str(p).strip()])
    session.commit()
    return saved


# -- enterprises -----------------------------------------------------------------------------

def marks_page(session: Session, user: User, round_id: int) -> dict[str, Any]:
    chosen = rw.get_round(session, round_id)
    own = {r.id: posts for r, posts in rw.rounds_for_enterprise(session, user)}
    if user.role.is_staff:
        own[round_id] = rw.posts_of(session, round_id)
    if round_id not in own:
        raise NotFound("round_id", f"没有编号为 {round_id} 的有本单位岗位的双选轮次")
    posts = [rw.applicants_of(session, user, round_id, p.internship_id)[1:] for p in own[round_id]]
    results = {(r.internship_id, r.talent_id) for r in rw.results_of(session, round_id) if r.published}
    return {"round": chosen, "posts": posts, "marks": list(RoundMark), "placed": results, "statuses": RoundStatus}


def save_marks(session: Session, user: User, round_id: int, internship_id: int, form: Mapping[str, Any],
               marks: Mapping[str, object] | None = None) -> int:
    """The form's ``mark_<talent id>`` fields, or ``marks`` by talent id (the API's object)."""
    if marks is None:
        marks = {key.removeprefix("mark_"): value for key, value in form.items() if key.startswith("mark_")}
    typed = {key: "" if value is None else str(value) for key, value in marks.items()}
    saved = rw.set_marks(session, user, round_id, internship_id, typed)
    session.commit()
    return len(saved)
