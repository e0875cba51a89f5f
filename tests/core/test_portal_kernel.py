"""The portal's three shapes, written once in core.portal: a form that calls a service, a POST action on one
record, and an htmx partial. Each is tested here on a minimal view, and through one real page."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from django.views import View
from django.views.generic import FormView

from accounts.models import ApiToken
from core.errors import TransitionNotAllowed, ValidationError
from core.models import AuditEvent
from core.portal import ServiceActionMixin, ServiceFormMixin, form_add_service_errors
from tests.helpers import make_token


class NameForm(forms.Form):
    name = forms.CharField()
    expires_on = forms.DateField(required=False)


def _request(data: dict[str, str] | None = None) -> Any:
    request = RequestFactory().post("/somewhere/?x=1", data or {"name": "Ann"})
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _messages(request: Any) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in get_messages(request)]


def service_that(raises: Exception | None) -> Any:
    def service(**kwargs: Any) -> str:
        if raises is not None:
            raise raises
        return "done"

    return service


class NameView(ServiceFormMixin, FormView):
    form_class = NameForm
    template_name = "accounts/profile.html"  # any template: the responses below are redirects or inspected
    success_message = "Saved."
    service_error_fields = {"expires_at": "expires_on"}
    service: Any = None

    def perform(self, form: NameForm) -> str:
        return self.service(name=form.cleaned_data["name"])

    def get_success_url(self, result: Any = None) -> str:
        return f"/done/{result}/"

    def form_invalid(self, form: NameForm) -> Any:
        self.invalid_form = form
        return "invalid"


# --- the service-calling form -------------------------------------------------------------------------------


def test_service_errors_land_on_their_fields_and_the_rest_on_top():
    # given
    form = NameForm({"name": "Ann"})
    assert form.is_valid()
    # when
    form_add_service_errors(
        form,
        ValidationError({"name": ["Taken."], "expires_at": ["Too far."], "scopes": ["Unknown."]}),
        {"expires_at": "expires_on"},
    )
    # then
    assert form.errors == {"name": ["Taken."], "expires_on": ["Too far."], "__all__": ["Unknown."]}


def test_a_message_without_a_field_is_a_non_field_error():
    form = NameForm({"name": "Ann"})
    assert form.is_valid()
    form_add_service_errors(form, ValidationError("Not now."))
    assert form.errors == {"__all__": ["Not now."]}


def test_the_form_view_redirects_with_the_success_message():
    # given
    request = _request()
    view = NameView.as_view(service=service_that(None))
    # when
    response = view(request)
    # then
    assert (response.status_code, response["Location"]) == (302, "/done/done/")
    assert _messages(request) == [("success", "Saved.")]


def test_the_form_view_puts_a_validation_error_on_the_form():
    # given
    request = _request()
    view = NameView(service=service_that(ValidationError({"expires_at": ["Too far."]})))
    view.setup(request)
    form = NameForm({"name": "Ann"})
    assert form.is_valid()
    # when
    answer = view.form_valid(form)
    # then
    assert answer == "invalid"
    assert view.invalid_form.errors == {"expires_on": ["Too far."]}
    assert _messages(request) == []


def test_a_refused_transition_is_a_message_and_back_to_the_page():
    # given
    request = _request()
    view = NameView.as_view(service=service_that(TransitionNotAllowed("Already decided.")))
    # when
    response = view(request)
    # then
    assert (response.status_code, response["Location"]) == (302, "/somewhere/?x=1")
    assert _messages(request) == [("error", "Already decided.")]


def test_permission_denied_is_not_swallowed():
    view = NameView.as_view(service=service_that(PermissionDenied("No.")))
    with pytest.raises(PermissionDenied):
        view(_request())


# --- the action on one record -------------------------------------------------------------------------------


class Record:
    pk = "r1"


class ActionView(ServiceActionMixin, View):
    success_message = "Approved."
    result: Any = None
    raises: Exception | None = None
    form_class: Any = None

    def get_object(self) -> Record:
        return Record()

    def act(self, record: Record, form: Any) -> Record:
        if self.raises is not None:
            raise self.raises
        return record

    def get_success_url(self, result: Record) -> str:
        return f"/records/{result.pk}/"


@pytest.mark.parametrize(
    ("raises", "level", "message"),
    [
        (None, "success", "Approved."),
        (TransitionNotAllowed("Only a proposed record."), "error", "Only a proposed record."),
        (ValidationError("Not on your own record."), "error", "Not on your own record."),
    ],
)
def test_an_action_redirects_to_its_record_with_a_message(raises, level, message):
    # given
    request = _request()
    # when
    response = ActionView.as_view(raises=raises)(request)
    # then
    assert (response.status_code, response["Location"]) == (302, "/records/r1/")
    assert _messages(request) == [(level, message)]


def test_an_action_with_an_invalid_form_does_not_call_the_service():
    # given
    request = _request({"name": ""})
    # when
    response = ActionView.as_view(form_class=NameForm, raises=AssertionError("called"))(request)
    # then
    assert (response.status_code, response["Location"]) == (302, "/records/r1/")
    assert _messages(request) == [("error", "This field is required.")]


def test_an_action_answers_only_post():
    assert ActionView.as_view()(RequestFactory().get("/")).status_code == 405


# --- through real pages -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_revoking_a_revoked_token_is_a_warning_and_changes_nothing(login, world):
    # given
    token, _ = make_token(body=world.a.body, creator=world.a.admin, scopes={"bodies": "read"})
    ApiToken.objects.filter(pk=token.pk).update(revoked=True)
    before = AuditEvent.objects.count()
    # when
    response = login(world.a.admin).post(reverse("bodies:token-revoke", args=[token.uuid]), follow=True)
    # then
    assert response.redirect_chain == [(reverse("bodies:tokens"), 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["warning"]
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("headers", "template"),
    [
        ({}, "bodies/eligibility_check.html"),
        ({"HX-Request": "true"}, "bodies/partials/_eligibility_panel.html"),
        ({"HX-Request": "true", "HX-History-Restore-Request": "true"}, "bodies/eligibility_check.html"),
    ],
)
def test_an_htmx_request_gets_the_partial_and_a_history_restore_the_page(login, world, headers, template):
    # when
    response = login(world.a.admin).get(reverse("bodies:eligibility"), headers=headers)
    # then
    assert response.status_code == 200
    assert response.templates[0].name == template
    assert "HX-Request" in response["Vary"]
