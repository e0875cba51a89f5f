"""The portal's declarations of interest: my declarations (the annual one's state first), a declaration with
its relationships (changed in place on a draft), submission with the attestation, corrections and their
history, the review queue and review page for the body's reviewers, and the body's declarations list.

Confidentiality (`impartiality.permissions.declarations_readable_by`): a person sees their own declarations;
the body's reviewers and administrators see all of the body's; anyone else's declaration is a 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from core.dates import today_in
from core.errors import PermissionDenied as ServicePermissionDenied
from core.errors import TransitionNotAllowed, ValidationError
from core.portal import (
    BodyScopedMixin,
    FilteredListMixin,
    PortalMixin,
    ServiceActionView,
    ServiceFormMixin,
    form_add_service_errors,
    is_htmx,
)
from documents.registry import get_kind
from documents.selectors import document_latest_for_subject
from documents.services import document_request

from ..documents import DECLARATION_PDF
from ..error_codes import ImpartialityErrorCode
from ..forms.declarations import (
    DeclarationFilterForm,
    DeclarationStartForm,
    RelationshipForm,
    ReviewForm,
    SubmitForm,
)
from ..models import Declaration, DeclarationStatus, Relationship
from ..permissions import REVIEW_DECLARATIONS, can_review_declarations, declarations_readable_by
from ..selectors.declarations import (
    annual_declaration_state,
    body_declarations,
    declaration_detail,
    declaration_versions,
    person_latest_declarations,
    review_queue,
)
from ..services.declarations import (
    declaration_correct,
    declaration_review,
    declaration_start,
    declaration_submit,
    relationship_add,
    relationship_remove,
)


class DeclarationObjectMixin(BodyScopedMixin):
    """A page about one declaration of the active body the person may read (their own; all of the body's for
    its reviewers): anything else is a 404 before any permission or method check."""

    model = Declaration

    def scoped_queryset(self) -> QuerySet[Declaration]:
        return declaration_detail(Declaration.objects.filter(declarations_readable_by(self.request.user)))  # type: ignore[attr-defined]

    def check_object_access(self) -> None:
        self.object = self.get_object()


def _is_declarant(request: HttpRequest, declaration: Declaration) -> bool:
    return declaration.declarant_id == request.user.pk


# --- my declarations ------------------------------------------------------------------------------------------


class MyDeclarationsView(PortalMixin, TemplateView):
    """The person's own declarations in the active body, the annual declaration's state at the top."""

    template_name = "impartiality/declarations/mine.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        membership = self.membership
        context["annual"] = annual_declaration_state(membership, on=today_in(self.body.time_zone))  # type: ignore[union-attr]
        context["declarations"] = person_latest_declarations(membership)  # type: ignore[arg-type]
        context["can_review"] = can_review_declarations(self.request.user, self.body)  # type: ignore[arg-type]
        return context


class DeclarationStartView(PortalMixin, ServiceFormMixin, FormView):
    """Start a draft: annual, or for one engagement (a client or a project of the body)."""

    form_class = DeclarationStartForm
    template_name = "impartiality/declarations/start.html"

    def get_initial(self) -> dict[str, Any]:
        return {"kind": self.request.GET.get("kind", "annual")}

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["body"] = self.body
        return kwargs

    def perform(self, form: DeclarationStartForm) -> Declaration:
        return declaration_start(
            membership=self.membership,  # type: ignore[arg-type]
            actor=self.request.user,  # type: ignore[arg-type]
            **form.cleaned_data,
        )

    def get_success_message(self, result: Declaration) -> str:
        return _("Your draft is ready: list your relationships, then attest and submit it.")

    def get_success_url(self, result: Any = None) -> str:
        return reverse("impartiality:declaration-detail", args=[result.pk])


# --- one declaration --------------------------------------------------------------------------------------------


def _relationships_context(
    request: HttpRequest, declaration: Declaration, form: RelationshipForm | None = None
) -> dict[str, Any]:
    editable = declaration.status == DeclarationStatus.DRAFT and _is_declarant(request, declaration)
    return {
        "declaration": declaration,
        "relationships": list(declaration.relationships.all()),
        "editable": editable,
        "relationship_form": form or (RelationshipForm(body=declaration.body) if editable else None),
    }


class DeclarationDetailView(DeclarationObjectMixin, DetailView):
    """A declaration: its relationships (added and removed in place on the declarant's draft), the submit
    form with the attestation, the review, its versions, and the PDF."""

    template_name = "impartiality/declarations/detail.html"
    context_object_name = "declaration"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        declaration = self.object
        user = self.request.user
        context.update(_relationships_context(self.request, declaration))
        context["is_declarant"] = _is_declarant(self.request, declaration)
        context["submit_form"] = kwargs.get("submit_form") or SubmitForm()
        context["versions"] = declaration_versions(declaration)
        context["can_review"] = declaration.status == DeclarationStatus.SUBMITTED and can_review_declarations(
            user, declaration.body
        )
        context["can_correct"] = context["is_declarant"] and declaration.status in (
            DeclarationStatus.SUBMITTED,
            DeclarationStatus.REVIEWED,
        )
        context["can_request_pdf"] = get_kind(DECLARATION_PDF).can_request(user, declaration)
        context["pdf_document"] = document_latest_for_subject(kind=DECLARATION_PDF, subject=declaration)
        return context


class RelationshipAddView(DeclarationObjectMixin, View):
    """POST: a relationship on the declarant's draft. htmx: answers the relationships section (the new row, or
    the form with its errors) in place; otherwise back to the declaration."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        declaration = self.object
        form = RelationshipForm(request.POST, body=declaration.body)
        added = False
        if form.is_valid():
            try:
                relationship_add(declaration=declaration, actor=request.user, fields=form.service_fields())  # type: ignore[arg-type]
                added = True
            except ValidationError as exc:
                form_add_service_errors(form, exc)
            except TransitionNotAllowed as exc:
                messages.error(request, exc.message)
                return redirect("impartiality:declaration-detail", pk=declaration.pk)
        if is_htmx(request):
            if added:  # read again: the record found before the add holds its relationships as they were
                declaration = declaration_detail(Declaration.objects.filter(pk=declaration.pk)).get()
            context = _relationships_context(request, declaration, None if added else form)
            return render(request, "impartiality/declarations/partials/_relationships.html", context)
        if added:
            messages.success(request, _("The relationship is added."))
        else:
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
        return redirect("impartiality:declaration-detail", pk=declaration.pk)


