from django.urls import path  # noqa: F401

app_name = "audits"

urlpatterns = [
    # --- engagements, teams and gates (H9) ---
    # --- findings and corrective actions (H10) ---
]
