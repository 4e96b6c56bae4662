"""Domain writes for people, roles and API tokens."""
from __future__ import annotations

import enum
import hashlib
import logging
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from docflow.auth.models import ApiToken, LoginAttempt, Role, User, UserRole, WebSession
from docflow.db import apply_changes, utcnow
from docflow.errors import N_, Conflict, NotFound, ValidationFailed
from docflow.org.models import Unit

logger = logging.getLogger(__name__)

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
MIN_PASSWORD = 10
TOKEN_PREFIX = "dft_"
TOKEN_USE_RESOLUTION = timedelta(minutes=1)
_SEEN_RESOLUTION = timedelta(minutes=1)
# Checked against when the username is unknown, so that timing does not reveal which names exist.
_DUMMY_HASH = generate_password_hash("docflow-timing-equaliser", method="scrypt")


def hash_token(token: str) -> str:
    """Return the stored form of an API token."""
    return hashlib.sha256(token.encode()).hexdigest()


def validate_password(password: str) -> None:
    """Refuse passwords too short to be safe."""
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(N_("the password needs at least %(min)s characters"), field="password", min=MIN_PASSWORD)


def create_user(session: Session, *, username: str, password: str | None, roles: Iterable[Role | str] = (),
                full_name: str = "", unit: Unit | None = None, nip: str | None = None) -> User:
    """Add a person with the given roles; the password is hashed with scrypt."""
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise ValidationFailed(N_("a username is 2-80 lowercase letters, digits, dots, dashes or underscores"),
                               field="username")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(N_("the username %(username)r is taken"), field="username", username=username)
    try:
        role_set = sorted({Role(r) for r in roles})
    except ValueError:
        raise ValidationFailed(N_("roles must be among %(roles)s"), field="role", roles=", ".join(Role)) from None
    user = User(username=username, full_name=full_name.strip(), unit=unit, nip=nip or None)
    if password is not None:
        validate_password(password)
        user.password_hash = generate_password_hash(password, method="scrypt")
    user.role_rows = [UserRole(role=r) for r in role_set]
    session.add(user)
    session.flush()
    logger.info("created user %s with roles %s", username, ",".join(role_set) or "-")
    return user


def set_password(session: Session, user: User, password: str) -> None:
    """Replace a user's password."""
    validate_password(password)
    user.password_hash = generate_password_hash(password, method="scrypt")
    session.flush()
    logger.info("password of %s changed", user.username)


def login_candidate(session: Session, username: str) -> User | None:
    """Return the user a login names, before her password is checked (None: no such username)."""
    return session.scalar(select(User).where(User.username == username.strip().lower()))


def authenticate(user: User | None, password: str) -> User | None:
    """Return the user if she is active and the password is hers, else None (as slowly for an unknown name).

    Touches no database: the check is scrypt, a quarter of a second by design, so the login view
    runs it with no transaction open.
    """
    if user is None or user.password_hash is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.is_active:
        return None
    return user


def create_token(session: Session, user: User, *, name: str = "") -> str:
    """Issue a new API token for the user and return it; only its hash is kept."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), name=name[:200]))
    session.flush()
    logger.info("issued an API token for %s", user.username)
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """Return the active user a bearer token belongs to, or None."""
    row = session.scalar(select(ApiToken).options(joinedload(ApiToken.user))
                         .where(ApiToken.token_hash == hash_token(token), ApiToken.revoked_at.is_(None)))
    if row is None or not row.user.is_active:
        return None
    now = utcnow()
    # Recorded to the minute: a write on every API call would make each search a write transaction.
    if row.last_used_at is None or now - row.last_used_at > TOKEN_USE_RESOLUTION:
        row.last_used_at = now
    return row.user


def get_user(session: Session, username: str) -> User:
    """Return the user with this username or raise NotFound."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(N_("no user named %(username)r"), username=username)
    return user


