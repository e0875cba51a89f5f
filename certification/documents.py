"""Document kinds of the certification capability (`documents.registry`): certificates and statements with their
QR code, and decision records (H8)."""

from __future__ import annotations
