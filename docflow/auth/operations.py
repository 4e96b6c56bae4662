"""Domain writes for people, roles and API tokens."""
from __future__ import annotations

import hashlib
import logging
import re
import secrets
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from docflow.auth.models import ApiToken, Role, User, UserRole
from docflow.db import utcnow
from docflow.errors import Conflict, NotFound, ValidationFailed
from docflow.org.models import Unit

logger = logging.getLogger(__name__)

_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,79}$")
MIN_PASSWORD = 10
TOKEN_PREFIX = "dft_"
# Checked against when the username is unknown, so that timing does not reveal which names exist.
_DUMMY_HASH = generate_password_hash("docflow-timing-equaliser", method="scrypt")


def hash_token(token: str) -> str:
    """Return the stored form of an API token."""
    return hashlib.sha256(token.encode()).hexdigest()


def validate_password(password: str) -> None:
    """Refuse passwords too short to be safe."""
    if len(password) < MIN_PASSWORD:
        raise ValidationFailed(f"the password needs at least {MIN_PASSWORD} characters", field="password")


def create_user(session: Session, *, username: str, password: str | None, roles: Iterable[Role | str] = (),
                full_name: str = "", unit: Unit | None = None, nip: str | None = None) -> User:
    """Add a person with the given roles; the password is hashed with scrypt."""
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise ValidationFailed("a username is 2-80 lowercase letters, digits, dots, dashes or underscores",
                               field="username")
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"the username {username!r} is taken", field="username")
    try:
        role_set = sorted({Role(r) for r in roles})
    except ValueError:
        raise ValidationFailed(f"roles must be among {', '.join(Role)}", field="role") from None
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


def authenticate(session: Session, username: str, password: str) -> User | None:
    """Return the active user with this username and password, or None."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
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
    row = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token),
                                                ApiToken.revoked_at.is_(None)))
    if row is None or not row.user.is_active:
        return None
    row.last_used_at = utcnow()
    return row.user


def get_user(session: Session, username: str) -> User:
    """Return the user with this username or raise NotFound."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        raise NotFound(f"no user named {username!r}")
    return user
