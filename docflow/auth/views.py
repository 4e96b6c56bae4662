"""Log in and out in the browser."""
from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from docflow.auth import access as _access  # noqa: F401  (registers the user loader)
from docflow.auth.forms import LoginForm
from docflow.auth.operations import authenticate
from docflow.context import db_session

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
        user = authenticate(db_session(), form.username.data or "", form.password.data or "")
        if user is None:
            logger.info("failed login for %r from %s", form.username.data, request.remote_addr)
            flash(_("Wrong username or password."), "error")
            return render_template("auth/login.html", form=form), 401
        session.clear()  # a new session at login: nothing from before survives
        login_user(user)
        logger.info("user %s logged in", user.username)
        return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    """End the session."""
    logout_user()
    session.clear()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))
