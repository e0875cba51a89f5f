"""The certification capability's models."""

from .certificates import (  # noqa: F401
    CERTIFYING,
    Certificate,
    CertificateStatus,
    CertificateVersion,
    Numbering,
    NumberingKind,
    Statement,
    StatementQuantity,
    StatementStatus,
    VerificationCount,
)
from .certsearch import CertSearchUpload, CertSearchUploadStatus  # noqa: F401
from .decisions import (  # noqa: F401
    CERTIFICATE_DECISIONS,
    ENGAGEMENT_DECISIONS,
    OPINIONS,
    Decision,
    DecisionKind,
    Proposal,
    ProposalKind,
    ProposalStatus,
)
from .programme import DueKind, DueStatus, ProgrammeDue  # noqa: F401
from .reviews import Review, ReviewComment, ReviewStatus  # noqa: F401
