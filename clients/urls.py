from django.urls import path

from . import views

app_name = "clients"

urlpatterns = [
    path("", views.ClientListView.as_view(), name="list"),
    path("add/", views.ClientCreateView.as_view(), name="create"),
    path("<uuid:pk>/", views.ClientDetailView.as_view(), name="detail"),
    path("<uuid:pk>/edit/", views.ClientEditView.as_view(), name="edit"),
    path("<uuid:pk>/sites/add/", views.SiteCreateView.as_view(), name="site-create"),
    path("sites/<uuid:pk>/edit/", views.SiteEditView.as_view(), name="site-edit"),
    path("projects/", views.ProjectListView.as_view(), name="projects"),
    path("projects/add/", views.ProjectCreateView.as_view(), name="project-create"),
    path("projects/<uuid:pk>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<uuid:pk>/edit/", views.ProjectEditView.as_view(), name="project-edit"),
    path("import/", views.ImportView.as_view(), name="import"),
    path("import/template.csv", views.ImportTemplateView.as_view(), name="import-template"),
    path("import/<uuid:pk>/", views.ImportPreviewView.as_view(), name="import-preview"),
    path("import/<uuid:pk>/apply/", views.ImportApplyView.as_view(), name="import-apply"),
]
