"""Portal pages of the webhooks engine, for the people who keep the body's API tokens: the subscriptions (add,
change, delete, rotate the secret, ping) and the delivery log (filter, send again). A secret is shown on the
answer that made it and never again."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, ListView

from core.portal import (
    BodyScopedMixin,
    FilteredListMixin,
    HtmxPartialMixin,
    PortalMixin,
    ServiceActionView,
    ServiceFormMixin,
    is_htmx,
)

from .forms import DeliveryFilterForm, SubscriptionForm
from .models import MANAGE_WEBHOOKS, WebhookDelivery, WebhookSubscription
from .selectors import webhook_delivery_list, webhook_subscription_list
from .services import (
    webhook_delivery_redeliver,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_ping,
    webhook_subscription_rotate_secret,
    webhook_subscription_update,
)

SECRET_TEMPLATE = "webhooks/subscription_secret.html"  # noqa: S105  (a template name)


def _secret_page(
    request: HttpRequest, subscription: WebhookSubscription, secret: str, *, rotated: bool
) -> HttpResponse:
    response = render(
        request, SECRET_TEMPLATE, {"subscription": subscription, "secret": secret, "rotated": rotated}
    )
    response["Cache-Control"] = "no-store"
    return response


class SubscriptionListView(PortalMixin, ListView):
    """The body's subscriptions, with the events each wants and how many deliveries are failing."""

    required_perm = MANAGE_WEBHOOKS
    template_name = "webhooks/subscription_list.html"
    context_object_name = "subscriptions"
    paginate_by = 50

    def get_queryset(self) -> QuerySet[WebhookSubscription]:
        return webhook_subscription_list(body=self.body)  # type: ignore[arg-type]


class SubscriptionCreateView(PortalMixin, ServiceFormMixin, FormView):
    required_perm = MANAGE_WEBHOOKS
    form_class = SubscriptionForm
    template_name = "webhooks/subscription_form.html"

    def perform(self, form: SubscriptionForm) -> tuple[WebhookSubscription, str]:
        return webhook_subscription_create(
            body=self.body,  # type: ignore[arg-type]
            actor=self.request.user,  # type: ignore[arg-type]
            url=form.cleaned_data["url"],
            description=form.cleaned_data["description"],
            events=form.cleaned_data["events"],
            active=form.cleaned_data["active"],
        )

    def form_done(self, form: SubscriptionForm, result: tuple[WebhookSubscription, str]) -> HttpResponse:
        subscription, secret = result
        return _secret_page(self.request, subscription, secret, rotated=False)


class SubscriptionEditView(BodyScopedMixin, ServiceFormMixin, FormView):
    """Change the URL, description, events or pause it (another body's subscription is a 404)."""

    model = WebhookSubscription
    required_perm = MANAGE_WEBHOOKS
    form_class = SubscriptionForm
    template_name = "webhooks/subscription_form.html"
    success_message = gettext_lazy("The subscription is saved.")

    def get_initial(self) -> dict[str, Any]:
        subscription = self.get_object()
        return {
            "url": subscription.url,
            "description": subscription.description,
            "events": subscription.events,
            "active": subscription.active,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["subscription"] = self.get_object()
        return context

    def perform(self, form: SubscriptionForm) -> WebhookSubscription:
        return webhook_subscription_update(
            subscription=self.get_object(),
            actor=self.request.user,  # type: ignore[arg-type]
            fields=dict(form.cleaned_data),
        )

    def get_success_url(self, result: Any = None) -> str:
        return reverse("webhooks:list")


class SubscriptionDeleteView(ServiceActionView):
    model = WebhookSubscription
    required_perm = MANAGE_WEBHOOKS

    def act(self, record: WebhookSubscription, form: None) -> WebhookSubscription:
        webhook_subscription_delete(subscription=record, actor=self.request.user)  # type: ignore[arg-type]
        return record

    def get_success_message(self, result: WebhookSubscription) -> str:
        return _("The subscription to %(url)s is deleted.") % {"url": result.url}

    def get_success_url(self, result: Any) -> str:
        return reverse("webhooks:list")


class SubscriptionRotateSecretView(ServiceActionView):
    """POST: a new secret, shown on this answer only."""

    model = WebhookSubscription
    required_perm = MANAGE_WEBHOOKS

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        subscription, secret = webhook_subscription_rotate_secret(
            subscription=self.get_object(),
            actor=request.user,  # type: ignore[arg-type]
        )
        return _secret_page(request, subscription, secret, rotated=True)


class SubscriptionPingView(ServiceActionView):
    """POST: send the subscription a test event now; its delivery shows in the log."""

    model = WebhookSubscription
    required_perm = MANAGE_WEBHOOKS
    success_message = gettext_lazy("A test ping is on its way; its delivery is listed below.")

    def act(self, record: WebhookSubscription, form: None) -> WebhookDelivery:
        return webhook_subscription_ping(subscription=record, actor=self.request.user)  # type: ignore[arg-type,no-any-return]

    def get_success_url(self, result: Any) -> str:
        subscription_id = getattr(result, "subscription_id", None) or result.pk
        return f"{reverse('webhooks:deliveries')}?subscription={subscription_id}"


class DeliveryListView(PortalMixin, FilteredListMixin, HtmxPartialMixin, ListView):
    """The body's delivery log, newest first: status, response code, duration, attempts; filtered by status,
    event or subscription (htmx swaps the table)."""

    required_perm = MANAGE_WEBHOOKS
    template_name = "webhooks/delivery_list.html"
    partial_template_name = "webhooks/partials/_delivery_table.html"
    context_object_name = "deliveries"
    paginate_by = 50
    filter_class = DeliveryFilterForm

    def get_filter_kwargs(self) -> dict[str, Any]:
        rows = (
            WebhookSubscription.objects.for_body(self.body)
            .order_by("-created_at")
            .values_list("pk", "url", "description")
        )
        return {"subscriptions": [(str(pk), description or url) for pk, url, description in rows]}

    def get_queryset(self) -> QuerySet[WebhookDelivery]:
        return self.filtered(webhook_delivery_list().filter(body_id=self.body.pk))  # type: ignore[union-attr]

    def filter_queryset(self, queryset: QuerySet[Any], list_filter: Any) -> QuerySet[Any]:
        data = list_filter.cleaned_data
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        if data["event"]:
            queryset = queryset.filter(event__event=data["event"])
        if data["subscription"]:
            queryset = queryset.filter(subscription_id=data["subscription"])
        return queryset


class DeliveryRedeliverView(ServiceActionView):
    """POST: a new attempt of a delivery now; an htmx request gets its row back."""

    model = WebhookDelivery
    required_perm = MANAGE_WEBHOOKS

    def scoped_queryset(self) -> QuerySet[WebhookDelivery]:
        return webhook_delivery_list()

    def act(self, record: WebhookDelivery, form: None) -> WebhookDelivery:
        return webhook_delivery_redeliver(delivery=record, actor=self.request.user)  # type: ignore[arg-type]

    def get_success_message(self, result: WebhookDelivery) -> str:
        return "" if is_htmx(self.request) else _("The delivery will be sent again now.")

    def get_success_url(self, result: Any) -> str:
        return reverse("webhooks:deliveries")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().post(request, *args, **kwargs)
        if not is_htmx(request):
            return response
        delivery = self.get_queryset().get(pk=self.kwargs["pk"])
        return render(request, "webhooks/partials/_delivery_row.html", {"delivery": delivery})
