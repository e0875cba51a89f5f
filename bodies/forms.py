"""Portal forms for bodies. They parse and shape input; the rules are the services' (bodies/services.py)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken
from core.api.resources import token_resources
from core.uploads import upload_clean
from reference.models import AccreditationBody, Activity, Sector, Standard

from .models import Accreditation, Body
from .services import ACCREDITATION_DECISIONS, ACCREDITATION_FIELDS, BODY_PROFILE_FIELDS, CERTIFICATE_UPLOAD
from .services.uploads import LOGO_UPLOAD


def _date_widget() -> forms.DateInput:
    # an HTML date input always speaks ISO 8601, whatever the page's language
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def current_sectors() -> Any:
    return Sector.objects.filter(is_current=True).order_by("scheme", "sort_key")


class BodyProfileForm(forms.ModelForm):
    """The profile a body keeps itself (applying, or editing later). Agreement and status are the registry's."""

    activities = forms.ModelMultipleChoiceField(
        label=_("Activities"),
        queryset=Activity.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The conformity-assessment activities the body wants ICR approval for."),
    )
    sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors"),
        queryset=current_sectors(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(label=_("Website"), required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Body
        fields = [*BODY_PROFILE_FIELDS, "activities", "sectors"]
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
        }
        # a plain file field: the one upload checker (core.uploads) judges the content, not Pillow's ImageField
        field_classes = {"logo": forms.FileField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["logo"].help_text = _("PNG or JPEG, at most %(size)s.") % {
            "size": filesizeformat(settings.LOGO_MAX_BYTES)
        }

    def clean_logo(self) -> Any:
        logo = self.cleaned_data.get("logo")
        if not isinstance(logo, UploadedFile):
            return logo  # unchanged (the stored file or nothing), or False to clear it
        upload_clean(logo, LOGO_UPLOAD, field="logo")
        return logo

    def service_fields(self) -> dict[str, Any]:
        """The profile fields for body_apply / body_update_profile; the logo only when it was changed."""
        fields = {name: self.cleaned_data[name] for name in BODY_PROFILE_FIELDS if name != "logo"}
        if "logo" in self.changed_data:
            logo = self.cleaned_data.get("logo")
            fields["logo"] = logo or ""
        return fields


class AccreditationForm(forms.Form):
    """An accreditation, its certificate and its scope. The five-year cycle, the scope rules and the certificate
    are checked by the service; the accreditation body is chosen from the registry's list."""

    accreditation_body = forms.ModelChoiceField(
        label=_("Accreditation body"),
        queryset=AccreditationBody.objects.order_by("name"),
        help_text=_("From the registry's list. Whether it is an IAF MLA signatory is the registry's record."),
    )
    standard = forms.ChoiceField(label=_("Standard"), choices=Accreditation.Standard.choices)
    programme_name = forms.CharField(
        label=_("GHG programme"),
        max_length=200,
        required=False,
        help_text=_("For an approved GHG programme."),
    )
    certificate_number = forms.CharField(label=_("Certificate number"), max_length=80)
    valid_from = forms.DateField(label=_("Valid from"), widget=_date_widget())
    valid_to = forms.DateField(label=_("Valid to"), widget=_date_widget())
    last_onsite_assessment = forms.DateField(
        label=_("Last on-site assessment"), required=False, widget=_date_widget()
    )
    certificate = forms.FileField(
        label=_("Accreditation certificate"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "application/pdf"}),
    )
    scope_activities = forms.ModelMultipleChoiceField(
        label=_("Activities in scope"),
        queryset=Activity.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scope_standards = forms.ModelMultipleChoiceField(
        label=_("Standards in scope"),
        queryset=Standard.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    scope_sectors = forms.ModelMultipleChoiceField(
        label=_("Sectors in scope"),
        queryset=current_sectors(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["certificate"].required = not editing
        self.fields["certificate"].help_text = (
            _("PDF, at most %(size)s. Attach a new one only to replace the certificate on record.")
            if editing
            else _("PDF, at most %(size)s. The registry verifies the accreditation against it.")
        ) % {"size": filesizeformat(CERTIFICATE_UPLOAD.max_bytes)}

    @classmethod
    def initial_for(cls, accreditation: Accreditation) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(accreditation, name) for name in ACCREDITATION_FIELDS if name != "certificate"
        }
        initial["scope_activities"] = list(accreditation.scope_activities.all())
        initial["scope_standards"] = list(accreditation.scope_standards.all())
        initial["scope_sectors"] = list(accreditation.scope_sectors.all())
        return initial

    def clean_certificate(self) -> Any:
        certificate = self.cleaned_data.get("certificate")
        if isinstance(certificate, UploadedFile):
            upload_clean(certificate, CERTIFICATE_UPLOAD, field="certificate")
            return certificate
        return None  # none sent: the one on record stays (a new accreditation's is required by the service)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        fields = {name: data[name] for name in ACCREDITATION_FIELDS if name != "certificate"}
        if data.get("certificate") is not None:
            fields["certificate"] = data["certificate"]
        return {
            "fields": fields,
            "scope_activities": list(data["scope_activities"]),
            "scope_standards": list(data["scope_standards"]),
            "scope_sectors": list(data["scope_sectors"]),
        }


DECISION_LABELS = {
    "suspend": _("Suspend"),
    "reinstate": _("Reinstate"),
    "withdraw": _("Withdraw"),
}


class AccreditationDecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Decision"), choices=[(a, DECISION_LABELS.get(a, a)) for a in ACCREDITATION_DECISIONS]
    )
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class EligibilityForm(forms.Form):
    activity = forms.ModelChoiceField(label=_("Activity"), queryset=Activity.objects.all())
    standard = forms.ModelChoiceField(label=_("Standard"), queryset=Standard.objects.all())
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=current_sectors())
    start = forms.DateField(label=_("Planned start"), widget=_date_widget())
    end = forms.DateField(label=_("Planned end"), widget=_date_widget())


SCOPE_NONE = "none"
TOKEN_DEFAULT_DAYS = 90


class ApiTokenForm(forms.Form):
    """A new token: its name, its last day, and per resource no access, read or write."""

    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        help_text=_("The integration that will use the token, e.g. “Registry sync”."),
    )
    expires_on = forms.DateField(
        label=_("Last day of validity"),
        widget=_date_widget(),
        help_text=_("The token stops working at the end of this day (the body's time zone)."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {"read": _("Read"), "write": _("Read and write")}
        levels = [(SCOPE_NONE, _("No access")), *((level, labels[level]) for level in ApiToken.SCOPE_LEVELS)]
        for resource in token_resources():  # what the API views declare (`resource`, `resource_label`)
            # not required: a resource the form does not mention gets no access
            self.fields[f"scope_{resource.name}"] = forms.ChoiceField(
                label=resource.label,
                choices=levels,
                initial=SCOPE_NONE,
                required=False,
            )

    @property
    def scope_fields(self) -> list[forms.BoundField]:
        return [self[f"scope_{resource.name}"] for resource in token_resources()]

    def scopes(self) -> dict[str, str]:
        return {
            resource.name: self.cleaned_data[f"scope_{resource.name}"]
            for resource in token_resources()
            if self.cleaned_data.get(f"scope_{resource.name}") not in (None, "", SCOPE_NONE)
        }

    def expires_at(self, time_zone: str) -> datetime:
        day: date = self.cleaned_data["expires_on"]
        return datetime.combine(day, time(23, 59, 59), tzinfo=ZoneInfo(time_zone))

    @staticmethod
    def default_expiry() -> date:
        return timezone.localdate() + timedelta(days=TOKEN_DEFAULT_DAYS)


class DirectoryFilterForm(forms.Form):
    country = forms.ChoiceField(label=_("Country"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("Any kind")), *Body.Kind.choices]
    )
    activity = forms.ModelChoiceField(
        label=_("Activity"),
        required=False,
        queryset=Activity.objects.all(),
        empty_label=_("Any activity"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Any country")), *countries]