_NIP = re.compile(r"^\d{18}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def validate_nip(nip: str | None) -> str | None:
    """Return a civil servant number (18 digits, spaces allowed in input) or None, or raise ValidationFailed."""
    value = "".join((nip or "").split())
    if not value:
        return None
    if not _NIP.match(value):
        raise ValidationFailed(N_("a NIP has 18 digits"), field="nip")
    return value


def validate_email(email: str) -> str:
    """Return an e-mail address (or '') or raise ValidationFailed."""
    value = email.strip()
    if value and (len(value) > 200 or not _EMAIL.match(value)):
        raise ValidationFailed(N_("an e-mail address looks like name@example.go.id"), field="email")
    return value


def update_user(session: Session, user: User, *, full_name: str, nip: str | None, rank: str, email: str,
                unit: Unit | None) -> list[str]:
    """Change a person's name, NIP, rank, e-mail or unit; return the names of the fields that changed."""
    values = {"full_name": " ".join(full_name.split()), "nip": validate_nip(nip), "rank": " ".join(rank.split()),
              "email": validate_email(email)}
    if values["nip"] is not None and session.scalar(
            select(User.id).where(User.nip == values["nip"], User.id != user.id)) is not None:
        raise Conflict(N_("another person has this NIP"), field="nip")
    changed = apply_changes(user, values)
    if user.unit_id != (unit.id if unit else None):
        user.unit = unit
        changed.append("unit")
    if changed:
        session.flush()
        logger.info("updated user %s: %s", user.username, ", ".join(changed))
    return changed


def _other_active_admins(session: Session, user: User) -> int:
    return len(session.scalars(select(UserRole.user_id).join(User, User.id == UserRole.user_id).where(
        UserRole.role == Role.ADMIN, User.is_active.is_(True), User.id != user.id)).all())


def set_roles(session: Session, user: User, roles: Iterable[Role | str]) -> bool:
    """Give a person exactly these roles; tell whether anything changed. One active administrator always remains."""
    try:
        wanted = {Role(r) for r in roles}
    except ValueError:
        raise ValidationFailed(N_("roles must be among %(roles)s"), field="roles", roles=", ".join(Role)) from None
    current = user.roles
    if wanted == current:
        return False
    losing_admin = Role.ADMIN in current and Role.ADMIN not in wanted
    if losing_admin and user.is_active and not _other_active_admins(session, user):
        raise Conflict(N_("this is the last active administrator; make someone else an administrator first"),
                       field="roles")
    # Only rows that really go or come are touched, so that (user, role) stays unique at every flush.
    user.role_rows = [row for row in user.role_rows if Role(row.role) in wanted] + [
        UserRole(role=r) for r in sorted(wanted - current)]
    session.flush()
    logger.info("roles of %s are now %s", user.username, ",".join(sorted(wanted)) or "-")
    return True


def deactivate_user(session: Session, user: User, *, actor: User | None = None) -> None:
    """Stop a person from logging in or using API tokens; their records and history stay."""
    if actor is not None and actor.id == user.id:
        raise ValidationFailed(N_("you cannot deactivate your own account"), field="active")
    if user.has_role(Role.ADMIN) and user.is_active and not _other_active_admins(session, user):
        raise Conflict(N_("this is the last active administrator; make someone else an administrator first"),
                       field="active")
    user.is_active = False
    session.flush()
    logger.info("user %s deactivated", user.username)


def reactivate_user(session: Session, user: User) -> None:
    """Let a deactivated person log in again."""
    user.is_active = True
    session.flush()
    logger.info("user %s reactivated", user.username)


# -- browser sessions and login throttling ----------------------------------------------------

LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_IP = 30


def login_wait_seconds(session: Session, username: str, ip: str, now: datetime) -> int:
    """Return how long this username/address must wait before trying again (0: may try now)."""
    since = now - LOGIN_WINDOW
    failures = [
        (MAX_FAILURES_PER_USERNAME, LoginAttempt.username == username.strip().lower()),
        (MAX_FAILURES_PER_IP, LoginAttempt.ip == ip),
    ]
    wait = 0
    for limit, condition in failures:
        times = session.scalars(select(LoginAttempt.at).where(condition, LoginAttempt.succeeded.is_(False),
                                                              LoginAttempt.at > since)
                                .order_by(LoginAttempt.at.desc()).limit(limit)).all()
        if len(times) >= limit:
            wait = max(wait, int((times[-1] + LOGIN_WINDOW - now).total_seconds()) + 1)
    return wait


def record_login_attempt(session: Session, username: str, ip: str, *, succeeded: bool) -> LoginAttempt:
    """Remember a login attempt (failed ones count towards the throttle)."""
    attempt = LoginAttempt(username=username.strip().lower()[:80], ip=ip[:64], succeeded=succeeded)
    session.add(attempt)
    session.flush()
    return attempt


def confirm_login_attempt(session: Session, attempt: LoginAttempt) -> None:
    """Mark an attempt recorded as failed before its password was checked as the success it turned out to be."""
    session.add(attempt)
    attempt.succeeded = True
    session.flush()


def start_web_session(session: Session, user: User, ip: str) -> str:
    """Open a server-side browser session for the user; return the token for the cookie."""
    token = secrets.token_urlsafe(32)
    session.add(WebSession(token_hash=hash_token(token), user_id=user.id, ip=ip[:64]))
    session.flush()
    return token


class WebSessionState(enum.StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"        # logged out, or not this user's
    IDLE = "idle"            # nothing was done in it for longer than the idle timeout
    EXPIRED = "expired"      # older than the session lifetime


def touch_web_session(session: Session, token: str | None, user_id: int, *, now: datetime, lifetime: timedelta,
                      idle: timedelta) -> WebSessionState:
    """Tell whether the cookie's session is open for that user; end it when too old or idle, else note the activity."""
    if not token:
        return WebSessionState.CLOSED
    row = session.scalar(select(WebSession).where(WebSession.token_hash == hash_token(token)))
    if row is None or row.user_id != user_id or row.ended_at is not None:
        return WebSessionState.CLOSED
    if now - row.created_at >= lifetime:
        state = WebSessionState.EXPIRED
    elif now - row.last_seen_at >= idle:
        state = WebSessionState.IDLE
    else:
        # Noted at most once a minute (or a tenth of the idle time): not a write on every page.
        if now - row.last_seen_at >= min(_SEEN_RESOLUTION, idle / 10):
            row.last_seen_at = now
            session.flush()
        return WebSessionState.ACTIVE
    row.ended_at = now
    session.flush()
    logger.info("web session %s of user %s ended: %s", row.id, user_id, state)
    return state


def end_web_session(session: Session, token: str | None) -> None:
    """Close a browser session server-side (logout)."""
    if not token:
        return
    row = session.scalar(select(WebSession).where(WebSession.token_hash == hash_token(token)))
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        session.flush()
