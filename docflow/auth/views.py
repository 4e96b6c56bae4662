"""Log in and out in the browser."""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from sqlalchemy import select

from docflow.admin.queries import list_assignments
from docflow.auth.access import SESSION_KEY, web_user
from docflow.auth.models import User
from docflow.auth.forms import LoginForm
from docflow.auth.operations import (
    authenticate,
    confirm_login_attempt,
    end_web_session,
    login_candidate,
    login_wait_seconds,
    record_login_attempt,
    start_web_session,
)
from docflow.context import db_session, end_transaction, services
from docflow.db import utcnow
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


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form and start a fresh session on success."""
    form = LoginForm()
    if form.validate_on_submit():
        db = db_session()
        username, ip = form.username.data or "", request.remote_addr or ""
        wait = login_wait_seconds(db, username, ip, utcnow())
        if wait:
            logger.warning("login for %r from %s throttled for %d s", username, ip, wait)
            flash(_("Too many failed attempts. Try again in %(minutes)s minutes.", minutes=wait // 60 + 1), "error")
            return render_template("auth/login.html", form=form), 429
        candidate = login_candidate(db, username)
        # Counted as failed until the password proves right, in the transaction that checked the
        # throttle, so that logins sent at once count each other.
        attempt = record_login_attempt(db, username, ip, succeeded=False)
        # Anyone may send logins: the slow password check holds no transaction (on SQLite, the write lock).
        end_transaction()
        user = authenticate(candidate, form.password.data or "")
        if user is None:
            logger.info("failed login for %r from %s", username, ip)
            flash(_("Wrong username or password."), "error")
            return render_template("auth/login.html", form=form)
        confirm_login_attempt(db, attempt)
        session.clear()  # a new session at login: nothing from before survives
        session[SESSION_KEY] = start_web_session(db, user, ip)
        login_user(user)
        logger.info("user %s logged in", user.username)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


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


@bp.get("/profile")
@login_required
def profile():
    """Show who I am here: unit, positions, Plt./Plh. appointments, and my language."""
    from docflow.app import LANGUAGES

    user = web_user()
    return render_template("auth/profile.html", user=user,
                           assignments=list_assignments(db_session(), user=user, current_on=services().today()),
                           delegations=_delegations_of(user), languages=[(c, LANGUAGE_NAMES[c]) for c in LANGUAGES],
                           chosen=request.cookies.get(LANGUAGE_COOKIE, ""), current_locale=str(get_locale()))


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
