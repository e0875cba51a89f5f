"""Impartiality portal routes (included under /impartiality/, namespace "impartiality")."""

from django.urls import path

from .views import conflicts, declarations, register

app_name = "impartiality"

urlpatterns = [
    # declarations and their reviews
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
    # conflicts and overrides
    path("conflicts/check/", conflicts.ConflictCheckView.as_view(), name="conflict-check"),
    path("conflicts/overrides/", conflicts.ConflictOverrideListView.as_view(), name="conflict-overrides"),
    path(
        "conflicts/overrides/new/",
        conflicts.ConflictOverrideCreateView.as_view(),
        name="conflict-override-create",
    ),
    path("policy/", conflicts.ImpartialityPolicyView.as_view(), name="policy"),
    # the body's risk register and its impartiality committee
    path("register/", register.RiskListView.as_view(), name="risk-list"),
    path("register/add/", register.RiskCreateView.as_view(), name="risk-create"),
    path("register/pack/", register.RegisterPackView.as_view(), name="register-pack"),
    path("register/<uuid:pk>/", register.RiskDetailView.as_view(), name="risk-detail"),
    path("register/<uuid:pk>/edit/", register.RiskEditView.as_view(), name="risk-edit"),
    path("register/<uuid:pk>/review/", register.RiskReviewView.as_view(), name="risk-review"),
    path("register/<uuid:pk>/close/", register.RiskCloseView.as_view(), name="risk-close"),
    path("register/<uuid:pk>/reopen/", register.RiskReopenView.as_view(), name="risk-reopen"),
    path("committee/", register.CommitteeView.as_view(), name="committee"),
    path("committee/meetings/add/", register.MeetingCreateView.as_view(), name="meeting-create"),
    path(
        "committee/meetings/action-row/",
        register.MeetingActionRowView.as_view(),
        name="meeting-action-row",
    ),
    path("committee/meetings/<uuid:pk>/", register.MeetingDetailView.as_view(), name="meeting-detail"),
    path(
        "committee/actions/<uuid:pk>/complete/",
        register.ActionCompleteView.as_view(),
        name="action-complete",
    ),
]
