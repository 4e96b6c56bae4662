"""Log in and out in the browser."""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from docflow.auth.access import SESSION_KEY
from docflow.auth.forms import LoginForm
from docflow.auth.operations import (
    authenticate,
    end_web_session,
    login_wait_seconds,
    record_login_attempt,
    start_web_session,
)
from docflow.context import db_session
from docflow.db import utcnow

logger = logging.getLogger(__name__)

bp = Blueprint("auth", __name__)


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
        user = authenticate(db, username, form.password.data or "")
        record_login_attempt(db, username, ip, succeeded=user is not None)
        if user is None:
            logger.info("failed login for %r from %s", username, ip)
            flash(_("Wrong username or password."), "error")
            # 200 with the message (not 401): the failed attempt must be committed to count.
            return render_template("auth/login.html", form=form)
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