class RelationshipRemoveView(BodyScopedMixin, View):
    """POST: removes a relationship from the declarant's draft (htmx: the section in place)."""

    http_method_names = ["post"]
    model = Relationship

    def scoped_queryset(self) -> QuerySet[Relationship]:
        readable = Declaration.objects.filter(declarations_readable_by(self.request.user)).values("pk")
        return Relationship.objects.filter(declaration__in=readable).select_related("declaration__body")

    def check_object_access(self) -> None:
        self.object = self.get_object()

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        relationship = self.object
        declaration = declaration_detail(Declaration.objects.filter(pk=relationship.declaration_id)).get()
        try:
            relationship_remove(relationship=relationship, actor=request.user)  # type: ignore[arg-type]
        except TransitionNotAllowed as exc:
            messages.error(request, exc.message)
            return redirect("impartiality:declaration-detail", pk=declaration.pk)
        if is_htmx(request):
            return render(
                request,
                "impartiality/declarations/partials/_relationships.html",
                _relationships_context(request, declaration),
            )
        messages.success(request, _("The relationship is removed."))
        return redirect("impartiality:declaration-detail", pk=declaration.pk)


class DeclarationSubmitView(DeclarationObjectMixin, ServiceActionView):
    form_class = SubmitForm
    success_message = gettext_lazy("Your declaration is attested and submitted for review.")

    def act(self, record: Declaration, form: SubmitForm) -> Declaration:
        return declaration_submit(
            declaration=record,
            actor=self.request.user,  # type: ignore[arg-type]
            attest=form.cleaned_data["attest"],
        )

    def get_success_url(self, result: Declaration) -> str:
        return reverse("impartiality:declaration-detail", args=[result.pk])


