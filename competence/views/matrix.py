"""The competence matrix (people × standard and sector) with its export, and the team check."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, TemplateView

from bodies.models.tenants import Role
from core.portal import HtmxPartialMixin, PortalMixin, ServiceFormMixin

from .. import forms as competence_forms
from ..checks import team_check_coverage
from ..exports import CSV_CONTENT_TYPE, XLSX_CONTENT_TYPE, table_csv, table_xlsx
from ..selectors import competence_matrix, matrix_table
from .base import SectionMixin, active_people, expiry_warning_days


class MatrixView(SectionMixin, PortalMixin, HtmxPartialMixin, TemplateView):
    """People × (standard, sector). The filter form swaps the table in place (htmx) and keeps the URL in step."""

    template_name = "competence/matrix.html"
    partial_template_name = "competence/partials/_matrix.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = competence_forms.MatrixFilterForm(self.request.GET or None)
        form.is_valid()
        matrix = competence_matrix(body=self.body, filters=form.filters(), viewer=self.request.user)
        groups: list[list[Any]] = []
        for standard, _sector in matrix.columns:
            if groups and groups[-1][0].pk == standard.pk:
                groups[-1][1] += 1
            else:
                groups.append([standard, 1])
        context.update(
            {
                "form": form,
                "matrix": matrix,
                "column_groups": groups,
                "expiry_warning_days": expiry_warning_days(),
                "filter_query": self.request.GET.urlencode(),
            }
        )
        return context


class MatrixExportView(PortalMixin, View):
    """The matrix, with the same filters, as a CSV or XLSX attachment."""

    http_method_names = ["get"]
    formats = ("csv", "xlsx")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        export_format = request.GET.get("format", "csv")
        if export_format not in self.formats:
            return HttpResponseBadRequest(_("Choose the format csv or xlsx."), content_type="text/plain")
        form = competence_forms.MatrixFilterForm(request.GET)
        form.is_valid()
        header, rows = matrix_table(
            competence_matrix(body=self.body, filters=form.filters(), viewer=request.user)
        )
        name = f"competence-matrix-{slugify(str(self.body))}-{timezone.localdate().isoformat()}"
        if export_format == "xlsx":
            response = HttpResponse(
                table_xlsx(header, rows, title=_("Competence matrix"), frozen_columns=1),
                content_type=XLSX_CONTENT_TYPE,
            )
        else:
            response = HttpResponse(table_csv(header, rows), content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.{export_format}"'
        response["Cache-Control"] = "private, no-cache"
        return response


# --- team check ---------------------------------------------------------------------------------------------


class TeamCheckView(SectionMixin, PortalMixin, HtmxPartialMixin, ServiceFormMixin, FormView):
    """Would this team cover the engagement? Answered in place (an htmx partial), member by member."""

    form_class = competence_forms.TeamCheckForm
    template_name = "competence/team_check.html"
    partial_template_name = "competence/partials/_team_check.html"

    def get_form_kwargs(self) -> dict[str, Any]:
        kwargs = super().get_form_kwargs()
        kwargs["people"] = active_people(self.body)
        return kwargs

    def perform(self, form: competence_forms.TeamCheckForm) -> Any:
        return team_check_coverage(body=self.body, **form.service_kwargs())

    def form_done(self, form: competence_forms.TeamCheckForm, result: Any) -> HttpResponse:
        roles = dict(Role.choices)
        members = [
            {"person": member.person, "role": roles.get(member.role, member.role), "result": member_result}
            for member, member_result in result.members
        ]
        member_gaps = {gap for member in members for gap in member["result"].gaps}
        team_gaps = [gap for gap in result.gaps if gap not in member_gaps]
        context = self.get_context_data(form=form, result=result, members=members, team_gaps=team_gaps)
        return self.render_to_response(context)


class TeamCheckRowView(PortalMixin, View):
    """ "Add a person" on the team check (htmx GET): the next blank row of the team formset, numbered by the
    form's current row count (`team-TOTAL_FORMS`, sent by the button), with that count raised by one out of
    band; past `TEAM_MAX_ROWS` (or an unreadable count) it answers 400 with a message."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        raw = request.GET.get(f"{competence_forms.TEAM_PREFIX}-TOTAL_FORMS", "")
        index = int(raw) if raw.isdigit() else -1
        if not 0 <= index < competence_forms.TEAM_MAX_ROWS:
            return HttpResponseBadRequest(
                ngettext(
                    "A team check takes at most %(num)d person.",
                    "A team check takes at most %(num)d people.",
                    competence_forms.TEAM_MAX_ROWS,
                )
                % {"num": competence_forms.TEAM_MAX_ROWS},
                content_type="text/plain",
            )
        row = competence_forms.team_row_form(index=index, people=active_people(self.body))
        context = {
            "row": row,
            "number": index + 1,
            "total_forms": index + 1,
            "prefix": competence_forms.TEAM_PREFIX,
            "max_rows": competence_forms.TEAM_MAX_ROWS,
            "full": index + 1 >= competence_forms.TEAM_MAX_ROWS,
            "oob": True,
        }
        return render(request, "competence/partials/_team_row_added.html", context)
