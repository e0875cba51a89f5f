from django.urls import path

from .views import conflicts as conflict_views  # conflicts (H2b)
from .views import declarations  # declarations (H2a)
from .views import register as register_views

app_name = "impartiality"

urlpatterns = [
    # --- declarations, reviews and conflicts (H2) ---
    # declarations (H2a)
    path("declarations/", declarations.MyDeclarationsView.as_view(), name="declarations-mine"),
    path("declarations/start/", declarations.DeclarationStartView.as_view(), name="declaration-start"),
    path("declarations/review/", declarations.ReviewQueueView.as_view(), name="declaration-review-queue"),
    path("declarations/all/", declarations.BodyDeclarationsView.as_view(), name="declaration-list"),
    path("declarations/<uuid:pk>/", declarations.DeclarationDetailView.as_view(), name="declaration-detail"),
    path(
        "declarations/<uuid:pk>/relationships/add/",
        declarations.RelationshipAddView.as_view(),
        name="declaration-relationship-add",
    ),
    path(
        "declarations/relationships/<uuid:pk>/remove/",
        declarations.RelationshipRemoveView.as_view(),
        name="declaration-relationship-remove",
    ),
    path(
        "declarations/<uuid:pk>/submit/",
        declarations.DeclarationSubmitView.as_view(),
        name="declaration-submit",
    ),
    path(
        "declarations/<uuid:pk>/correct/",
        declarations.DeclarationCorrectView.as_view(),
        name="declaration-correct",
    ),
    path(
        "declarations/<uuid:pk>/review/",
        declarations.DeclarationReviewView.as_view(),
        name="declaration-review",
    ),
    path("declarations/<uuid:pk>/pdf/", declarations.DeclarationPdfView.as_view(), name="declaration-pdf"),
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
    path("register/", register_views.RiskListView.as_view(), name="risk-list"),
    path("register/add/", register_views.RiskCreateView.as_view(), name="risk-create"),
    path("register/pack/", register_views.RegisterPackView.as_view(), name="register-pack"),
    path("register/<uuid:pk>/", register_views.RiskDetailView.as_view(), name="risk-detail"),
    path("register/<uuid:pk>/edit/", register_views.RiskEditView.as_view(), name="risk-edit"),
    path("register/<uuid:pk>/review/", register_views.RiskReviewView.as_view(), name="risk-review"),
    path("register/<uuid:pk>/close/", register_views.RiskCloseView.as_view(), name="risk-close"),
    path("register/<uuid:pk>/reopen/", register_views.RiskReopenView.as_view(), name="risk-reopen"),
    path("committee/", register_views.CommitteeView.as_view(), name="committee"),
    path("committee/meetings/add/", register_views.MeetingCreateView.as_view(), name="meeting-create"),
    path(
        "committee/meetings/action-row/",
        register_views.MeetingActionRowView.as_view(),
        name="meeting-action-row",
    ),
    path("committee/meetings/<uuid:pk>/", register_views.MeetingDetailView.as_view(), name="meeting-detail"),
    path(
        "committee/actions/<uuid:pk>/complete/",
        register_views.ActionCompleteView.as_view(),
        name="action-complete",
    ),
]
