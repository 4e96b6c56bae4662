"""Domain writes for people, roles and API tokens."""
from __future__ import annotations

import enum
import hashlib
import logging
import re
import secrets
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.orm import Session, joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from docflow.api.params import parse_whole_number
from docflow.auth.models import ApiToken, LoginAttempt, Role, TokenScope, User, UserRole, WebSession
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


MAX_TOKEN_DAYS = 3650


def validate_token_request(name: str, scope: str, expires_in_days: int | str | None) -> tuple[str, TokenScope, int | None]:
    """Return a token's name, scope and lifetime in days (None: no expiry), or raise ValidationFailed."""
    name = " ".join(name.split())
    if len(name) > 200:
        raise ValidationFailed(N_("a name has at most %(max)s characters"), field="name", max=200)
    try:
        token_scope = TokenScope(scope)
    except ValueError:
        raise ValidationFailed(N_("the scope must be read, write or admin"), field="scope") from None
    days: int | None = None
    if expires_in_days not in (None, ""):
        # A JSON integer or a string of digits; 1.5, true, {} or "x" are refused, never rounded or crashed on.
        days = parse_whole_number(expires_in_days)
        if days is None or not 1 <= days <= MAX_TOKEN_DAYS:
            raise ValidationFailed(N_("a token expires after 1 to %(max)s days"), field="expires_in_days",
                                   max=MAX_TOKEN_DAYS)
    return name, token_scope, days


def issue_token(session: Session, user: User, *, name: str = "", scope: TokenScope | str = TokenScope.ADMIN,
                expires_in_days: int | str | None = None, now: datetime | None = None) -> tuple[ApiToken, str]:
    """Issue a new API token for the user; return its row and the token, which is shown only now."""
    name, token_scope, days = validate_token_request(name, scope, expires_in_days)
    now = now or utcnow()
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user_id=user.id, token_hash=hash_token(token), name=name, scope=token_scope, created_at=now,
                   expires_at=now + timedelta(days=days) if days else None)
    session.add(row)
    session.flush()
    logger.info("issued API token %s (%s%s) for %s", row.id, token_scope,
                f", {days} days" if days else "", user.username)
    return row, token


def create_token(session: Session, user: User, *, name: str = "", scope: TokenScope | str = TokenScope.ADMIN,
                 expires_in_days: int | str | None = None) -> str:
    """Issue a new API token for the user and return it; only its hash is kept."""
    return issue_token(session, user, name=name, scope=scope, expires_in_days=expires_in_days)[1]


def revoke_token(session: Session, token: ApiToken, *, by: User | None = None, now: datetime | None = None) -> bool:
    """Revoke an API token at once; tell whether it was still unrevoked."""
    if token.revoked_at is not None:
        return False
    token.revoked_at = now or utcnow()
    session.flush()
    logger.info("API token %s of user %s revoked by %s", token.id, token.user_id, by.username if by else "the CLI")
    return True


