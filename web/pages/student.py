"""学生: profile, recommended internships with the two-sided fit, apply, application status."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from data.enums import EducationLevel, Role, Visibility
from indexer.context import get_context
from web.auth import roles_required
from web.db import get_session
from web.pages.blueprint import bp
from web.services import applications, students
from web.viewer import current_actor, current_viewer, logged_in_user


@bp.route("/student/profile", methods=["GET", "POST"])
@roles_required(Role.STUDENT)
def student_profile() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    if request.method == "POST":
        saved = students.save_profile(get_session(), logged_in_user(), request.form)
        errors = saved.errors
        if not errors:
            flash(f"个人资料{saved.message}，以下是为您推荐的实习岗位")
            return redirect(url_for("pages.student_internships"))
    form = request.form if request.method == "POST" else students.profile_form(get_session(), logged_in_user())
    return render_template("student_profile.html", form=form, errors=errors, levels=list(EducationLevel),
                           visibilities=[Visibility.MEMBERS, Visibility.PRIVATE]), (400 if errors else 200)


@bp.get("/student/internships")
@roles_required(Role.STUDENT)
def student_internships() -> ResponseReturnValue:
    page = students.internships_page(get_session(), get_context(), logged_in_user(), current_viewer(), current_actor())
    if page is None:
        flash("请先填写个人资料")
        return redirect(url_for("pages.student_profile"))
    return render_template("student_internships.html", matches=page.matches, applied=page.applied,
                           problem=page.problem, talent=page.talent)


@bp.post("/student/apply/<int:internship_id>")
@roles_required(Role.STUDENT)
def student_apply(internship_id: int) -> ResponseReturnValue:
    application = applications.apply(get_session(), logged_in_user(), internship_id, current_viewer(),
                                     request.form.get("cover_letter", ""))
    flash(f"已申请：{application.internship.name}")
    return redirect(url_for("pages.student_applications"))


@bp.get("/student/applications")
@roles_required(Role.STUDENT)
def student_applications() -> ResponseReturnValue:
    return render_template("student_applications.html",
                           items=applications.my_applications(get_session(), logged_in_user()))
