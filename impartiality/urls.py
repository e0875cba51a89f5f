from django.urls import path  # noqa: F401

from .views import conflicts as conflict_views  # conflicts (H2b)

app_name = "impartiality"

urlpatterns = [
    # --- declarations, reviews and conflicts (H2) ---
    # conflicts (H2b)
    path("conflicts/check/", conflict_views.ConflictCheckView.as_view(), name="conflict-check"),
    path(
        "conflicts/overrides/", conflict_views.ConflictOverrideListView.as_view(), name="conflict-overrides"
    ),
    path(
        "conflicts/overrides/new/",
        conflict_views.ConflictOverrideCreateView.as_view(),
        name="conflict-override-create",
    ),
    path("policy/", conflict_views.ImpartialityPolicyView.as_view(), name="policy"),
    # --- risk registers and committee (H3) ---
]