def get_token(session: Session, token_id: int, *, owner: User | None = None) -> ApiToken:
    """Return an API token by id (of `owner` when given) or raise NotFound."""
    row = session.get(ApiToken, token_id)
    if row is None or (owner is not None and row.user_id != owner.id):
        raise NotFound(N_("no API token %(id)s"), id=token_id)
    return row


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """Return a person's API tokens, newest first (revoked and expired ones too)."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def token_for_bearer(session: Session, token: str, now: datetime | None = None) -> ApiToken | None:
    """Return the valid token row (of an active user) a bearer token names, or None."""
    row = session.scalar(select(ApiToken).options(joinedload(ApiToken.user))
                         .where(ApiToken.token_hash == hash_token(token)))
    now = now or utcnow()
    if row is None or not row.is_valid(now) or not row.user.is_active:
        return None
    # Recorded to the minute: a write on every API call would make each search a write transaction.
    if row.last_used_at is None or now - row.last_used_at > TOKEN_USE_RESOLUTION:
        row.last_used_at = now
    return row


def user_for_token(session: Session, token: str) -> User | None:
    """Return the active user a valid bearer token belongs to, or None."""
    row = token_for_bearer(session, token)
    return row.user if row is not None else None


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
#
# Failures count per (username, address) pair, so that someone guessing at one account from one
# place is slowed while the owner, typing from her own desk, is not. Each failure past
# FREE_PAIR_FAILURES makes the pair wait before its next attempt, twice as long each time, at most
# MAX_PAIR_WAIT; a successful login or an unlock starts the pair afresh. An address that fails
# often across many usernames (password spraying, or one reverse proxy for a whole office) is
# slowed only for pairs that have already failed: a person whose own pair is clean always has
# her password checked, so nobody is locked out by someone else's typing.

# Failures in a row that cost no wait: a person who mistypes five times still gets in at once.
FREE_PAIR_FAILURES = 5
FIRST_PAIR_WAIT = timedelta(seconds=30)
MAX_PAIR_WAIT = timedelta(minutes=15)
PAIR_MEMORY = timedelta(hours=24)
ADDRESS_WINDOW = timedelta(minutes=15)
MAX_ADDRESS_FAILURES = 100
# More attempts of one pair than this in PAIR_MEMORY are never read: the wait is at its cap long before.
_PAIR_READ_LIMIT = 64


def _pair_wait(failures: int) -> timedelta:
    """Return the wait after `failures` failures in a row of one pair (zero while still free)."""
    extra = failures - FREE_PAIR_FAILURES - 1
    if extra < 0:
        return timedelta(0)
    return min(FIRST_PAIR_WAIT * (2 ** min(extra, 20)), MAX_PAIR_WAIT)


def _pair_failures(session: Session, username: str, ip: str, since: datetime) -> list[datetime]:
    """Return the times of the pair's failures since its last success (newest first)."""
    rows = session.execute(select(LoginAttempt.at, LoginAttempt.succeeded)
                           .where(LoginAttempt.username == username, LoginAttempt.ip == ip, LoginAttempt.at > since)
                           .order_by(LoginAttempt.at.desc(), LoginAttempt.id.desc()).limit(_PAIR_READ_LIMIT)).all()
    failures = []
    for at, succeeded in rows:
        if succeeded:
            break
        failures.append(at)
    return failures


def login_retry_at(session: Session, username: str, ip: str, now: datetime) -> datetime | None:
    """Return when this username may next try from this address, or None if she may try now."""
    username = username.strip().lower()[:80]
    since = now - PAIR_MEMORY
    unlocked_at = session.scalar(select(User.logins_unlocked_at).where(User.username == username))
    if unlocked_at is not None and unlocked_at > since:
        since = unlocked_at
    failures = _pair_failures(session, username, ip[:64], since)
    if not failures:
        return None  # a clean pair: her password is always checked
    # No wait while the pair's failures are still free: an attempt recorded by a login running at
    # the same moment may carry a time a little after `now`, and must not throttle this one.
    wait = _pair_wait(len(failures))
    retry_at = failures[0] + wait if wait else None
    recent = session.scalars(select(LoginAttempt.at)
                             .where(LoginAttempt.ip == ip[:64], LoginAttempt.succeeded.is_(False),
                                    LoginAttempt.at > now - ADDRESS_WINDOW)
                             .order_by(LoginAttempt.at.desc()).limit(MAX_ADDRESS_FAILURES)).all()
    if len(recent) >= MAX_ADDRESS_FAILURES:
        retry_at = max(retry_at or now, recent[-1] + ADDRESS_WINDOW)
    return retry_at if retry_at is not None and retry_at > now else None


def record_login_attempt(session: Session, username: str, ip: str, *, succeeded: bool,
                         at: datetime) -> LoginAttempt:
    """Remember a login attempt (failed ones count towards the throttle)."""
    attempt = LoginAttempt(username=username.strip().lower()[:80], ip=ip[:64], succeeded=succeeded, at=at)
    session.add(attempt)
    session.flush()
    return attempt


def confirm_login_attempt(session: Session, attempt: LoginAttempt) -> None:
    """Mark an attempt recorded as failed before its password was checked as the success it turned out to be."""
    session.add(attempt)
    attempt.succeeded = True
    session.flush()


def recent_login_failures(session: Session, user: User, now: datetime) -> int:
    """Return how many failed logins since her last login or unlock still count against this person."""
    since = now - PAIR_MEMORY
    if user.logins_unlocked_at is not None and user.logins_unlocked_at > since:
        since = user.logins_unlocked_at
    last_login = session.scalar(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.username == user.username, LoginAttempt.succeeded.is_(True), LoginAttempt.at > since))
    if last_login is not None:
        since = last_login
    return len(session.scalars(select(LoginAttempt.id).where(
        LoginAttempt.username == user.username, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since)).all())


