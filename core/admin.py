"""Back-office base classes (tenant-scoped lists, the staff read-only admin and inline, the searchable filter of
a long choice list) and the read-only audit trail."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import ERROR_FLAG, PAGE_VAR, ChangeList
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .audit import audit_verify_chain
from .audit_history import HistoryEntry, admin_linker, history_entries
from .filters import action_choices, record_kind_choices
from .models import AuditEvent
from .permissions import is_registry_staff


class TenantAdmin(admin.ModelAdmin):
    """Every back-office list goes through the model's `visible_to`: registry staff see all, nobody else any."""

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).visible_to(request.user)  # type: ignore[attr-defined]


class ReadOnlyAdminMixin:
    """No add, change or delete: rows change only through the services."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StaffReadOnlyAdmin(ReadOnlyAdminMixin, TenantAdmin):
    """The back office's oversight lists: registry staff read every body's rows; nobody adds, changes or
    deletes (bodies keep their own records through the portal and the API, the registry decides through the
    services). Admin actions that call a service stay possible (e.g. re-rendering a failed document)."""

    #: False for a model whose `visible_to` means "one's own rows" (notifications): staff oversee all of them
    scope_to_tenants = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        if self.scope_to_tenants:
            return super().get_queryset(request)
        return admin.ModelAdmin.get_queryset(self, request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_registry_staff(request.user)


class StaffReadOnlyInline(admin.TabularInline):
    """A read-only table of a record's children on its admin page: every listed field read-only, no rows
    added or deleted."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*(self.fields or ()), *super().get_readonly_fields(request, obj)]))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class SearchableChoicesFilter(admin.ChoicesFieldListFilter):
    """A long choice filter (countries) as a search box with suggestions: an HTML `datalist` of the values the
    rows hold, typed as a name or a code (`<field>__label`), with the usual `<field>__exact` links still
    understood. The list beside it keeps only "All" and the chosen value. No script.

    Registered below for every choice field longer than `SEARCHABLE_FILTER_MIN_CHOICES`, so a plain
    `list_filter = ("country",)` gets it; `("field", SearchableChoicesFilter)` names it for a shorter list. A
    name that matches no value is a warning and an empty list, never silently ignored."""

    template = "admin/filters/searchable_choices.html"

    def __init__(
        self, field: Any, request: HttpRequest, params: Any, model: Any, model_admin: Any, field_path: str
    ) -> None:
        self.lookup_kwarg_label = f"{field_path}__label"
        super().__init__(field, request, params, model, model_admin, field_path)
        typed: Any = self.used_parameters.pop(self.lookup_kwarg_label, None)
        self.label_val = str(typed[-1]).strip() if typed else ""
        self.labels = {
            str(value): str(label) for value, label in field.flatchoices if value not in (None, "")
        }
        held = model_admin.get_queryset(request).order_by().values_list(field_path, flat=True).distinct()
        self.options = sorted(
            (
                (str(value), self.labels.get(str(value), str(value)))
                for value in held
                if value not in (None, "")
            ),
            key=lambda option: option[1],
        )
        self.datalist_id = f"filter-{field_path.replace('__', '-')}-options"

    def expected_parameters(self) -> list[str | None]:
        return [*super().expected_parameters(), self.lookup_kwarg_label]

    def value_for(self, typed: str) -> str | None:
        """The value a typed name or code stands for (case aside), or None."""
        wanted = typed.casefold()
        for value, label in self.labels.items():
            if wanted in (value.casefold(), label.casefold()):
                return value
        return None

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.label_val:
            value = self.value_for(self.label_val)
            if value is None:
                messages.warning(
                    request,
                    _("No %(title)s is called “%(typed)s”: choose one of the suggestions.")
                    % {"title": self.title, "typed": self.label_val},
                )
                return queryset.none()
            queryset = queryset.filter(**{self.field_path: value})
        narrowed = super().queryset(request, queryset)
        return queryset if narrowed is None else narrowed

    @property
    def selected_value(self) -> str | None:
        if self.label_val:
            return self.value_for(self.label_val)
        return str(self.lookup_val[-1]) if self.lookup_val else None

    def choices(self, changelist: Any) -> Any:
        remove = [*self.expected_parameters(), PAGE_VAR, ERROR_FLAG]
        # the search box submits as a GET form: the list's other parameters ride along as hidden fields
        self.hidden_params = [
            (name, value)
            for name, values in QueryDict(changelist.get_query_string(remove=remove)[1:]).lists()
            for value in values
        ]
        selected = self.selected_value
        self.current_label = self.labels.get(selected, self.label_val) if selected else self.label_val
        yield {
            "selected": selected is None and not self.label_val,
            "query_string": changelist.get_query_string(remove=self.expected_parameters()),
            "display": _("All"),
        }
        if selected is not None:
            yield {
                "selected": True,
                "query_string": changelist.get_query_string(
                    {self.lookup_kwarg: selected}, [self.lookup_kwarg_isnull, self.lookup_kwarg_label]
                ),
                "display": self.labels.get(selected, selected),
            }


