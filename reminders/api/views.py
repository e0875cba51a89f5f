"""The notification centre and the deadlines list over the API. Thin: parse, call one selector/service, render."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from core.api.access import ALL_ACTIONS
from core.api.views import ApiViewMixin, TenantReadOnlyViewSet
from core.tenancy import get_visible_or_404

from ..models import Deadline, Notification
from ..selectors import deadline_queryset, notification_list
from ..services import notification_mark_read, notifications_mark_all_read
from .serializers import DeadlineOutputSerializer, NotificationOutputSerializer, ReadAllOutputSerializer


class NotificationFilter(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(
        method="filter_unread", label="only unread (true) or only read (false)"
    )

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(
        self, queryset: QuerySet[Notification], name: str, value: bool | None
    ) -> QuerySet[Notification]:
        if value is None:
            return queryset
        return queryset.filter(read_at__isnull=value)


@extend_schema_view(
    list=extend_schema(
        summary="Your notifications, newest first",
        tags=["notifications"],
        parameters=[
            OpenApiParameter(
                "unread", OpenApiTypes.BOOL, description="only unread (true) or only read (false)"
            )
        ],
    ),
)
class NotificationViewSet(ApiViewMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in person's own notifications. Personal: no bearer token reaches them (no `resource`)."""

    envelope_key = "notifications"
    session_only_actions = ALL_ACTIONS
    serializer_class = NotificationOutputSerializer
    filterset_class = NotificationFilter
    ordering_fields = ["created_at"]
    lookup_field = "id"
    lookup_url_kwarg = "id"
    queryset = Notification.objects.none()  # for the schema; get_queryset is what answers

    def get_queryset(self) -> QuerySet[Notification]:
        return notification_list(user=self.request.user)

    @extend_schema(
        summary="Mark one of your notifications read",
        request=None,
        responses=NotificationOutputSerializer,
        tags=["notifications"],
    )
    @action(detail=True, methods=["post"], url_path="read")
    def read(self, request: Request, id: Any = None) -> Response:
        notification = get_visible_or_404(self.get_queryset(), id=id)
        notification = notification_mark_read(notification=notification, user=request.user)
        return Response(self.get_serializer(notification).data)

    @extend_schema(
        summary="Mark all your notifications read",
        request=None,
        responses=ReadAllOutputSerializer,
        tags=["notifications"],
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request: Request) -> Response:
        updated = notifications_mark_all_read(user=request.user)
        return Response(ReadAllOutputSerializer({"updated": updated}).data)


class DeadlineFilter(django_filters.FilterSet):
    kind = django_filters.CharFilter(
        field_name="kind", help_text="deadline kind, e.g. bodies.accreditation_expiry"
    )
    due_before = django_filters.DateFilter(
        field_name="due_on", lookup_expr="lte", help_text="due on or before"
    )
    due_after = django_filters.DateFilter(field_name="due_on", lookup_expr="gte", help_text="due on or after")
    open = django_filters.BooleanFilter(
        field_name="closed_at", lookup_expr="isnull", help_text="only open (true)"
    )

    class Meta:
        model = Deadline
        fields = ["kind", "due_before", "due_after", "open"]


@extend_schema_view(
    list=extend_schema(
        summary="Deadlines of your bodies (all bodies for registry staff)", tags=["deadlines"]
    ),
    retrieve=extend_schema(summary="One deadline", tags=["deadlines"]),
)
class DeadlineViewSet(TenantReadOnlyViewSet):
    """Deadlines the platform watches (e.g. accreditation expiry), with their next reminder date."""

    resource = "deadlines"
    resource_label = _("Deadlines")
    envelope_key = "deadlines"
    queryset = Deadline.objects.all()
    serializer_class = DeadlineOutputSerializer
    filterset_class = DeadlineFilter
    ordering_fields = ["due_on", "next_reminder_on", "created_at"]

    def base_queryset(self) -> QuerySet[Deadline]:
        return deadline_queryset()
