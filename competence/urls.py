from django.urls import path

from . import views

app_name = "competence"

urlpatterns = [
    path("", views.PersonListView.as_view(), name="people"),
    path("add/", views.PersonAddView.as_view(), name="person-add"),
    path("<uuid:pk>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("<uuid:pk>/edit/", views.PersonEditView.as_view(), name="person-edit"),
    path("<uuid:pk>/competences/new/", views.RecordCreateView.as_view(), name="record-create"),
    path("<uuid:pk>/training/new/", views.TrainingAddView.as_view(), name="training-add"),
    path("<uuid:pk>/witnessed-audits/new/", views.WitnessedAuditAddView.as_view(), name="witnessed-add"),
    path("<uuid:pk>/evaluations/new/", views.EvaluationAddView.as_view(), name="evaluation-add"),
    path("<uuid:pk>/pdf/", views.PersonPdfView.as_view(), name="person-pdf"),
    path("competences/<uuid:pk>/", views.RecordDetailView.as_view(), name="record-detail"),
    path("competences/<uuid:pk>/approve/", views.RecordApproveView.as_view(), name="record-approve"),
    path("competences/<uuid:pk>/renew/", views.RecordRenewView.as_view(), name="record-renew"),
    path("competences/<uuid:pk>/suspend/", views.RecordSuspendView.as_view(), name="record-suspend"),
    path("competences/<uuid:pk>/evidence/", views.EvidenceAddView.as_view(), name="evidence-add"),
    path("evidence/<uuid:pk>/download/", views.EvidenceDownloadView.as_view(), name="evidence-download"),
    path("matrix/", views.MatrixView.as_view(), name="matrix"),
    path("matrix/export/", views.MatrixExportView.as_view(), name="matrix-export"),
    path("team-check/", views.TeamCheckView.as_view(), name="team-check"),
    path("team-check/row/", views.TeamCheckRowView.as_view(), name="team-check-row"),
    path("confidentiality/", views.PeopleRecordsPolicyView.as_view(), name="records-policy"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/template.csv", views.ImportTemplateView.as_view(), name="import-template"),
    path("import/<uuid:pk>/", views.ImportPreviewView.as_view(), name="import-preview"),
    path("import/<uuid:pk>/apply/", views.ImportApplyView.as_view(), name="import-apply"),
]
