"""学生: profile, recommended internships with the two-sided fit, apply, application status."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from data.enums import EducationLevel, Role, Visibility
from data.pools import Pool
from data.sheets.columns import columns_of
from data.sheets.exporter import format_cell
from data.workflows.students import applications_of, apply, profile_of, save_profile
from indexer.context import get_context
from indexer.store import IndexError_
from matcher.directions import talent_internships
from matcher.recommend import recommend
from web import services
from web.auth import roles_required
from web.db import get_session
from web.errors import AppError
from web.pages.blueprint import bp
from web.viewer import current_actor, current_viewer


@bp.route("/student/profile", methods=["GET", "POST"])
@roles_required(Role.STUDENT)
def student_profile():  # type: ignore[no-untyped-def]
    session = get_session()
    talent = profile_of(session, current_user)
    errors: dict[str, str] = {}
    if request.method == "POST":
        saved = save_profile(session, current_user, request.form)
        errors = saved.errors
        if not errors:
            session.commit()
            flash(f"个人资料{saved.message}，以下是为您推荐的实习岗位")
            return redirect(url_for("pages.student_internships"))
    form = request.form if request.method == "POST" else _form_of(talent)
    return render_template("student_profile.html", form=form, errors=errors, levels=list(EducationLevel),
                           visibilities=[Visibility.MEMBERS, Visibility.PRIVATE]), (400 if errors else 200)


def _form_of(talent):  # type: ignore[no-untyped-def]
    if talent is None:
        return {"姓名": current_user.display_name, "可见范围": Visibility.MEMBERS.label}
    return {c.header: ("" if (v := format_cell(c, talent)) is None else str(v)) for c in columns_of(Pool.TALENT)}


@bp.get("/student/internships")
@roles_required(Role.STUDENT)
def student_internships():  # type: ignore[no-untyped-def]
    session = get_session()
    talent = profile_of(session, current_user)
    if talent is None:
        flash("请先填写个人资料")
        return redirect(url_for("pages.student_profile"))
    try:
        key = talent_internships.DIRECTION.key
        matches = recommend(session, get_context(), Pool.TALENT, talent.id, key,
                            viewer=current_viewer(), actor=current_actor(), k=10)
        problem = None
        services.note_shown({key: len(matches)})
    except IndexError_ as exc:
        matches, problem = [], str(exc)
    applied = {a.internship_id: a for a in applications_of(session, talent)}
    return render_template("student_internships.html", matches=matches, applied=applied, problem=problem,
                           talent=talent)


@bp.post("/student/apply/<int:internship_id>")
@roles_required(Role.STUDENT)
def student_apply(internship_id: int):  # type: ignore[no-untyped-def]
    session = get_session()
    talent = profile_of(session, current_user)
    if talent is None:
        raise AppError(400, "请先填写个人资料", "profile")
    services.get_record(session, Pool.INTERNSHIP, internship_id, current_viewer())  # hidden posts answer as missing
    application = apply(session, talent, internship_id, actor=current_user._get_current_object())
    session.commit()
    flash(f"已申请：{application.internship.name}")
    return redirect(url_for("pages.student_applications"))


@bp.get("/student/applications")
@roles_required(Role.STUDENT)
def student_applications():  # type: ignore[no-untyped-def]
    session = get_session()
    talent = profile_of(session, current_user)
    return render_template("student_applications.html", items=applications_of(session, talent) if talent else [])
