from django.contrib import admin

from .models import Activity, Sector, Standard


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
