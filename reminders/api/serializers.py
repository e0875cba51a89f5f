"""Output shapes of the reminders API (camelCase on the wire, through the renderer)."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Deadline, Notification


class NotificationOutputSerializer(serializers.ModelSerializer):
    body_name = serializers.SerializerMethodField()
    is_read = serializers.BooleanField(read_only=True)
    kind_label = serializers.CharField(
        read_only=True, help_text="the kind's name for people; `kind` is the code"
    )

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "message",
            "url",
            "body",
            "body_name",
            "deadline",
            "offset_days",
            "created_at",
            "read_at",
            "is_read",
        ]
        read_only_fields = fields

    def get_body_name(self, obj: Notification) -> str | None:
        return str(obj.body) if obj.body_id else None


class ReadAllOutputSerializer(serializers.Serializer):
    updated = serializers.IntegerField(help_text="how many notifications were marked read")


class DeadlineOutputSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(read_only=True)
    subject_type = serializers.SerializerMethodField()

    class Meta:
        model = Deadline
        fields = [
            "id",
            "kind",
            "kind_label",
            "body",
            "subject_type",
            "subject_id",
            "due_on",
            "time_zone",
            "next_reminder_on",
            "last_offset_fired",
            "closed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_subject_type(self, obj: Deadline) -> str:
        """`app_label.model` of the record the deadline belongs to, e.g. `bodies.accreditation`."""
        return f"{obj.subject_type.app_label}.{obj.subject_type.model}"