#: a choice field with more choices than this is filtered through a search box (countries: about 250)
SEARCHABLE_FILTER_MIN_CHOICES = 30


def _long_choices(field: Any) -> bool:
    return bool(getattr(field, "choices", None)) and len(field.flatchoices) > SEARCHABLE_FILTER_MIN_CHOICES


# every admin's `list_filter` naming such a field (e.g. "country") gets the searchable filter, no import needed
admin.FieldListFilter.register(_long_choices, SearchableChoicesFilter, take_priority=True)


class _ActionFilter(admin.SimpleListFilter):
    """By action, each named by its sentence."""

    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return action_choices()

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(action=self.value()) if self.value() else queryset


class _RecordKindFilter(admin.SimpleListFilter):
    """By kind of record, each named by its model's name."""

    title = _("kind of record")
    parameter_name = "object_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return record_kind_choices()

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(object_type=self.value()) if self.value() else queryset


class _HistoryChangeList(ChangeList):
    """Reads the page's events as a history in bulk (a constant few queries per page)."""

    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        entries = history_entries(list(self.result_list), linker=admin_linker(request))
        for event, entry in zip(self.result_list, entries, strict=True):
            event.history = entry


def _changes_html(entry: HistoryEntry) -> str:
    if not entry.changes:
        return "—"
    return format_html_join(
        "",
        "<div><strong>{}</strong>: {} → {}</div>",
        ((change.label, change.before or "—", change.after or "—") for change in entry.changes),
    )


@admin.register(AuditEvent)
class AuditEventAdmin(StaffReadOnlyAdmin):
    """Every body's trail read as a history; with one body chosen, whether its hash chain holds."""

    change_list_template = "admin/core/auditevent/change_list.html"
    list_display = ("created_at", "who", "what", "record", "changes", "body")
    list_filter = (
        _ActionFilter,
        _RecordKindFilter,
        ("body", admin.RelatedOnlyFieldListFilter),
        "created_at",
    )
    search_fields = ("object_repr", "object_id", "actor_label", "action", "request_id")
    date_hierarchy = "created_at"
    list_select_related = ("body", "actor")
    readonly_fields = (
        "created_at",
        "who",
        "what",
        "record",
        "changes",
        "body",
        "chain_status",
        "chain",
        "sequence",
        "action",
        "object_type",
        "object_id",
        "request_id",
        "client_ip",
        "prev_hash",
        "hash",
        "key_id",
    )
    exclude = ("before", "after", "actor", "actor_label", "object_repr")

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return _HistoryChangeList

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        chain = request.GET.get("body__id__exact", "")
        context = dict(extra_context or {})
        if chain and is_registry_staff(request.user):
            context["chain"] = audit_verify_chain(chain)
        return super().changelist_view(request, extra_context=context)

    def _entry(self, obj: AuditEvent) -> HistoryEntry:
        entry = getattr(obj, "history", None)
        if entry is None:  # read outside a list or an event's page: no links
            entry = history_entries([obj])[0]
            obj.history = entry  # type: ignore[attr-defined]
        return entry  # type: ignore[no-any-return]

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        """One event's page reads it as history too (kept on the event: the admin is shared by threads)."""
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj.history = history_entries([obj], linker=admin_linker(request))[0]
        return obj

    @admin.display(description=_("who"))
    def who(self, obj: AuditEvent) -> str:
        return self._entry(obj).who

    @admin.display(description=_("what"))
    def what(self, obj: AuditEvent) -> str:
        return self._entry(obj).what

    @admin.display(description=_("record"))
    def record(self, obj: AuditEvent) -> str:
        entry = self._entry(obj)
        name = format_html("{}<br><small>{}</small>", entry.record, entry.record_kind)
        return format_html('<a href="{}">{}</a>', entry.url, name) if entry.url else name

    @admin.display(description=_("what changed"))
    def changes(self, obj: AuditEvent) -> str:
        return _changes_html(self._entry(obj))

    @admin.display(description=_("hash chain"))
    def chain_status(self, obj: AuditEvent) -> str:
        report = audit_verify_chain(obj.chain)
        if report.ok:
            return str(
                _("Verified: all %(count)s events of this chain are intact.") % {"count": report.events}
            )
        return str(_("Broken at event %(number)s.") % {"number": report.broken_at})
