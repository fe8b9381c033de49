"""Log in, log out; the current user as a matching ``Viewer``; role checks."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Flask, Request, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_limiter.util import get_remote_address
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from data.workflows.accounts import SELF_SERVICE_ROLES, dummy_hash, pending_accounts, shown_name, user_for_token
from data.enums import MemberLevel, OrgKind, Role
from data.models import Organization, User
from data.reference.vocabulary import FIELD_NAMES
from data.workflows.joining import FIELDS as JOIN_FIELDS
from web.db import get_session
from web.errors import AppError
from web.security import LOGIN_LIMIT, limiter, safe_next
from web.services import accounts

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
def load_user_from_token(req: Request) -> User | None:
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
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        user, problem = accounts.log_in(get_session(), form.username.data or "", form.password.data or "",
                                        get_remote_address())
        if user is not None:
            login_user(user)
            return redirect(safe_next(request.args.get("next")) or url_for("pages.home"))
        form.password.errors = [problem]
    return render_template("login.html", form=form)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(REGISTER_LIMIT, methods=["POST"])
def register_account() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    suggestions: list[tuple[Organization, str]] = []  # (organization, its region's name)
    if request.method == "POST":
        user, errors, suggestions = accounts.register(get_session(), request.form)
        if user is not None:
            flash("注册申请已提交，秘书处审核通过后即可登录")
            return redirect(url_for("auth.login"))
    return render_template("register.html", errors=errors, form=request.form if request.method == "POST" else request.args,
                           roles=SELF_SERVICE_ROLES, suggestions=suggestions), (400 if errors else 200)


@bp.route("/join", methods=["GET", "POST"])
@limiter.limit(JOIN_LIMIT, methods=["POST"])
def join() -> ResponseReturnValue:
    """「申请以新单位加入」: a new organization applies (no account needed)."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        applied = accounts.apply_to_join(get_session(), request.form)
        errors = applied.errors
        if applied.application is not None:
            name = applied.application.org_name
            flash(f"「{name}」的入驻与入会申请已提交。秘书处审核通过后，本单位人员即可在「注册」中填写单位名称注册账号")
            return redirect(url_for("auth.register_account", org_name=name))
    return render_template("join.html", errors=errors, form=request.form if request.method == "POST" else request.args,
                           kinds=list(OrgKind), fields=FIELD_NAMES, levels=list(MemberLevel),
                           labels=dict(JOIN_FIELDS)), (400 if errors else 200)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> ResponseReturnValue:
    """账号设置: the account's name (the header shows it from the next page on)."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = accounts.rename(get_session(), current_user._get_current_object(), request.form.get("display_name", ""))
        if not errors:
            flash("姓名或称呼已修改")
            return redirect(url_for("auth.account"))
    return render_template("account.html", errors=errors, form=request.form), (400 if errors else 200)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password() -> ResponseReturnValue:
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = accounts.change_password(get_session(), current_user._get_current_object(), request.form)
        if not errors:
            login_user(current_user._get_current_object())  # every other session ended with the old password
            flash("密码已修改，其他设备上的登录已退出")
            return redirect(url_for("pages.mine"))
    return render_template("password.html", errors=errors), (400 if errors else 200)


@bp.get("/staff/accounts")
@roles_required(Role.STAFF)
def pending() -> ResponseReturnValue:
    return render_template("staff_accounts.html", users=pending_accounts(get_session()))


@bp.post("/staff/accounts/<int:user_id>")
@roles_required(Role.STAFF)
def decide_account(user_id: int) -> ResponseReturnValue:
    approve = request.form.get("decision") == "approve"
    username = accounts.decide_account(get_session(), current_user._get_current_object(), user_id, approve)
    flash(f"已{'通过' if approve else '拒绝'}账号「{username}」的注册")
    return redirect(url_for("auth.pending"))


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    accounts.log_out(get_session(), current_user._get_current_object())
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
    def csrf_error(_exc: CSRFError) -> ResponseReturnValue:
        from web.errors import respond

        return respond(400, "csrf", "页面已过期或缺少安全令牌，请刷新页面后重试")
