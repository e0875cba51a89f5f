"""The project's URLs plus the bare baselines the benchmarks compare against."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import Context, Template
from django.urls import path

from bodies.models.tenants import Body
from icr.urls import urlpatterns as project_urlpatterns


def bare_bodies(request: HttpRequest) -> JsonResponse:
    """The least a JSON list of 50 bodies can cost in Django: one query, no DRF, no permissions."""
    rows = list(
        Body.objects.order_by("legal_name").values("id", "legal_name", "country", "kind", "status")[:50]
    )
    return JsonResponse({"bodies": rows}, json_dumps_params={"default": str})


_MATRIX_TEMPLATE = Template(
    "<table>{% for row in rows %}<tr><th>{{ row.0 }}</th>{% for cell in row.1 %}<td>{{ cell }}</td>{% endfor %}"
    "</tr>{% endfor %}</table>"
)


def bare_matrix(request: HttpRequest) -> HttpResponse:
    """The least a people × scopes table can cost: one query, a dict, one template loop over the cells."""
    from competence.models import CompetenceRecord

    body_id = request.GET["body"]
    cells: dict[str, dict[tuple[str, int], str]] = {}
    columns: set[tuple[str, int]] = set()
    for person, standard, sector, status in CompetenceRecord.objects.filter(body_id=body_id).values_list(
        "person__full_name", "standard_id", "sector_id", "status"
    ):
        columns.add((standard, sector))
        cells.setdefault(person, {})[(standard, sector)] = status
    ordered = sorted(columns)
    rows = [(person, [held.get(c, "") for c in ordered]) for person, held in sorted(cells.items())]
    return HttpResponse(_MATRIX_TEMPLATE.render(Context({"rows": rows})))


urlpatterns = [
    path("bench/bare-bodies/", bare_bodies),
    path("bench/bare-matrix/", bare_matrix),
    *project_urlpatterns,
]
