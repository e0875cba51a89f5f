from django.contrib import admin

from .models import AccreditationBody, AccreditationBodyMla, Activity, Sector, Standard


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
