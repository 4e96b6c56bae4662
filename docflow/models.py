"""Import every feature's models so that Base.metadata knows all tables (for Alembic and tests)."""
from docflow.audit.models import AuditEvent, AuditHead
from docflow.auth.models import ApiToken, LoginAttempt, Role, User, UserRole, WebSession
from docflow.db import Base
from docflow.documents.classification import ClassificationCode  # noqa: F401
from docflow.documents.models import DamagedObject, Document, DocumentGrant, DocumentRecipient, Version
from docflow.documents.models import DocumentDeskGrant, LegalHold  # noqa: F401
from docflow.dispatch.models import Delivery  # noqa: F401
from docflow.drafting.models import LetterTemplate  # noqa: F401
from docflow.export.models import LegacyImport  # noqa: F401
from docflow.incoming.models import (  # noqa: F401
    AgendaRegister,
    Disposition,
    DispositionInstruction,
    FollowUpAttachment,
    IncomingAddressee,
    IncomingLetter,
    IncomingReply,
)
from docflow.incoming.intake_models import IntakeSource, PendingRegistration  # noqa: F401
from docflow.org.models import Assignment, Delegation, Position, Unit
from docflow.outbox.heartbeat import WorkerHeartbeat
from docflow.reports.models import ReportSnapshot  # noqa: F401
from docflow.outbox.models import OutboxJob
from docflow.retention.models import RetentionBatch, RetentionItem  # noqa: F401
from docflow.signing.models import CertificateAuthority, SignerCredential, VerificationToken  # noqa: F401
from docflow.workflow.models import AllocatedNumber, DocumentTypeRule, HeldNumber, NumberRegister, RouteStep

__all__ = [
    "AllocatedNumber", "ApiToken", "HeldNumber", "Assignment", "AuditEvent", "AuditHead", "Base", "DamagedObject", "Delegation",
    "Document",
    "DocumentGrant", "DocumentRecipient", "DocumentTypeRule", "NumberRegister", "OutboxJob", "Position", "Role",
    "RouteStep", "Unit", "User", "UserRole", "Version", "WebSession", "LoginAttempt", "WorkerHeartbeat",
]
