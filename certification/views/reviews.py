"""Portal pages of the independent review: an engagement's review (comments by round; the reviewer comments,
returns, resolves and completes; the team answers; the lead auditor or a planner resubmits — every button swaps
the section in place with htmx) and the reviews waiting for the person.

Every button calls one service; the services hold the rules (a refused person gets 403, a refused state a
message). The engagement is read through its body's tenant queryset with grants: another body's, or one the
person may not read, answers 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from core.errors import TransitionNotAllowed, ValidationError
from core.portal import PortalMixin, is_htmx
from core.tenancy import get_visible_or_404

from ..forms.reviews import AnswerForm, CommentForm, CompleteForm, ReturnForm
from ..models import Review, ReviewStatus
from ..permissions import can_review
from ..selectors.reviews import review_of, reviews_returned_to, reviews_waiting_for
from ..services.reviews import (
    can_answer,
    can_read_review,
    can_resubmit,
    is_reviewer,
    review_comment_add,
    review_comment_answer,
    review_comment_resolve,
    review_complete,
    review_open,
    review_resubmit,
    review_return,
)

PARTIAL = "certification/reviews/partials/_review.html"


def engagement_for(view: PortalMixin, pk: Any) -> Any:
    """The active body's engagement `pk` as the person may read it (404 otherwise)."""
    engagements = (
        apps.get_model("audits", "Engagement").objects.for_body(view.body).granted_to(view.request.user)
    )  # type: ignore[attr-defined]
    return get_visible_or_404(engagements.select_related("client", "reviewer__user"), pk=pk)


def review_context(request: HttpRequest, engagement: Any, review: Review | None) -> dict[str, Any]:
    user = request.user
    reviewer = review is not None and is_reviewer(user, review)
    rounds: dict[int, list[Any]] = {}
    if review is not None:
        for comment in review.comments.all():
            rounds.setdefault(comment.round, []).append(comment)
    status = review.status if review is not None else None
    return {
        "engagement": engagement,
        "review": review,
        "rounds": sorted(rounds.items()),
        "is_reviewer": reviewer,
        "may_open": review is None and engagement.status == "under_review" and is_reviewer(user, engagement),
        "may_comment": reviewer and status == ReviewStatus.IN_REVIEW,
        "may_return": reviewer and status == ReviewStatus.IN_REVIEW,
        "may_complete": reviewer and status == ReviewStatus.IN_REVIEW,
        "may_resolve": reviewer and status == ReviewStatus.IN_REVIEW,
        "may_answer": status == ReviewStatus.RETURNED and can_answer(user, engagement),
        "may_resubmit": status == ReviewStatus.RETURNED and can_resubmit(user, engagement),
        "comment_form": CommentForm(),
        "return_form": ReturnForm(),
        "complete_form": CompleteForm(),
        "answer_form": AnswerForm(),
    }


class ReviewDetailView(PortalMixin, TemplateView):
    """An engagement's review: the reviewer and whoever reads the engagement."""

    template_name = "certification/reviews/detail.html"

    def check_object_access(self) -> None:
        self.engagement = engagement_for(self, self.kwargs["pk"])

    def has_permission(self) -> bool:
        return can_read_review(self.request.user, self.engagement)

    def get_template_names(self) -> list[str]:
        return [PARTIAL] if is_htmx(self.request) else [self.template_name]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(review_context(self.request, self.engagement, review_of(self.engagement)))
        return context


