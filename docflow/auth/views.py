"""Log in and out in the browser."""
from __future__ import annotations

import logging
import math
from datetime import datetime
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from sqlalchemy import select

from docflow.admin.queries import list_assignments
from docflow.auth.access import SESSION_KEY, web_user
from docflow.auth.models import TokenScope, User
from docflow.auth.forms import LoginForm
from docflow.auth.operations import (
    MAX_TOKEN_DAYS,
    authenticate,
    confirm_login_attempt,
    end_web_session,
    get_token,
    issue_token,
    list_tokens,
    login_candidate,
    login_retry_at,
    record_login_attempt,
    request_login_unlock,
    revoke_token,
    start_web_session,
    unlock_with_link,
)
from docflow.context import client_address, db_session, end_transaction, services
from docflow.errors import ValidationFailed
from docflow.health.metrics import count_login_failure
from docflow.org.models import Delegation

logger = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)

LANGUAGE_COOKIE = "lang"
LANGUAGE_COOKIE_SECONDS = 365 * 24 * 3600
# The names are written in their own language, so that anyone can find theirs.
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("workflow.dashboard")


def _unlock_by_mail() -> bool:
    """Tell whether people can unlock themselves by an e-mailed link (mail and public_url are set)."""
    settings = services().settings
    return bool(settings.mail.host and settings.server.public_url)