class DeclarationCorrectView(DeclarationObjectMixin, ServiceActionView):
    success_message = gettext_lazy(
        "A new version is drafted from your declaration: correct it and submit it."
    )

    def act(self, record: Declaration, form: Any) -> Declaration:
        return declaration_correct(declaration=record, actor=self.request.user)  # type: ignore[arg-type]

    def get_success_url(self, result: Declaration) -> str:
        return reverse("impartiality:declaration-detail", args=[result.pk])


class DeclarationPdfView(DeclarationObjectMixin, View):
    """POST: render the signed declaration (htmx: the polling status in place)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        declaration = self.object
        if not get_kind(DECLARATION_PDF).can_request(request.user, declaration):
            raise PermissionDenied
        document = document_request(
            kind=DECLARATION_PDF, subject=declaration, body=declaration.body, actor=request.user
        )
        if is_htmx(request):
            return render(request, "documents/partials/_status.html", {"document": document})
        messages.success(request, _("The declaration PDF is being prepared."))
        return redirect("impartiality:declaration-detail", pk=declaration.pk)


# --- reviewing --------------------------------------------------------------------------------------------------


class ReviewQueueView(PortalMixin, ListView):
    """The body's declarations waiting for review, oldest first (holders of review_declarations)."""

    required_perm = REVIEW_DECLARATIONS
    template_name = "impartiality/declarations/review_queue.html"
    context_object_name = "declarations"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[Declaration]:
        return review_queue(self.body)  # type: ignore[arg-type]


class DeclarationReviewView(DeclarationObjectMixin, FormView):
    """A reviewer's page: the declaration and the review form. The declarant's own declaration shows why it
    cannot be reviewed here (403 on a POST)."""

    required_perm = REVIEW_DECLARATIONS
    template_name = "impartiality/declarations/review.html"
    form_class = ReviewForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        declaration = self.object
        context["declaration"] = declaration
        context["relationships"] = list(declaration.relationships.all())
        context["own"] = _is_declarant(self.request, declaration)
        context["waiting"] = declaration.status == DeclarationStatus.SUBMITTED
        return context

    def form_valid(self, form: ReviewForm) -> HttpResponse:
        try:
            declaration_review(declaration=self.object, actor=self.request.user, **form.cleaned_data)  # type: ignore[arg-type]
        except ValidationError as exc:
            form_add_service_errors(form, exc)
            return self.render_to_response(self.get_context_data(form=form), status=400)
        except ServicePermissionDenied as exc:
            if exc.code == ImpartialityErrorCode.SELF_REVIEW:
                context = self.get_context_data(form=form, refusal=str(exc.args[0]))
                return self.render_to_response(context, status=403)
            raise PermissionDenied from None
        except TransitionNotAllowed as exc:
            messages.error(self.request, exc.message)
            return redirect("impartiality:declaration-detail", pk=self.object.pk)
        messages.success(self.request, _("The review is recorded; the declarant is told."))
        return redirect("impartiality:declaration-review-queue")

    def form_invalid(self, form: ReviewForm) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


class BodyDeclarationsView(PortalMixin, FilteredListMixin, ListView):
    """Every declaration of the body (every version), for its reviewers and administrators; by status, kind
    and person."""

    required_perm = REVIEW_DECLARATIONS
    template_name = "impartiality/declarations/body_list.html"
    context_object_name = "declarations"
    paginate_by = 50
    filter_class = DeclarationFilterForm

    def get_filter_kwargs(self) -> dict[str, Any]:
        return {"body": self.body}

    def get_queryset(self) -> QuerySet[Declaration]:
        return self.filtered(body_declarations(self.body))  # type: ignore[arg-type]

    def filter_queryset(self, queryset: QuerySet[Any], list_filter: Any) -> QuerySet[Any]:
        data = list_filter.cleaned_data
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["kind"]:
            queryset = queryset.filter(kind=data["kind"])
        if data["person"]:
            queryset = queryset.filter(membership=data["person"])
        return queryset
