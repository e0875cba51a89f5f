"""The back office names every model in English, singular and plural, as its index shows them (issue 7 §4)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

# labels Django makes up when a model names itself only by its class, or reads as code
KNOWN_BAD = [
    "Import batchs",
    "Training entrys",
    "Membership s",
    "Audit chain heads",
    "Api tokens",
    "Body applications",
    "Competence records s",
    "Witnessed audit s",
    "Periodic evaluation s",
    "Accreditation bodys",
    "Activitys",
    "Bodys",
    "Entrys",
    "object permissions",
    "_",
]

PLATFORM_APPS = {
    "accounts",
    "core",
    "reference",
    "documents",
    "reminders",
    "imports",
    "bodies",
    "competence",
    "audits",
    "impartiality",
    "complaints",
    "neutrality",
    "clients",
}


def test_every_registered_model_names_itself_singular_and_plural() -> None:
    for model in admin.site._registry:
        options = model._meta
        if options.app_label not in PLATFORM_APPS:
            continue
        assert "verbose_name" in options.original_attrs, options.label
        assert "verbose_name_plural" in options.original_attrs, options.label


def test_every_platform_model_has_an_explicit_plural() -> None:
    # the models the index does not list show in permission names and the audit trail
    missing = [
        model._meta.label
        for model in apps.get_models()
        if model._meta.app_label in PLATFORM_APPS and "verbose_name_plural" not in model._meta.original_attrs
    ]
    assert missing == []


def test_the_admin_index_reads_as_english(login, world) -> None:  # type: ignore[no-untyped-def]
    # when registry staff open the back office's index
    response = login(world.staff).get(reverse("admin:index"))
    # then each app lists its models by their English plural, none of the made-up ones
    assert response.status_code == 200
    listed = {model["name"] for app in response.context["app_list"] for model in app["models"]}
    assert {
        "Training entries",
        "Memberships",
        "Accreditation bodies",
        "Approval queue",
    } <= listed
    html = response.content.decode()
    for bad in KNOWN_BAD:
        assert f">{bad}<" not in html, bad
    for name in listed:
        assert name[:1].isupper() and "_" not in name, name
