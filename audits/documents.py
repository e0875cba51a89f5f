"""Document kinds of the audits capability (`documents.registry`): none yet. Engagements and findings generate no
document of their own (a finding's evidence files are uploads, served by the findings views); the module is here so
that the app's `ready()` imports every kind of declaration the same way as the other capabilities."""

from __future__ import annotations