def _login_page(form: LoginForm, status: int = 200, *, retry_at: datetime | None = None):
    response = make_response(render_template("auth/login.html", form=form, locked=retry_at is not None,
                                             unlock_by_mail=_unlock_by_mail()), status)
    if retry_at is not None:
        response.headers["Retry-After"] = str(max(1, math.ceil((retry_at - services().now()).total_seconds())))
    return response


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and start a fresh session on success."""
    form = LoginForm()
    if form.validate_on_submit():
        db = db_session()
        username, ip, now = form.username.data or "", client_address(), services().now()
        retry_at = login_retry_at(db, username, ip, now)
        if retry_at is not None:
            logger.warning("login for %r from %s throttled until %s", username, ip, retry_at.isoformat())
            when = retry_at.astimezone(services().timezone).strftime("%H:%M:%S %Z")
            flash(_("Too many failed attempts. Try again at %(time)s.", time=when), "error")
            return _login_page(form, 429, retry_at=retry_at)
        candidate = login_candidate(db, username)
        # Counted as failed until the password proves right, in the transaction that checked the
        # throttle, so that logins sent at once count each other.
        attempt = record_login_attempt(db, username, ip, succeeded=False, at=now)
        # Anyone may send logins: the slow password check holds no transaction (on SQLite, the write lock).
        end_transaction()
        user = authenticate(candidate, form.password.data or "")
        if user is None:
            count_login_failure()  # operators watch these in /metrics
            logger.info("failed login for %r from %s", username, ip)
            flash(_("Wrong username or password."), "error")
            # 200 with the message (not 401): the failed attempt must be committed to count.
            return _login_page(form)
        confirm_login_attempt(db, attempt)
        session.clear()  # a new session at login: nothing from before survives
        session[SESSION_KEY] = start_web_session(db, user, ip)
        login_user(user)
        logger.info("user %s logged in", user.username)
        return redirect(_safe_next(request.args.get("next")))
    return _login_page(form)


@bp.route("/login/unlock", methods=["GET", "POST"])
def request_unlock():
    """Let a locked-out person ask for an unlock link by e-mail (when mail is set up)."""
    if request.method == "POST" and _unlock_by_mail():
        # The same answer whether or not the account exists, so that nobody learns usernames here.
        request_login_unlock(db_session(), request.form.get("username", ""), services().now())
        flash(_("If this account has an e-mail address, a link to unlock it is on its way. "
                "The link works once, within an hour."), "info")
        return redirect(url_for(".login"))
    return render_template("auth/unlock.html", unlock_by_mail=_unlock_by_mail())


@bp.route("/login/unlock/<token>", methods=["GET", "POST"])
def unlock(token: str):
    """Unlock the logins of the person an e-mailed link names (a button, so that link scanners do nothing)."""
    if request.method == "GET":
        return render_template("auth/unlock_confirm.html", token=token)
    user = unlock_with_link(db_session(), current_app.secret_key, token, services().now())
    if user is None:
        flash(_("This unlock link is invalid, used or expired. Ask for a new one or ask an administrator."),
              "error")
        return redirect(url_for(".request_unlock"))
    flash(_("Your account is unlocked. You can log in now."), "success")
    return redirect(url_for(".login"))


@bp.post("/logout")
@login_required
def logout():
    """End the session."""
    end_web_session(db_session(), session.get(SESSION_KEY))
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


def _delegations_of(user: User) -> list[Delegation]:
    """Return the Plt./Plh. appointments this person holds, in force or to come."""
    stmt = (select(Delegation)
            .where(Delegation.delegate_user_id == user.id, Delegation.revoked.is_(False),
                   Delegation.ends_on >= services().today())
            .order_by(Delegation.starts_on))
    return list(db_session().scalars(stmt))


def _profile_page(*, new_token: str | None = None, error: ValidationFailed | None = None):
    from docflow.app import LANGUAGES

    user = web_user()
    return render_template("auth/profile.html", user=user,
                           assignments=list_assignments(db_session(), user=user, current_on=services().today()),
                           delegations=_delegations_of(user), languages=[(c, LANGUAGE_NAMES[c]) for c in LANGUAGES],
                           chosen=request.cookies.get(LANGUAGE_COOKIE, ""), current_locale=str(get_locale()),
                           tokens=list_tokens(db_session(), user), now=services().now(),
                           scopes=list(TokenScope), new_token=new_token, max_token_days=MAX_TOKEN_DAYS,
                           token_errors=error.as_errors() if error else [],
                           revoke_url=lambda t: url_for(".revoke_my_token", token_id=t.id),
                           values=request.form if error else {})


@bp.get("/profile")
@login_required
def profile():
    """Show who I am here: unit, positions, Plt./Plh. appointments, API tokens, and my language."""
    return _profile_page()


@bp.post("/profile/tokens")
@login_required
def create_token():
    """Issue an API token for myself and show it, once."""
    user = web_user()
    try:
        with db_session().begin_nested():
            _, token = issue_token(db_session(), user, name=request.form.get("name", ""),
                                   scope=request.form.get("scope", ""),
                                   expires_in_days=request.form.get("expires_in_days", "").strip() or None,
                                   now=services().now())
    except ValidationFailed as exc:
        return _profile_page(error=exc), 400
    # Shown on this page, never in a flash message (those travel in the session cookie), and never cached.
    response = make_response(_profile_page(new_token=token))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/profile/tokens/<id:token_id>/revoke")
@login_required
def revoke_my_token(token_id: int):
    """Revoke one of my API tokens."""
    user = web_user()
    revoke_token(db_session(), get_token(db_session(), token_id, owner=user), by=user, now=services().now())
    flash(_("The API token was revoked."), "success")
    return redirect(url_for(".profile") + "#tokens")


@bp.post("/profile/language")
@login_required
def set_language():
    """Remember the chosen language of the pages in a cookie (CSRF-checked like every form)."""
    from docflow.app import LANGUAGES

    choice = request.form.get("lang", "")
    response = redirect(url_for(".profile"))
    if choice not in LANGUAGES:
        flash(_("Choose one of the languages offered."), "error")
        return response
    response.set_cookie(LANGUAGE_COOKIE, choice, max_age=LANGUAGE_COOKIE_SECONDS, httponly=True, samesite="Lax",
                        secure=services().settings.server.secure_cookies)
    logger.info("user %s chose the language %s", web_user().username, choice)
    # The message is shown on the next page, which is already in the chosen language: say it in that one.
    with force_locale(choice):
        flash(_("The language was saved."), "success")
    return response
