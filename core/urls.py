from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("switch-body/", views.SwitchBodyView.as_view(), name="switch-body"),
    path("language/", views.SetLanguageView.as_view(), name="set-language"),
    path("audit-trail/", views.AuditTrailView.as_view(), name="audit-trail"),
    path("audit-trail/export.csv", views.AuditTrailExportView.as_view(), name="audit-trail-export"),
]
