"""The public verification API (no login): a certificate or statement by its number, or by the token its QR code
carries. Answers only the public facts (`certification.selectors.public`); every look-up is rate-limited per
client address at `PUBLIC_VERIFY_RATE`, shared with the public page."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from core.api.public import PublicApiMixin
from core.api.schema import errors
from core.error_codes import CoreErrorCode
from core.errors import coded
from core.net import client_ip

from ..selectors.public import NUMBER_MAX_LENGTH, PublicCertificate, PublicLookup
from ..services.public import public_verify_number, public_verify_token


class PublicVerifyThrottle(SimpleRateThrottle):
    """`PUBLIC_VERIFY_RATE` look-ups per client address, page and API together (one history in the cache).

    The address is `core.net.client_ip` (the peer's, or the outermost trusted proxy's view when
    `TRUSTED_PROXY_HOPS` names them), so changing `X-Forwarded-For` does not buy more guesses."""

    scope = "public_verify"

    def get_rate(self) -> str | None:
        return settings.PUBLIC_VERIFY_RATE  # read per request: a changed setting applies without a restart

    def get_ident(self, request: Any) -> str:
        return client_ip(request) or "unknown"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def public_verify_throttled(request: HttpRequest) -> int | None:
    """For the page: None when the look-up may go ahead, else the seconds to wait."""
    throttle = PublicVerifyThrottle()
    if throttle.allow_request(request, None):  # type: ignore[arg-type]
        return None
    return max(1, int(throttle.wait() or 1))


class PublicSiteOutput(serializers.Serializer):
    name = serializers.CharField()
    country = serializers.CharField(help_text="ISO 3166-1 alpha-2")


class PublicBodyOutput(serializers.Serializer):
    name = serializers.CharField()
    public_url = serializers.SerializerMethodField(
        help_text="the body's page in the public directory, if listed"
    )

    def get_public_url(self, body: Any) -> str | None:
        from django.urls import reverse

        if not body.listed:
            return None
        path = reverse("bodies:directory-detail", args=[body.id])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path


class PublicQuantityOutput(serializers.Serializer):
    vintage = serializers.IntegerField()
    period_start = serializers.DateField(allow_null=True)
    period_end = serializers.DateField(allow_null=True)
    reductions = serializers.DecimalField(max_digits=14, decimal_places=3, help_text="tCO₂e")
    removals = serializers.DecimalField(max_digits=14, decimal_places=3, help_text="tCO₂e")


class PublicVerificationOutput(serializers.Serializer):
    """A certificate's or a statement's public facts; the fields of the other kind are null or empty."""

    kind = serializers.ChoiceField(choices=["certificate", "statement"])
    number = serializers.CharField()
    status = serializers.CharField(
        help_text="as of today in the body's time zone: certificates valid, scope_reduced, suspended, withdrawn, "
        "expired, superseded; statements issued, withdrawn, superseded"
    )
    status_label = serializers.CharField()
    certifies = serializers.BooleanField(help_text="valid today (a certificate) or issued (a statement)")
    verify_url = serializers.SerializerMethodField(help_text="the public page the QR code opens")
    client_name = serializers.CharField()
    body = PublicBodyOutput()
    # certificates
    scope = serializers.CharField(required=False, default="")
    sites = PublicSiteOutput(many=True, required=False, default=())
    standard = serializers.SerializerMethodField()
    sector = serializers.CharField(required=False, default="")
    initial_certification_on = serializers.DateField(required=False, allow_null=True, default=None)
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)
    status_since = serializers.DateField(required=False, allow_null=True, default=None)
    gap_from = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="without validity from (a restore)"
    )
    gap_to = serializers.DateField(required=False, allow_null=True, default=None)
    version = serializers.IntegerField(required=False, allow_null=True, default=None)
    cycle = serializers.IntegerField(required=False, allow_null=True, default=None)
    issued_on = serializers.DateField(allow_null=True)
    # statements
    opinion = serializers.CharField(required=False, default="")
    opinion_label = serializers.CharField(required=False, default="")
    level_of_assurance = serializers.CharField(required=False, default="")
    materiality_percent = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, default=None
    )
    project_name = serializers.CharField(required=False, default="")
    project_registry_number = serializers.CharField(required=False, default="")
    monitoring_period_start = serializers.DateField(required=False, allow_null=True, default=None)
    monitoring_period_end = serializers.DateField(required=False, allow_null=True, default=None)
    quantities = PublicQuantityOutput(many=True, required=False, default=())

    def get_verify_url(self, record: Any) -> str:
        from django.urls import reverse

        path = reverse("verify:token", args=[record.token])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request is not None else path

    def get_standard(self, record: Any) -> dict[str, str] | None:
        if not isinstance(record, PublicCertificate):
            return None
        return {"code": record.standard_code, "name": record.standard_name}

    def to_representation(self, instance: Any) -> Any:
        data = super().to_representation(instance)
        if isinstance(instance, PublicCertificate):
            for key in (
                "opinion",
                "opinion_label",
                "level_of_assurance",
                "materiality_percent",
                "project_name",
                "project_registry_number",
                "monitoring_period_start",
                "monitoring_period_end",
                "quantities",
            ):
                data.pop(key, None)
        else:
            for key in (
                "scope",
                "sites",
                "standard",
                "sector",
                "initial_certification_on",
                "expires_on",
                "status_since",
                "gap_from",
                "gap_to",
                "version",
                "cycle",
            ):
                data.pop(key, None)
        return data


class PublicVerificationsOutput(serializers.Serializer):
    verifications = PublicVerificationOutput(many=True)


class PublicVerificationEnvelope(serializers.Serializer):
    verification = PublicVerificationOutput()


class NumberInput(serializers.Serializer):
    number = serializers.CharField(max_length=NUMBER_MAX_LENGTH, trim_whitespace=True)


class PublicVerifyByNumberView(PublicApiMixin, APIView):
    throttle_classes = [PublicVerifyThrottle]

    @extend_schema(
        operation_id="public_verify_by_number",
        summary="Verify a certificate or statement by number (public)",
        description="Every certificate and statement with this number (numbers are unique per body, so a "
        "number issued by several bodies lists each), with its status as of today and its public facts "
        "only. Rate-limited per client address.",
        parameters=[OpenApiParameter("number", OpenApiTypes.STR, required=True)],
        responses={200: PublicVerificationsOutput, **errors(400, 429)},
        auth=[],
        tags=["public verification"],
    )
    def get(self, request: Request) -> Response:
        unknown = sorted(set(request.query_params) - {"number"})
        if unknown:
            raise DjangoValidationError(
                {
                    name: coded(
                        _("This look-up has no parameter “%(name)s”. It knows: number.") % {"name": name},
                        CoreErrorCode.UNKNOWN_FILTER,
                    )
                    for name in unknown
                }
            )
        data = NumberInput(data={"number": request.query_params.get("number", "")})
        data.is_valid(raise_exception=True)
        lookup = public_verify_number(number=data.validated_data["number"])
        return Response(_many(lookup, request))


class PublicVerifyByTokenView(PublicApiMixin, APIView):
    throttle_classes = [PublicVerifyThrottle]

    @extend_schema(
        operation_id="public_verify_by_token",
        summary="Verify the certificate or statement a QR code names (public)",
        description="The token is the last part of the URL printed as the QR code on the PDF.",
        responses={200: PublicVerificationEnvelope, **errors(404, 429)},
        auth=[],
        tags=["public verification"],
    )
    def get(self, request: Request, token: str) -> Response:
        lookup = public_verify_token(token=token)
        if not lookup.records:
            raise NotFound(_("No certificate or statement has this code."))
        record = lookup.records[0]
        return Response({"verification": PublicVerificationOutput(record, context={"request": request}).data})


def _many(lookup: PublicLookup, request: Request) -> dict[str, Any]:
    return {
        "verifications": PublicVerificationOutput(
            lookup.records, many=True, context={"request": request}
        ).data
    }
