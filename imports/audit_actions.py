"""The import batches the trail names (`core.audit`). Their actions are their kind's capability's
(`<audit_prefix>.previewed` / `.applied`), so each capability labels them in its own `audit_actions.py`."""

from __future__ import annotations

from core.audit import declare_audit_record
from core.labels import RegistryChoices

from .registry import KINDS

declare_audit_record("imports.importbatch", choices={"kind": RegistryChoices(KINDS)})
