"""Document kinds of the impartiality capability (`documents.registry`): a person's signed declaration of
interest (read by the declarant, the body's reviewers and registry staff, like the declaration itself), and a
body's impartiality register with its committee's minutes (read by the register's keepers, `manage_impartiality`).
Both are rendered by the documents engine from a context built in a constant few queries."""

from __future__ import annotations

from typing import Any

from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from bodies.models.tenants import Body
from core.permissions import body_ids_with_perm, is_signed_in
from documents.models import Document
from documents.registry import DocumentKind, register

from .models import Declaration, Relationship
from .permissions import (
    MANAGE_IMPARTIALITY,
    can_manage_impartiality,
    can_read_declaration,
    declarations_readable_by,
)
from .selectors import committee_members, meeting_detail, risk_list
from .services import register_today, risk_is_overdue

# declarations

DECLARATION_PDF = "impartiality.declaration"


def declaration_pdf_context(document: Document) -> dict[str, Any]:
    """The signed declaration: declarant, body, kind, version, counterparty, attestation, relationships, and
    the review (outcome, reviewer, measures). Three queries."""
    declaration = Declaration.objects.select_related(
        "declarant", "body", "membership", "client", "project", "reviewed_by", "previous"
    ).get(pk=document.subject_id)
    relationships = Relationship.objects.filter(declaration=declaration).select_related("client", "project")
    return {"declaration": declaration, "relationships": list(relationships)}


def declaration_pdf_readable_by(user: Any) -> Q:
    """The same rule as `can_read_declaration`, as a filter on documents."""
    readable = (
        Declaration.objects.filter(declarations_readable_by(user))
        .annotate(subject=Cast("id", CharField()))
        .values("subject")
    )
    return Q(subject_id__in=readable)


def declaration_pdf_filename(document: Document) -> str:
    declaration = Declaration.objects.select_related("declarant").get(pk=document.subject_id)
    person = declaration.declarant.full_name or declaration.declarant.email
    return f"declaration-{slugify(person)}-v{declaration.version}-{document.number}.pdf"


def _can_request(actor: Any, declaration: Declaration) -> bool:
    # a draft is not a signed declaration: only a submitted (or reviewed, or superseded) one is printed
    return declaration.status != Declaration.Status.DRAFT and can_read_declaration(actor, declaration)


register(
    DocumentKind(
        code=DECLARATION_PDF,
        label=_("Declaration of interest"),
        template_name="impartiality/declarations/pdf/declaration.html",
        subject_model="impartiality.Declaration",
        body_of=lambda declaration: declaration.body,
        context=declaration_pdf_context,
        can_request=_can_request,
        readable_by=declaration_pdf_readable_by,
        filename=declaration_pdf_filename,
        public=False,
    )
)

# risk register and committee

REGISTER_PACK = "impartiality.register_pack"


def register_pack_context(document: Document) -> dict[str, Any]:
    """The body's impartiality register (every risk, open first, with rating, owner, mitigation, last and next
    review) and its committee's minutes (every meeting with attendees, risks reviewed, conclusions and actions):
    a constant few queries, whatever the register's size."""
    body = Body.objects.get(pk=document.subject_id)
    today = register_today(body)
    risks = list(risk_list().filter(body=body).order_by("-status", "next_review_on", "title", "id"))
    for risk in risks:
        risk.is_overdue = risk_is_overdue(risk, today=today)
    return {
        "register_body": body,
        "as_of": today,
        "risks": risks,
        "overdue_count": sum(1 for risk in risks if risk.is_overdue),
        "members": list(committee_members(body)),
        "meetings": list(meeting_detail().filter(body=body).order_by("-held_on", "id")),
    }


def register_pack_readable_by(user: Any) -> Q:
    """The keepers of each body's register (`manage_impartiality`; registry staff every body's)."""
    if not is_signed_in(user):
        return Q(pk__in=[])
    body_ids = body_ids_with_perm(user, MANAGE_IMPARTIALITY)
    return Q() if body_ids is None else Q(body_id__in=body_ids)


def _register_pack_filename(document: Document) -> str:
    body = Body.objects.get(pk=document.subject_id)
    return f"impartiality-register-{slugify(body.short_name or body.legal_name)}-{document.number}.pdf"


register(
    DocumentKind(
        code=REGISTER_PACK,
        label=_("Impartiality register and committee minutes"),
        template_name="pdf/impartiality/register_pack.html",
        subject_model="bodies.Body",
        body_of=lambda body: body,
        context=register_pack_context,
        can_request=can_manage_impartiality,
        readable_by=register_pack_readable_by,
        filename=_register_pack_filename,
        public=False,
    )
)
