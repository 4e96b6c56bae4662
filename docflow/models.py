"""Import every feature's models so that Base.metadata knows all tables (for Alembic and tests)."""
from docflow.auth.models import ApiToken, Role, User, UserRole
from docflow.db import Base
from docflow.documents.models import Document, DocumentGrant, Version
from docflow.org.models import Unit
from docflow.outbox.models import OutboxJob

__all__ = ["ApiToken", "Base", "Document", "DocumentGrant", "OutboxJob", "Role", "Unit", "User", "UserRole", "Version"]