def unlock_logins(session: Session, user: User, now: datetime, *, by: str) -> None:
    """Forget a person's failed logins, so that she may try again at once from anywhere."""
    user.logins_unlocked_at = now
    session.flush()
    logger.info("logins of %s unlocked by %s", user.username, by)


UNLOCK_MAIL = "login_unlock_mail"
UNLOCK_LINK_SECONDS = 3600
UNLOCK_MAIL_EVERY = timedelta(minutes=15)
_UNLOCK_SALT = "docflow-login-unlock"


def request_login_unlock(session: Session, username: str, now: datetime) -> bool:
    """Ask the worker to e-mail an unlock link to this person; tell whether one was queued.

    Nothing is queued for unknown or inactive people, people without an e-mail address, or when
    a link was queued for them within UNLOCK_MAIL_EVERY; the caller says the same in every case.
    """
    from docflow.outbox.models import OutboxJob
    from docflow.outbox.operations import enqueue_job

    user = session.scalar(select(User).where(User.username == username.strip().lower()[:80]))
    if user is None or not user.is_active or not user.email:
        return False
    recent = session.scalars(select(OutboxJob.id).where(
        OutboxJob.kind == UNLOCK_MAIL, OutboxJob.created_at > now - UNLOCK_MAIL_EVERY,
        OutboxJob.payload["user_id"].as_integer() == user.id).limit(1)).first()
    if recent is not None:
        return False
    enqueue_job(session, UNLOCK_MAIL, user_id=user.id)
    logger.info("an unlock link for %s will be e-mailed", user.username)
    return True


def _unlock_serializer(secret: str):
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(secret, salt=_UNLOCK_SALT)


def unlock_link_token(secret: str, user: User) -> str:
    """Return the signed part of an unlock link; it is good once, for UNLOCK_LINK_SECONDS."""
    stamp = user.logins_unlocked_at.isoformat() if user.logins_unlocked_at else ""
    return _unlock_serializer(secret).dumps([user.id, stamp])


def unlock_with_link(session: Session, secret: str, token: str, now: datetime) -> User | None:
    """Unlock the person an e-mailed link names; return her, or None if the link is bad, used or old."""
    from itsdangerous import BadSignature

    try:
        user_id, stamp = _unlock_serializer(secret).loads(token, max_age=UNLOCK_LINK_SECONDS)
    except (BadSignature, ValueError, TypeError):
        return None
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or not user.is_active:
        return None
    # Unlocking moves the stamp on, so the same link cannot be used twice.
    if stamp != (user.logins_unlocked_at.isoformat() if user.logins_unlocked_at else ""):
        return None
    unlock_logins(session, user, now, by="an e-mailed link")
    return user


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


def prune_login_attempts(session: Session, before: datetime, *, limit: int = 10_000) -> int:
    """Delete up to `limit` login attempts made before `before`; return how many went.

    The throttle reads a day of attempts (PAIR_MEMORY), so `before` must lie further back; callers
    loop, one transaction per call.
    """
    if before > utcnow() - PAIR_MEMORY:
        raise ValueError("login attempts of the last 24 hours are still read by the throttle")
    ids = session.scalars(select(LoginAttempt.id).where(LoginAttempt.at < before)
                          .order_by(LoginAttempt.id).limit(limit)).all()
    if ids:
        session.execute(delete(LoginAttempt).where(LoginAttempt.id.in_(ids)))
        logger.info("pruned %d login attempts made before %s", len(ids), before.isoformat(timespec="seconds"))
    return len(ids)


def prune_web_sessions(session: Session, before: datetime, *, lifetime: timedelta, idle: timedelta,
                       limit: int = 10_000) -> int:
    """Delete up to `limit` browser sessions that ended (logged out, expired or idle) before `before`.

    A session nobody closed ended when its lifetime or its idle time ran out.
    """
    ended = or_(WebSession.ended_at < before,
                and_(WebSession.ended_at.is_(None),
                     or_(WebSession.last_seen_at < before - idle, WebSession.created_at < before - lifetime)))
    ids = session.scalars(select(WebSession.id).where(ended).order_by(WebSession.id).limit(limit)).all()
    if ids:
        session.execute(delete(WebSession).where(WebSession.id.in_(ids)))
        logger.info("pruned %d browser sessions ended before %s", len(ids), before.isoformat(timespec="seconds"))
    return len(ids)
