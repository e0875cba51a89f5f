from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core.admin import StaffReadOnlyAdmin, StaffReadOnlyInline
from core.admin_labels import choices_column

from .models import (
    AccreditationBody,
    AccreditationBodyMla,
    Activity,
    AuditTimeBand,
    AuditTimeTable,
    Sector,
    Standard,
)


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(Standard)
class StandardAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "sector_scheme")
    list_filter = ("kind", "sector_scheme")
    search_fields = ("code", "name")


@admin.register(Sector)
class SectorAdmin(admin.ModelAdmin):
    """Staff add a new version of a list beside the old one and mark the old rows not current."""

    list_display = ("scheme", "code", "name", "version", "is_current")
    list_filter = ("scheme", "version", "is_current")
    search_fields = ("code", "name")


class AccreditationBodyMlaInline(admin.TabularInline):
    model = AccreditationBodyMla
    fields = ("standard", "since", "until")
    extra = 0


@admin.register(AccreditationBody)
class AccreditationBodyAdmin(admin.ModelAdmin):
    """The accreditation bodies the registry recognises, with their IAF MLA signatures (kept from the IAF's
    published list of signatories); an accreditation body named by an accreditation is never deleted."""

    list_display = ("name", "acronym", "country", "mla_standards")
    list_filter = ("mla_signatures__standard",)
    search_fields = ("name", "acronym", "country")
    inlines = (AccreditationBodyMlaInline,)

    def get_queryset(self, request):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("mla_signatures")

    @admin.display(description="IAF MLA")
    def mla_standards(self, obj: AccreditationBody) -> str:
        return (
            ", ".join(
                str(signature.get_standard_display())
                for signature in obj.mla_signatures.all()
                if signature.until is None
            )
            or "—"
        )


class AuditTimeBandInline(StaffReadOnlyInline):
    model = AuditTimeBand
    fields = ("complexity_label", "min_personnel", "max_personnel", "days", "disputed", "disputed_note")
    ordering = ("complexity", "min_personnel")

    complexity_label = choices_column("complexity", _("complexity"))


@admin.register(AuditTimeTable)
class AuditTimeTableAdmin(StaffReadOnlyAdmin):
    """The published audit-time tables (IAF MD 5), read only: they ship as data with a migration and are
    tested against the published figures; a new version is a new table with its own "valid from"."""

    scope_to_tenants = False
    list_display = ("scheme_label", "source", "version", "valid_from")
    list_filter = ("scheme", "version")
    fields = ("scheme_label", "source", "version", "valid_from", "note")
    readonly_fields = fields
    inlines = (AuditTimeBandInline,)

    scheme_label = choices_column("scheme", _("scheme"))
