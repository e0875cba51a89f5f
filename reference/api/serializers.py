"""The registry's list of accreditation bodies, as the API shows it."""

from __future__ import annotations

from django_countries.serializer_fields import CountryField
from rest_framework import serializers

from reference.models import AccreditationBody, AccreditationBodyMla


class AccreditationBodyMlaOutput(serializers.ModelSerializer):
    class Meta:
        model = AccreditationBodyMla
        fields = ["standard", "since", "until"]
        read_only_fields = fields


class AccreditationBodyOutput(serializers.ModelSerializer):
    """An accreditation body; `mlaSignatures` say for which accreditation standards it is an IAF MLA signatory,
    since when (and until when, if it no longer is)."""

    country = CountryField(read_only=True)
    mla_signatures = AccreditationBodyMlaOutput(many=True, read_only=True)

    class Meta:
        model = AccreditationBody
        fields = ["id", "name", "acronym", "country", "website", "mla_signatures"]
        read_only_fields = fields
