"""What the retention pages and API share within a request: the city's day and rules, where berita acara go."""
from __future__ import annotations

from docflow.auth.models import Role, User
from docflow.context import services
from docflow.errors import N_, PermissionDenied
from docflow.retention.operations import BeritaAcaraFiling, RetentionContext


def retention_context() -> RetentionContext:
    """Return today's retention context of the city."""
    svc = services()
    return RetentionContext(today=svc.today(), tz=svc.timezone, settings=svc.settings.retention,
                            workflow=svc.settings.workflow)


def berita_acara_filing() -> BeritaAcaraFiling:
    """Return where an approved batch's berita acara is received and stored."""
    svc = services()
    return BeritaAcaraFiling(store=svc.store, spool_dir=svc.spool_dir, max_bytes=svc.settings.max_upload_bytes,
                             allowed_types=svc.settings.uploads.allowed_types)


def is_archives_unit(user: User) -> bool:
    """Tell whether the user works the archives unit's lists (archivists; administrators look on)."""
    return user.is_active and bool(user.roles & {Role.ARCHIVIST, Role.ADMIN})


def require_archives_unit(user: User) -> None:
    """Refuse anyone but the archives unit and administrators."""
    if not is_archives_unit(user):
        raise PermissionDenied(N_("the retention lists are for the archives unit"))
