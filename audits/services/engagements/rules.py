"""The rules of an engagement's kind (issue 9 §1): which fields each kind takes and how they must agree, all
errors at once, by field."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import ValidationError, coded, field_error

from ...error_codes import AuditsErrorCode
from ...models import (
    ASSURANCE_KINDS,
    GHG_KINDS,
    MANAGEMENT_SYSTEM_KINDS,
    PROJECT_KINDS,
    Engagement,
    EngagementKind,
)
from .common import S


def validate_engagement(engagement: Engagement, sites: list[Any] | None) -> None:
    """Every rule of the engagement's kind, all errors at once, by field."""
    errors: dict[str, list[ValidationError]] = {}

    def error(name: str, message: str, code: AuditsErrorCode) -> None:
        errors.setdefault(name, []).append(coded(message, code))

    kind = engagement.kind
    if kind not in EngagementKind.values:
        error("kind", _("Choose a kind of engagement."), AuditsErrorCode.FIELD_NOT_FOR_KIND)
    client = engagement.client if engagement.client_id else None
    if client is not None and client.body_id != engagement.body_id:
        error("client", _("The client is not a client of this body."), AuditsErrorCode.CLIENT_INVALID)
    project = engagement.project if engagement.project_id else None
    if kind in PROJECT_KINDS:
        if project is None:
            error(
                "project",
                _("A validation or verification is about a project: choose the project."),
                AuditsErrorCode.PROJECT_REQUIRED,
            )
        elif project.body_id != engagement.body_id:
            error("project", _("The project is not a project of this body."), AuditsErrorCode.PROJECT_INVALID)
        elif client is not None and project.proponent_id != client.pk:
            error(
                "client",
                _("The client of a validation or verification is the project's proponent, %(proponent)s.")
                % {"proponent": project.proponent},
                AuditsErrorCode.PROJECT_INVALID,
            )
    elif project is not None:
        error(
            "project",
            _("Only a validation or verification is about a project."),
            AuditsErrorCode.FIELD_NOT_FOR_KIND,
        )
    if kind in ASSURANCE_KINDS:
        if not engagement.level_of_assurance:
            error(
                "level_of_assurance",
                _("A verification needs its level of assurance."),
                AuditsErrorCode.ASSURANCE_REQUIRED,
            )
        if engagement.materiality_percent is None:
            engagement.materiality_percent = Decimal(settings.MATERIALITY_DEFAULT_PERCENT)
        start, end = engagement.monitoring_period_start, engagement.monitoring_period_end
        if start is None or end is None:
            error(
                "monitoring_period_start",
                _("A verification needs the monitoring period it verifies."),
                AuditsErrorCode.MONITORING_PERIOD_INVALID,
            )
        elif end < start:
            error(
                "monitoring_period_end",
                _("The monitoring period cannot end before it starts."),
                AuditsErrorCode.MONITORING_PERIOD_INVALID,
            )
        elif project is not None and (
            (project.monitoring_period_start and start < project.monitoring_period_start)
            or (project.monitoring_period_end and end > project.monitoring_period_end)
        ):
            error(
                "monitoring_period_start",
                _("The monitoring period must lie inside the project's (%(start)s to %(end)s).")
                % {
                    "start": project.monitoring_period_start or "…",
                    "end": project.monitoring_period_end or "…",
                },
                AuditsErrorCode.MONITORING_PERIOD_INVALID,
            )
    else:
        for name in ("level_of_assurance", "materiality_percent"):
            if getattr(engagement, name) not in ("", None):
                error(
                    name,
                    _("The level of assurance and materiality apply only to a verification."),
                    AuditsErrorCode.FIELD_NOT_FOR_KIND,
                )
        if kind not in GHG_KINDS and (engagement.monitoring_period_start or engagement.monitoring_period_end):
            error(
                "monitoring_period_start",
                _("A monitoring period applies only to GHG work."),
                AuditsErrorCode.FIELD_NOT_FOR_KIND,
            )
    previous = engagement.previous_stage if engagement.previous_stage_id else None
    if kind == EngagementKind.STAGE_2:
        if (
            previous is None
            or previous.kind != EngagementKind.STAGE_1
            or previous.client_id != engagement.client_id
            or previous.status == S.CANCELLED
        ):
            error(
                "previous_stage",
                _("A stage 2 audit follows a stage 1 audit of the same client: choose it."),
                AuditsErrorCode.PREVIOUS_STAGE_INVALID,
            )
    elif previous is not None:
        error(
            "previous_stage",
            _("Only a stage 2 audit follows an earlier stage."),
            AuditsErrorCode.PREVIOUS_STAGE_INVALID,
        )
    if sites:
        if kind not in MANAGEMENT_SYSTEM_KINDS and kind != EngagementKind.PRODUCT_EVALUATION:
            error(
                "sites",
                _("Sites apply to management-system and product work."),
                AuditsErrorCode.FIELD_NOT_FOR_KIND,
            )
        foreign = [site for site in sites if site.client_id != engagement.client_id]
        if foreign:
            error(
                "sites",
                _("These sites are not the client's: %(sites)s.")
                % {"sites": ", ".join(str(s) for s in foreign)},
                AuditsErrorCode.SITE_NOT_OF_CLIENT,
            )
    if (
        engagement.planned_start
        and engagement.planned_end
        and engagement.planned_end < engagement.planned_start
    ):
        error(
            "planned_end",
            _("The planned end cannot be before the planned start."),
            AuditsErrorCode.PLANNED_ORDER,
        )
    if engagement.actual_start and engagement.actual_end and engagement.actual_end < engagement.actual_start:
        error(
            "actual_end",
            _("The actual end cannot be before the actual start."),
            AuditsErrorCode.PLANNED_ORDER,
        )
    if errors:
        raise ValidationError(errors)  # type: ignore[arg-type]
    engagement.full_clean(
        exclude=["body", "reference", "created_by", "sites", "status"], validate_constraints=False
    )


def cleaned_fields(fields: dict[str, Any]) -> tuple[dict[str, Any], list[Any] | None]:
    values = dict(fields)
    sites = values.pop("sites", None)
    for name in ("criteria", "scope", "internal_notes"):
        if isinstance(values.get(name), str):
            values[name] = values[name].strip()
    if values.get("materiality_percent") not in (None, ""):
        try:
            values["materiality_percent"] = Decimal(str(values["materiality_percent"]))
        except InvalidOperation:
            raise field_error(
                "materiality_percent", _("Enter a percentage."), AuditsErrorCode.FIELD_NOT_FOR_KIND
            ) from None
    elif "materiality_percent" in values:
        values["materiality_percent"] = None
    return values, None if sites is None else list(sites)
