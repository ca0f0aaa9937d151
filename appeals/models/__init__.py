"""SQLAlchemy models, one module per area. Importing this package registers every table."""

from .base import Owned, new_id, utcnow  # noqa: F401
from .accounts import ApiToken, Invitation, Organization, User  # noqa: F401
from .audit import AuditEvent  # noqa: F401
from .appeals import Appeal, Letter  # noqa: F401
from .templates import LetterTemplate, TemplatePreviewPage, TemplateVersion  # noqa: F401
from .batches import Batch, BatchRow, ColumnMapping  # noqa: F401
from .documents import DocumentDraft  # noqa: F401
