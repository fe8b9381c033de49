"""Log in, log out; the current user as a matching ``Viewer``; role checks."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from data.workflows.accounts import (SELF_SERVICE_ROLES, AccountError, approve_account, authenticate, change_password,
                           dummy_hash, end_sessions, pending_accounts, register, rename, shown_name, user_for_token)
from data.enums import MemberLevel, OrgKind, Role
from data.models import Organization, User
from data.reference.regions import get_region
from data.reference.vocabulary import FIELD_NAMES
from data.workflows.joining import FIELDS as JOIN_FIELDS
from data.workflows.joining import apply_as_new_organization, suggest_organizations
from data.workflows.membership import touch_activity
from web.db import get_session
from web.errors import AppError
from web.security import LOGIN_LIMIT, limiter, safe_next

bp = Blueprint("auth", __name__)
# Per client address. A class registering from one campus address stays under the first.
REGISTER_LIMIT = "60 per hour"
JOIN_LIMIT = "10 per hour"  # new-organization applications
login_manager = LoginManager()
csrf = CSRFProtect()


class LoginForm(FlaskForm):
    username = StringField("用户名", validators=[DataRequired("请填写用户名"), Length(max=64)])
    password = PasswordField("密码", validators=[DataRequired("请填写密码")])


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """The user a session or remember-me cookie names (``User.get_id``), while it is still valid:
    the account exists and is active, and neither its session version (raised by logout, a new
    password, deactivation) nor its password changed since the session was opened."""
    user_id = token.split(":", 1)[0]
    if not (user_id.isascii() and user_id.isdigit() and len(user_id) <= 10):
        return None
    user = get_session().get(User, int(user_id))
    if user is None or not user.active or not hmac.compare_digest(user.get_id(), token):
        return None
    return user


@login_manager.request_loader
def load_user_from_token(req) -> User | None:  # type: ignore[no-untyped-def]
    """Machine clients of the API send ``Authorization: Bearer <token>``."""
    header = req.headers.get("Authorization", "")
    if not req.path.startswith("/api/") or not header.startswith("Bearer "):
        return None
    user = user_for_token(get_session(), header.removeprefix("Bearer ").strip())
    if user is None:
        raise AppError(401, "API 令牌无效或已撤销", "Authorization", code="invalid_token")
    return user


def roles_required(*roles: Role) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Only users with one of ``roles`` (staff and admins always) may call the view."""
    def wrap(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        @login_required
        def inner(*args: Any, **kwargs: Any) -> Any:
            if current_user.role not in roles and not current_user.role.is_staff:
                raise AppError(403, "当前账号的角色不能进行此操作")
            return view(*args, **kwargs)
        return inner
    return wrap


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(LOGIN_LIMIT, methods=["POST"])
def login():  # type: ignore[no-untyped-def]
    form = LoginForm()
    if form.validate_on_submit():
        session = get_session()
        try:
            user = authenticate(session, form.username.data or "", form.password.data or "", get_remote_address())
        except AccountError as exc:
            user, form.password.errors = None, [str(exc)]
        else:
            touch_activity(session, user.org_id)
        session.commit()  # failed attempts count towards the back-off
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("pages.home"))
    return render_template("login.html", form=form)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(REGISTER_LIMIT, methods=["POST"])
def register_account():  # type: ignore[no-untyped-def]
    errors: dict[str, str] = {}
    suggestions: list[tuple[Organization, str]] = []  # (organization, its region's name)
    form = request.form if request.method == "POST" else request.args
    if request.method == "POST":
        session = get_session()
        user, errors = register(session, request.form)
        if user is not None:
            session.commit()
            flash("注册申请已提交，秘书处审核通过后即可登录")
            return redirect(url_for("auth.login"))
        if "org_name" in errors and (typed := (form.get("org_pick") or form.get("org_name") or "").strip()):
            suggestions = [(o, r.full_name if (r := get_region(o.region_code)) else "")
                           for o in suggest_organizations(session, typed)]
    return render_template("register.html", errors=errors, form=form, roles=SELF_SERVICE_ROLES,
                           suggestions=suggestions), (400 if errors else 200)


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(JOIN_LIMIT, methods=["POST"])
def join():  # type: ignore[no-untyped-def]
    """「申请以新单位加入」: a new organization applies (no account needed)."""
    errors: dict[str, str] = {}
    form = request.form if request.method == "POST" else request.args
    if request.method == "POST":
        session = get_session()
        applied = apply_as_new_organization(session, request.form)
        errors = applied.errors
        if applied.application is not None:
            name = applied.application.org_name
            session.commit()
            flash(f"「{name}」的入驻与入会申请已提交。秘书处审核通过后，本单位人员即可在「注册」中填写单位名称注册账号")
            return redirect(url_for("auth.register_account", org_name=name))
    return render_template("join.html", errors=errors, form=form, kinds=list(OrgKind), fields=FIELD_NAMES,
                           levels=list(MemberLevel), labels=dict(JOIN_FIELDS)), (400 if errors else 200)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():  # type: ignore[no-untyped-def]
    """账号设置: the account's name (the header shows it from the next page on)."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        session = get_session()
        errors = rename(session, current_user._get_current_object(), request.form.get("display_name", ""))
        if not errors:
            session.commit()
            flash("姓名或称呼已修改")
            return redirect(url_for("auth.account"))
    return render_template("account.html", errors=errors, form=request.form), (400 if errors else 200)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():  # type: ignore[no-untyped-def]
    errors: dict[str, str] = {}
    if request.method == "POST":
        session = get_session()
        form = request.form
        errors = change_password(session, current_user, form.get("old", ""), form.get("new", ""), form.get("new2", ""))
        if not errors:
            session.commit()  # every session of the account ends with the old password…
            login_user(current_user._get_current_object())  # …except this one, renewed
            flash("密码已修改，其他设备上的登录已退出")
            return redirect(url_for("pages.mine"))
    return render_template("password.html", errors=errors), (400 if errors else 200)


@bp.get("/staff/accounts")
@roles_required(Role.STAFF)
def pending():  # type: ignore[no-untyped-def]
    return render_template("staff_accounts.html", users=pending_accounts(get_session()))


@bp.post("/staff/accounts/<int:user_id>")
@roles_required(Role.STAFF)
def decide_account(user_id: int):  # type: ignore[no-untyped-def]
    session = get_session()
    approve = request.form.get("decision") == "approve"
    user = approve_account(session, current_user, user_id, approve)
    username = user.username
    session.commit()
    flash(f"已{'通过' if approve else '拒绝'}账号「{username}」的注册")
    return redirect(url_for("auth.pending"))


@bp.post("/logout")
@login_required
def logout():  # type: ignore[no-untyped-def]
    session = get_session()
    end_sessions(session, current_user._get_current_object())  # a copy of the cookie dies too
    session.commit()
    logout_user()
    flash("已退出登录")
    return redirect(url_for("pages.home"))


def init_app(app: Flask) -> None:
    dummy_hash()
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "请先登录"
    csrf.init_app(app)
    app.register_blueprint(bp)

    @app.context_processor
    def account_name() -> dict[str, str]:
        """The header's name for the user, from the account as loaded for this request."""
        return {"account_name": shown_name(current_user) if current_user.is_authenticated else ""}

    @app.errorhandler(CSRFError)
    def csrf_error(_exc: CSRFError):  # type: ignore[no-untyped-def]
        from web.errors import respond

        return respond(400, "csrf", "页面已过期或缺少安全令牌，请刷新页面后重试")
