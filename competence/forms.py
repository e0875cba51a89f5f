"""Portal forms for people and competence. They parse and shape input; the rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from bodies.models.tenants import Membership, Role
from core.uploads import UploadPolicy, upload_clean
from imports.reading import SPREADSHEET_UPLOAD
from reference.models import Sector, Standard

from .checks import TeamMember
from .models import (
    COMPETENCE_ROLES,
    Basis,
    ColleagueRecords,
    CompetenceRecord,
    PeriodicEvaluation,
    TrainingEntry,
    WitnessedAudit,
)
from .selectors import MatrixFilters
from .services import EVIDENCE_UPLOAD

#: the team check's rows: shown at first, at most (the formset's prefix names the posted fields `team-0-person`)
TEAM_ROWS_SHOWN = 2
TEAM_MAX_ROWS = 20
TEAM_PREFIX = "team"


def _date_widget() -> forms.DateInput:
    # an HTML date input always speaks ISO 8601, whatever the page's language
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def current_sectors() -> Any:
    return Sector.objects.filter(is_current=True).order_by("scheme", "sort_key")


def _checked_upload(upload: Any, policy: UploadPolicy) -> Any:
    """The one upload check (size, type by content; core.uploads), answered on the form; the services check
    again, so the rule holds on every path."""
    if isinstance(upload, UploadedFile):
        upload_clean(upload, policy, field="file")
    return upload


# --- people -------------------------------------------------------------------------------------------------


class PersonSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or email"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "class": "form-control", "autocomplete": "off"}),
    )


class PersonAddForm(forms.Form):
    """A person for the body: their account is found by email, or created without a password."""

    email = forms.EmailField(label=_("Email address"), max_length=254)
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        help_text=_("Used only when the person has no ICR Conformity account yet."),
    )
    employment = forms.ChoiceField(
        label=_("Employment"), choices=Membership.Employment.choices, initial=Membership.Employment.EMPLOYEE
    )
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )


class PersonEditForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"), choices=Role.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    employment = forms.ChoiceField(label=_("Employment"), choices=Membership.Employment.choices)
    undertaking_signed_on = forms.DateField(
        label=_("Confidentiality and impartiality undertaking signed on"),
        required=False,
        widget=_date_widget(),
        help_text=_("Leave empty while the undertaking is not signed."),
    )
    status = forms.TypedChoiceField(
        label=_("Status in the body"),
        choices=Membership.Status.choices,
        required=False,
        empty_value=None,  # not sent: unchanged
        help_text=_(
            "A suspended person or one who has left keeps their records but can no longer act for the body."
        ),
    )

    @classmethod
    def initial_for(cls, membership: Membership) -> dict[str, Any]:
        return {
            "roles": list(membership.roles),
            "employment": membership.employment,
            "undertaking_signed_on": membership.undertaking_signed_on,
            "status": membership.status,
        }


# --- competence records -------------------------------------------------------------------------------------


class CompetenceRecordForm(forms.Form):
    standard = forms.ModelChoiceField(label=_("Standard"), queryset=Standard.objects.all())
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=current_sectors(),
        help_text=_("An IAF code for management-system standards, a GHG sectoral scope for GHG standards."),
    )
    role = forms.ChoiceField(label=_("Role"), choices=COMPETENCE_ROLES)
    basis = forms.MultipleChoiceField(
        label=_("Basis"), choices=Basis.choices, widget=forms.CheckboxSelectMultiple
    )
    valid_until = forms.DateField(label=_("Valid until"), widget=_date_widget())
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, sectors_url: str = "", **kwargs: Any) -> None:
        """The sector list follows the chosen standard (its scheme); with `sectors_url` the standard's select
        asks the page again (htmx) and swaps in the sector field of the answer, no script of our own."""
        super().__init__(*args, **kwargs)
        code = self.data.get(self.add_prefix("standard")) if self.is_bound else self.initial.get("standard")
        standard = Standard.objects.filter(pk=code).first() if code else None
        if standard is not None:
            self.fields["sector"].queryset = current_sectors().filter(scheme=standard.sector_scheme)  # type: ignore[attr-defined]
        if sectors_url:
            self.fields["standard"].widget.attrs.update(
                {
                    "hx-get": sectors_url,
                    "hx-trigger": "change",
                    "hx-target": "#div_id_sector",
                    "hx-select": "#div_id_sector",
                    "hx-swap": "outerHTML",
                }
            )


class RecordApproveForm(forms.Form):
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=_date_widget())
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=_date_widget(),
        help_text=_("Leave empty to keep the proposed date."),
    )

    @classmethod
    def initial_for(cls, record: CompetenceRecord) -> dict[str, Any]:
        return {"evaluated_on": timezone.localdate(), "valid_until": record.valid_until}


class RecordRenewForm(forms.Form):
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=_date_widget())
    valid_until = forms.DateField(label=_("Valid until"), widget=_date_widget())
    basis = forms.MultipleChoiceField(
        label=_("Basis"),
        choices=Basis.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave all unticked to keep the recorded basis."),
    )

    @classmethod
    def initial_for(cls, record: CompetenceRecord) -> dict[str, Any]:
        return {"evaluated_on": timezone.localdate()}


class RecordSuspendForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class EvidenceForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/png,image/jpeg"}),
    )
    description = forms.CharField(label=_("Description"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("PDF, PNG or JPEG, at most %(size)s.") % {
            "size": filesizeformat(settings.UPLOAD_MAX_BYTES)
        }

    def clean_file(self) -> Any:
        return _checked_upload(self.cleaned_data.get("file"), EVIDENCE_UPLOAD)


# --- training, witnessing, evaluations ----------------------------------------------------------------------


class TrainingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TrainingEntry.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    provider = forms.CharField(label=_("Provider"), max_length=200, required=False)
    completed_on = forms.DateField(label=_("Completed on"), widget=_date_widget())
    hours = forms.DecimalField(label=_("Hours"), max_digits=6, decimal_places=1, min_value=0)
    standard = forms.ModelChoiceField(
        label=_("Standard"), queryset=Standard.objects.all(), required=False, empty_label=_("Not specific")
    )


class WitnessedAuditForm(forms.Form):
    witnessed_by = forms.ChoiceField(label=_("Witnessed by"))
    witnessed_on = forms.DateField(label=_("Witnessed on"), widget=_date_widget())
    standard = forms.ModelChoiceField(label=_("Standard"), queryset=Standard.objects.all())
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=current_sectors())
    outcome = forms.ChoiceField(label=_("Outcome"), choices=WitnessedAudit.Outcome.choices)
    engagement_reference = forms.CharField(label=_("Engagement reference"), max_length=100, required=False)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, people: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._people = {str(m.user_id): m.user for m in people}
        self.fields["witnessed_by"].choices = [("", "---------")] + [
            (str(m.user_id), str(m.user)) for m in people
        ]

    def service_kwargs(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["witnessed_by"] = self._people[data["witnessed_by"]]
        return data


class EvaluationForm(forms.Form):
    evaluated_on = forms.DateField(label=_("Evaluated on"), widget=_date_widget())
    outcome = forms.ChoiceField(label=_("Outcome"), choices=PeriodicEvaluation.Outcome.choices)
    next_due_on = forms.DateField(label=_("Next evaluation due"), required=False, widget=_date_widget())
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


# --- the matrix ---------------------------------------------------------------------------------------------


class MatrixFilterForm(forms.Form):
    """Narrows the competence matrix; an invalid field is reported and left out, the rest still apply."""

    standard = forms.ModelChoiceField(
        label=_("Standard"), queryset=Standard.objects.all(), required=False, empty_label=_("Any standard")
    )
    scheme = forms.ChoiceField(
        label=_("Sector list"), required=False, choices=[("", _("Any list")), *Sector.Scheme.choices]
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=current_sectors(), required=False, empty_label=_("Any sector")
    )
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("Any role")), *COMPETENCE_ROLES]
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any status")), *CompetenceRecord.Status.choices]
    )
    person = forms.CharField(label=_("Person"), required=False, max_length=100)
    expiring_within_days = forms.IntegerField(
        label=_("Expiring within (days)"), required=False, min_value=0, max_value=3650
    )

    def filters(self) -> MatrixFilters:
        data = getattr(self, "cleaned_data", {})
        standard, sector = data.get("standard"), data.get("sector")
        return MatrixFilters(
            standard=standard.pk if standard else None,
            sector=sector.pk if sector else None,
            scheme=data.get("scheme") or None,
            role=data.get("role") or None,
            status=data.get("status") or None,
            person=(data.get("person") or "").strip() or None,
            expiring_within_days=data.get("expiring_within_days"),
        )


# --- team check ---------------------------------------------------------------------------------------------


class TeamMemberForm(forms.Form):
    """One row of a proposed team: a person of the active body and their role on the team. A row left blank is
    skipped (the formset's extra rows may stay empty); a half-filled one is an error on the missing half."""

    person = forms.ChoiceField(
        label=_("Person"),
        error_messages={
            "required": _("Choose who takes this role."),
            "invalid_choice": _("Choose one of the body's active people."),
        },
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[("", "---------"), *COMPETENCE_ROLES],
        error_messages={"required": _("Choose the person's role on the team.")},
    )

    def __init__(self, *args: Any, people: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        person: forms.ChoiceField = self.fields["person"]  # type: ignore[assignment]
        person.choices = [("", _("Nobody")), *((str(m.user_id), str(m.user)) for m in people)]


class BaseTeamFormSet(forms.BaseFormSet):  # type: ignore[type-arg]
    """The team's rows: at least one person, nobody twice, at most `TEAM_MAX_ROWS`."""

    default_error_messages = {
        "missing_management_form": _("The team's rows could not be read. Reload the page and try again."),
        "too_many_forms": ngettext_lazy(
            "A team check takes at most %(num)d person.", "A team check takes at most %(num)d people.", "num"
        ),
    }

    def clean(self) -> None:
        if any(self.errors):
            return
        seen: set[str] = set()
        for form in self.forms:
            person = form.cleaned_data.get("person")
            if not person:
                continue
            if person in seen:
                form.add_error("person", _("This person is already on the team."))
            seen.add(person)
        if not seen:
            raise forms.ValidationError(_("Put at least one person on the team."), code="team_empty")


TeamFormSet = forms.formset_factory(
    TeamMemberForm,
    formset=BaseTeamFormSet,
    extra=TEAM_ROWS_SHOWN,
    max_num=TEAM_MAX_ROWS,
    validate_max=True,
    absolute_max=TEAM_MAX_ROWS,
)


def team_row_form(*, index: int, people: list[Membership]) -> TeamMemberForm:
    """The blank row number `index` of the team formset (what "Add a person" fetches), prefixed as the formset
    names it."""
    return TeamMemberForm(
        prefix=f"{TEAM_PREFIX}-{index}", people=people, use_required_attribute=False, empty_permitted=True
    )


class TeamCheckForm(forms.Form):
    """An engagement's standard, sector and dates, and the team as a formset of (person, role) rows (`team`,
    prefix `team`): the page starts with a few rows and "Add a person" fetches one more, up to
    `TEAM_MAX_ROWS`. The form is valid when the engagement and every row are."""

    standard = forms.ModelChoiceField(label=_("Standard"), queryset=Standard.objects.all())
    sector = forms.ModelChoiceField(label=_("Sector"), queryset=current_sectors())
    start = forms.DateField(label=_("Planned start"), widget=_date_widget())
    end = forms.DateField(label=_("Planned end"), widget=_date_widget())

    def __init__(self, *args: Any, people: list[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._people = {str(m.user_id): m.user for m in people}
        self.team = TeamFormSet(
            self.data if self.is_bound else None, prefix=TEAM_PREFIX, form_kwargs={"people": people}
        )

    @property
    def team_full(self) -> bool:
        return bool(self.team.total_form_count() >= TEAM_MAX_ROWS)

    def is_valid(self) -> bool:
        engagement_valid = super().is_valid()
        team_valid = self.team.is_valid()
        return engagement_valid and team_valid

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        team = [
            TeamMember(person=self._people[row["person"]], role=row["role"])
            for row in self.team.cleaned_data
            if row.get("person")
        ]
        return {
            "team": team,
            "standard": data["standard"],
            "sector": data["sector"],
            "start": data["start"],
            "end": data["end"],
        }


# --- import -------------------------------------------------------------------------------------------------


class ImportUploadForm(forms.Form):
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
        return _checked_upload(self.cleaned_data.get("file"), SPREADSHEET_UPLOAD)


class PeopleRecordsPolicyForm(forms.Form):
    """What an ordinary member sees of a colleague's records (the body's administrators decide)."""

    colleague_records = forms.ChoiceField(
        label=_("What members see of their colleagues"),
        choices=ColleagueRecords.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Competence managers, body administrators and the person themselves always see everything. "
            "The team summary is a colleague's name, roles, employment and approved competences."
        ),
    )
