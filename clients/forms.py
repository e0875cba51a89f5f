"""Portal forms for clients, sites and projects. They parse and shape input; the rules are the services'
(clients/services.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from django_countries import countries as countries_registry

from core.uploads import upload_clean
from imports.reading import SPREADSHEET_UPLOAD
from reference.models import Sector

from .models import Client, ClientKind, Project, Site

CLIENT_FIELDS = [
    "legal_name",
    "short_name",
    "kind",
    "country",
    "registration_number",
    "address",
    "contact_name",
    "contact_email",
    "contact_phone",
    "sectors",
    "effective_personnel",
    "notes",
]
SITE_FIELDS = ["name", "address", "country", "activities", "effective_personnel", "is_central_function"]
PROJECT_FIELDS = [
    "registry_number",
    "registry_project_id",
    "name",
    "methodology",
    "sector",
    "country",
    "proponent",
    "consultant_client",
    "consultant_name",
    "crediting_period_start",
    "crediting_period_end",
    "monitoring_period_start",
    "monitoring_period_end",
]


def _date_widget() -> forms.DateInput:
    # an HTML date input always speaks ISO 8601, whatever the page's language
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ClientSearchForm(forms.Form):
    """The client list's search and filters (an invalid one answers 400 with its message)."""

    q = forms.CharField(
        label=_("Name or registration number"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control", "autocomplete": "off"}),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind")), *ClientKind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country")), *countries_registry]
        self.fields["country"].widget.attrs["class"] = "form-select"


class ProjectSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or registry number"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control", "autocomplete": "off"}),
    )


class ServiceModelForm(forms.ModelForm):
    """A form whose fields come from the model; the record's rules (its constraints, uniqueness, periods) are
    the service's, whose errors land on the form's fields. The form never writes or checks the instance."""

    def _post_clean(self) -> None:
        pass


class ClientForm(ServiceModelForm):
    """A client's record (create or edit); the service checks it again."""

    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=Sector.objects.filter(is_current=True).order_by("scheme", "sort_key"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    class Meta:
        model = Client
        fields = CLIENT_FIELDS
        widgets = {"address": forms.Textarea(attrs={"rows": 3}), "notes": forms.Textarea(attrs={"rows": 3})}

    def service_fields(self) -> tuple[dict[str, Any], list[Sector]]:
        """The client's fields and its sectors, as `client_create` / `client_update` take them."""
        data = dict(self.cleaned_data)
        sectors = list(data.pop("sectors", None) or [])
        return data, sectors


class SiteForm(ServiceModelForm):
    class Meta:
        model = Site
        fields = SITE_FIELDS
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "activities": forms.Textarea(attrs={"rows": 3}),
        }


class ProjectForm(ServiceModelForm):
    """An ICR project: the proponent and a consultant client are chosen among the body's clients, the scope
    among the GHG sectors."""

    class Meta:
        model = Project
        fields = PROJECT_FIELDS
        widgets = {
            "crediting_period_start": _date_widget(),
            "crediting_period_end": _date_widget(),
            "monitoring_period_start": _date_widget(),
            "monitoring_period_end": _date_widget(),
        }

    def __init__(self, *args: Any, body: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        clients = Client.objects.for_body(body).order_by("legal_name", "id")
        self.fields["proponent"].queryset = clients  # type: ignore[attr-defined]
        self.fields["consultant_client"].queryset = clients  # type: ignore[attr-defined]
        self.fields["sector"].queryset = Sector.objects.filter(  # type: ignore[attr-defined]
            scheme="ghg", is_current=True
        ).order_by("sort_key")
        self.fields["consultant_name"].help_text = _("Either a client of the body or a name, not both.")


class ClientImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("CSV (UTF-8) or XLSX, at most %(size)s.") % {
            "size": filesizeformat(settings.UPLOAD_MAX_BYTES)
        }

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):  # the one upload check; the engine checks again
            upload_clean(upload, SPREADSHEET_UPLOAD, field="file")
        return upload


# --- client users -------------------------------------------------------------------------------------------


class ClientUserInviteForm(forms.Form):
    """A person at the client, invited to the client view by email."""

    full_name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Email"))


class ClientUserRevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason (optional)"), required=False, widget=forms.TextInput)


class InvitationAccountForm(forms.Form):
    """A person without an account, accepting an invitation: their name and a password (the email is the
    invited address)."""

    full_name = forms.CharField(label=_("Your name"), max_length=200)
    password = forms.CharField(label=_("Password"), strip=False, widget=forms.PasswordInput)
    password_again = forms.CharField(label=_("Password again"), strip=False, widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("The two passwords differ."))
        return data
