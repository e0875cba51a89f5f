from django.urls import path

from . import client_view, views

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
    # a client's users (the body's side)
    path("<uuid:pk>/users/", views.ClientUsersView.as_view(), name="users"),
    path("<uuid:pk>/users/invite/", views.ClientUserInviteView.as_view(), name="user-invite"),
    path("users/<uuid:pk>/resend/", views.ClientUserResendView.as_view(), name="user-resend"),
    path("users/<uuid:pk>/revoke/", views.ClientUserRevokeView.as_view(), name="user-revoke"),
    # the client view (what a client user reads) and the invitation link
    path("my/", client_view.HomeView.as_view(), name="client-view"),
    path("my/<uuid:pk>/", client_view.ClientProfileView.as_view(), name="client-view-client"),
    path("my/<uuid:pk>/sites/", client_view.SitesView.as_view(), name="client-view-sites"),
    path("my/<uuid:pk>/projects/", client_view.ProjectsView.as_view(), name="client-view-projects"),
    path("my/projects/<uuid:pk>/", client_view.ProjectView.as_view(), name="client-view-project"),
    path("invitation/<str:token>/", client_view.InvitationView.as_view(), name="invitation"),
]
