"""A body's decision on what its members see of their colleagues' records."""

from __future__ import annotations

from rest_framework import serializers

from competence.models import ColleagueRecords, PeopleRecordsPolicy
from core.api.serializers import UserRefSerializer


class PeopleRecordsPolicyOutput(serializers.ModelSerializer):
    body = serializers.UUIDField(source="body_id", read_only=True)
    colleague_records = serializers.ChoiceField(
        choices=ColleagueRecords.choices,
        read_only=True,
        help_text="`summary` (the default): an ordinary member sees their own records and of a colleague only "
        "name, roles, employment and approved competences; `full`: every active member reads colleagues' "
        "records, history, evidence, competence-record PDF and personal deadlines. Competence managers, body "
        "administrators and registry staff always see everything.",
    )
    updated_by = UserRefSerializer(read_only=True, allow_null=True)
    updated_at = serializers.DateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = PeopleRecordsPolicy
        fields = ["body", "colleague_records", "updated_by", "updated_at"]
        read_only_fields = fields


class PeopleRecordsPolicyInput(serializers.Serializer):
    colleague_records = serializers.CharField(help_text="`summary` or `full`")
