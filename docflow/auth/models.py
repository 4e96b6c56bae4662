"""People who use Docflow, their roles and their API tokens."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from docflow.db import Base, utcnow
from docflow.org.models import Unit


class Role(enum.StrEnum):
    DRAFTER = "drafter"
    VERIFIER = "verifier"
    SIGNER = "signer"
    RECORDS_CLERK = "records_clerk"
    ARCHIVIST = "archivist"
    ADMIN = "admin"
    # Wali Kota, Sekda, Asisten, Inspektorat, the organisation bureau: see the city-wide paperless report.
    LEADERSHIP = "leadership"


class User(Base):
    """A person with a login; rights come from roles (and, later, the positions held)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200), default="")
    nip: Mapped[str | None] = mapped_column(String(18))
    # Pangkat/golongan, shown in the signature block of civil servants.
    rank: Mapped[str] = mapped_column(String(80), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(default=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Failed logins before this moment no longer slow this person down (an administrator or an
    # e-mailed link unlocked them); it also makes an unlock link usable once.
    logins_unlocked_at: Mapped[datetime | None]

    unit: Mapped[Unit | None] = relationship()
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def roles(self) -> frozenset[Role]:
        """Return the roles this user holds."""
        return frozenset(Role(r.role) for r in self.role_rows)

    def has_role(self, role: Role) -> bool:
        """Tell whether the user holds `role`."""
        return role in self.roles

    @property
    def display_name(self) -> str:
        """Return the name to show people."""
        return self.full_name or self.username

    # Flask-Login's user protocol, without importing Flask into the model.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.username}>"


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))

    user: Mapped[User] = relationship(back_populates="role_rows")


class TokenScope(enum.StrEnum):
    """What an API token may do, always within its owner's own rights."""

    READ = "read"  # GET and HEAD only
    WRITE = "write"  # everything but the administration (/api/v1/admin)
    ADMIN = "admin"  # everything

    @property
    def rank(self) -> int:
        """Return the scope's place from narrowest (0) to widest."""
        return list(TokenScope).index(self)


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    scope: Mapped[str] = mapped_column(String(16), default=TokenScope.ADMIN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()

    def is_valid(self, now: datetime) -> bool:
        """Tell whether the token still opens the API (not revoked, not expired)."""
        return self.revoked_at is None and (self.expires_at is None or now < self.expires_at)


class WebSession(Base):
    """A browser login; logging out ends it here, so a copied cookie is worthless afterwards."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    ip: Mapped[str] = mapped_column(String(64), default="")


class LoginAttempt(Base):
    """One login attempt, kept to slow down password guessing."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    succeeded: Mapped[bool] = mapped_column(default=False)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


# Throttling reads one (username, address) pair's latest attempts.
Index("ix_login_attempts_pair", LoginAttempt.username, LoginAttempt.ip, LoginAttempt.at)
