"""Certificate and statement numbers: the pattern a body sets (`numbering_set`) and the next number under it
(`next_number`). The sequence only grows and a number already used by the body is skipped, so a number is never
reused — not after a pattern change, not after a rolled-back issue (the row lock makes the sequence advance with
the caller's transaction)."""

from __future__ import annotations

import datetime
import re
import string

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from bodies.models.tenants import Body
from core.audit import audit_record
from core.errors import field_error
from core.types import Actor

from ..error_codes import CertificationErrorCode
from ..models import Certificate, Numbering, NumberingKind, Statement
from ..permissions import require_manage_certificates

#: the pattern a body has until it sets its own
DEFAULT_PATTERNS = {
    NumberingKind.CERTIFICATE: "{body}-C-{year}-{seq:05d}",
    NumberingKind.STATEMENT: "{body}-S-{year}-{seq:05d}",
}
NUMBER_MAX_LENGTH = 60
_SEQ_FORMAT = re.compile(r"^0?([1-9])d$")
#: the largest sequence a pattern is checked against (a body issuing a million numbers is far away)
_CHECK_SEQUENCE = 999_999


def body_code(body: Body) -> str:
    """`{body}`: the body's short name, or a slug of its legal name, in capitals."""
    code = (body.short_name or "").strip() or slugify(body.legal_name)
    return code.upper().replace(" ", "-")


def _format(pattern: str, *, body: Body, year: int, seq: int) -> str:
    return pattern.format(body=body_code(body), year=f"{year:04d}", seq=seq)


def pattern_errors(pattern: str, *, body: Body) -> list[str]:
    """Why `pattern` is not usable (empty when it is): `{seq}` present once, only `{body}`, `{year}`, `{seq}` and
    `{seq:0Nd}` as placeholders, and a number of at most 60 characters."""
    errors: list[str] = []
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError:
        return [_("The pattern has an unmatched brace: write a literal brace as {{ or }}.")]
    fields: list[str] = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        fields.append(name)
        if name not in {"body", "year", "seq"} or conversion:
            errors.append(_("Unknown placeholder {%(name)s}: use {body}, {year} and {seq}.") % {"name": name})
        elif spec and (name != "seq" or not _SEQ_FORMAT.match(spec)):
            errors.append(
                _(
                    "The placeholder {%(name)s:%(spec)s} is not allowed: only {seq} takes a width, as {seq:05d}."
                )
                % {"name": name, "spec": spec}
            )
    if fields.count("seq") != 1:
        errors.append(_("The pattern must contain {seq} exactly once."))
    if errors:
        return errors
    longest = _format(pattern, body=body, year=9999, seq=_CHECK_SEQUENCE)
    if len(longest) > NUMBER_MAX_LENGTH:
        errors.append(
            _(
                "A number under this pattern could be %(length)s characters long (%(example)s); at most %(max)s."
            )
            % {"length": len(longest), "example": longest, "max": NUMBER_MAX_LENGTH}
        )
    return errors


def numbering_set(*, body: Body, kind: str, pattern: str, actor: Actor) -> Numbering:
    """Sets the body's pattern for certificate or statement numbers (a body administrator,
    `manage_certificates`). The sequence carries on: changing the pattern never restarts it."""
    require_manage_certificates(actor, body)
    if kind not in NumberingKind.values:
        raise field_error(
            "kind", _("Choose certificates or statements."), CertificationErrorCode.NUMBERING_INVALID
        )
    pattern = (pattern or "").strip()
    errors = pattern_errors(pattern, body=body)
    if errors:
        raise field_error("pattern", " ".join(errors), CertificationErrorCode.NUMBERING_INVALID)
    with transaction.atomic():
        numbering = _locked(body, kind)
        before = {"pattern": numbering.pattern}
        if numbering.pattern != pattern:
            numbering.pattern = pattern
            numbering.save(update_fields=["pattern", "updated_at"])
            audit_record(
                actor=actor,
                action="certification.numbering.changed",
                obj=numbering,
                body=body,
                before=before,
                after={"pattern": pattern, "kind": kind},
            )
    return numbering


def next_number(*, body: Body, kind: str, on: datetime.date) -> str:
    """The next certificate or statement number of `body`, for an issue on `on` (its `{year}`). Runs inside
    the caller's transaction holding the Numbering row, so two issues never take the same sequence and a
    rolled-back issue gives its sequence back. A number the body already holds (another pattern made it) is
    skipped."""
    model: type[Certificate] | type[Statement] = (
        Certificate if kind == NumberingKind.CERTIFICATE else Statement
    )
    with transaction.atomic():
        numbering = _locked(body, kind)
        seq = numbering.last_sequence
        while True:
            seq += 1
            number = _format(numbering.pattern, body=body, year=on.year, seq=seq)
            if not model._default_manager.filter(body=body, number=number).exists():
                break
        numbering.last_sequence = seq
        numbering.save(update_fields=["last_sequence", "updated_at"])
    return number


def _locked(body: Body, kind: str) -> Numbering:
    """The body's Numbering row of `kind`, locked; created with the default pattern when the body has none."""
    rows = Numbering.objects.select_for_update()
    numbering = rows.filter(body=body, kind=kind).first()
    if numbering is not None:
        return numbering
    try:
        with transaction.atomic():
            Numbering.objects.create(body=body, kind=kind, pattern=DEFAULT_PATTERNS[NumberingKind(kind)])
    except IntegrityError:
        pass  # created by a concurrent caller: take theirs, under the lock
    return rows.get(body=body, kind=kind)