class ReviewActionView(PortalMixin, View):
    """One button of the review page: `act()` calls one service. A refused state or a missing text is shown on
    the section (htmx, answered 400) or as a message; a refused person is 403 (the service's PermissionDenied)."""

    http_method_names = ["post"]
    form_class: type[forms.Form] | None = None
    needs_review = True
    success_message: Any = ""

    def check_object_access(self) -> None:
        self.engagement = engagement_for(self, self.kwargs["pk"])
        self.review = (
            Review.objects.filter(engagement=self.engagement).select_related("engagement", "reviewer").first()
        )
        if self.needs_review and self.review is None:
            raise Http404

    def act(self, form: Any) -> Any:
        raise NotImplementedError

    def respond(self, errors: list[str], form: Any = None) -> HttpResponse:
        if is_htmx(self.request):
            context = review_context(self.request, self.engagement, review_of(self.engagement))
            context["errors"] = errors
            context["body"] = self.body
            return TemplateResponse(self.request, PARTIAL, context, status=400 if errors else 200)
        for error in errors:
            messages.error(self.request, error)
        if not errors and self.success_message:
            messages.success(self.request, str(self.success_message))
        return redirect(reverse("certification:review-detail", args=[self.engagement.pk]))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = self.form_class(request.POST) if self.form_class is not None else None
        if form is not None and not form.is_valid():
            return self.respond([str(error) for errors in form.errors.values() for error in errors], form)
        try:
            self.act(form)
        except ValidationError as exc:
            return self.respond(list(exc.messages), form)
        except TransitionNotAllowed as exc:
            return self.respond([exc.message], form)
        return self.respond([])


class ReviewOpenView(ReviewActionView):
    needs_review = False
    success_message = _("The review is open.")

    def act(self, form: Any) -> Any:
        review = review_open(engagement=self.engagement, actor=self.request.user)  # type: ignore[arg-type]
        if review is None:  # a reader: only the reviewer opens it
            raise PermissionDenied
        return review


class ReviewCommentView(ReviewActionView):
    form_class = CommentForm
    success_message = _("Comment added.")

    def act(self, form: Any) -> Any:
        return review_comment_add(review=self.review, actor=self.request.user, text=form.cleaned_data["text"])  # type: ignore[arg-type]


class ReviewReturnView(ReviewActionView):
    form_class = ReturnForm
    success_message = _("The report is back with the team.")

    def act(self, form: Any) -> Any:
        return review_return(review=self.review, actor=self.request.user, reason=form.cleaned_data["reason"])  # type: ignore[arg-type]


class ReviewResubmitView(ReviewActionView):
    success_message = _("The report is back with the reviewer.")

    def act(self, form: Any) -> Any:
        return review_resubmit(review=self.review, actor=self.request.user)  # type: ignore[arg-type]


class ReviewCompleteView(ReviewActionView):
    form_class = CompleteForm
    success_message = _("The review is complete: the engagement awaits its decision.")

    def act(self, form: Any) -> Any:
        return review_complete(
            review=self.review,
            actor=self.request.user,  # type: ignore[arg-type]
            conclusion=form.cleaned_data["conclusion"],
        )


class _CommentActionView(ReviewActionView):
    def comment(self) -> Any:
        comment = self.review.comments.filter(pk=self.kwargs["comment"]).first()
        if comment is None:
            raise Http404
        comment.review = self.review
        return comment


class ReviewAnswerView(_CommentActionView):
    form_class = AnswerForm
    success_message = _("Answer saved.")

    def act(self, form: Any) -> Any:
        return review_comment_answer(
            comment=self.comment(),
            actor=self.request.user,  # type: ignore[arg-type]
            answer=form.cleaned_data["answer"],
        )


class ReviewResolveView(_CommentActionView):
    success_message = _("Comment resolved.")

    def act(self, form: Any) -> Any:
        return review_comment_resolve(comment=self.comment(), actor=self.request.user)  # type: ignore[arg-type]


class ReviewWaitingView(PortalMixin, TemplateView):
    """The reviews waiting for the person: as reviewer (to open, comment or complete) and, on a team, the reports
    returned to them."""

    template_name = "certification/reviews/waiting.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["is_reviewer"] = can_review(user, self.body)  # type: ignore[arg-type]
        context["waiting"] = list(reviews_waiting_for(user=user, body=self.body))
        context["returned"] = list(reviews_returned_to(user=user, body=self.body))
        return context
