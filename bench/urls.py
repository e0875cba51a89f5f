"""The project's URLs plus the bare baselines the benchmarks compare against."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from bodies.models import Body
from icr.urls import urlpatterns as project_urlpatterns


def bare_bodies(request: HttpRequest) -> JsonResponse:
    """The least a JSON list of 50 bodies can cost in Django: one query, no DRF, no permissions."""
    rows = list(
        Body.objects.order_by("legal_name").values("id", "legal_name", "country", "kind", "status")[:50]
    )
    return JsonResponse({"bodies": rows}, json_dumps_params={"default": str})


urlpatterns = [path("bench/bare-bodies/", bare_bodies), *project_urlpatterns]
