"""Portal forms mark their required fields (crispy's asterisk) and explain the mark once per form, whether the
form is drawn whole (`|crispy`, through templates/bootstrap5/uni_form.html) or field by field."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.urls import reverse

from core.templatetags.portal_forms import has_required_field

pytestmark = pytest.mark.django_db

NOTE = '<span class="asteriskField" aria-hidden="true">*</span> Required field</p>'


def label(html: str, field_id: str) -> str:
    """The label of a field, as drawn."""
    match = re.search(rf'<label\s+for="{field_id}"[^>]*>(.*?)</label>', html, re.S)
    assert match, field_id
    return " ".join(match.group(1).split())


def test_a_form_drawn_field_by_field_marks_required_fields_and_explains_once(login, world):
    # when body A's administrator opens "Add a person"
    html = login(world.a.admin).get(reverse("competence:person-add")).content.decode()
    # then the email (required) is marked, the roles (optional) are not, and the mark is explained once
    assert label(html, "id_email") == 'Email address<span class="asteriskField">*</span>'
    assert label(html, "id_full_name") == 'Full name<span class="asteriskField">*</span>'
    roles = html.split('id="div_id_roles"')[1].split("</legend>")[0]
    assert " ".join(roles.split()).endswith("Roles")
    assert html.count(NOTE) == 1


def test_a_form_drawn_whole_marks_required_fields_and_explains_once(login, world):
    # when a person opens their profile (drawn with |crispy)
    html = login(world.a.member).get(reverse("accounts:profile")).content.decode()
    # then
    assert label(html, "id_full_name") == 'Full name<span class="asteriskField">*</span>'
    assert label(html, "id_phone") == "Phone"
    assert html.count(NOTE) == 1
    assert html.index(NOTE) < html.index('for="id_full_name"')


def test_a_form_without_required_fields_has_no_note(login, world):
    # given
    class Optional(forms.Form):
        note = forms.CharField(required=False)

    class Needed(forms.Form):
        note = forms.CharField()
        secret = forms.CharField(widget=forms.HiddenInput)

    # then only a visible required field counts
    assert has_required_field(Optional()) is False
    assert has_required_field(Needed()) is True
    assert has_required_field(None) is False
    # and the people search (one optional field) shows no note
    html = login(world.a.member).get(reverse("competence:people")).content.decode()
    assert "Required field" not in html
