import pytest
pytestmark = pytest.mark.django_db
def test_x(api):
    r = api.post("/api/v1/documents/verify/", {"sha256": "a" * 64}, format="json")
    print(r.json())
