from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("verify/", views.document_verify_view, name="verify"),
    path("verify/<str:number>/", views.document_verify_number_view, name="verify-number"),
    path("<uuid:pk>/download/", views.document_download_view, name="download"),
    path("<uuid:pk>/status/", views.document_status_view, name="status"),
]
