import pytest
from django.conf import settings
from weasyprint import HTML
from documents.rendering import document_html
from tests.factories import AccreditationFactory
from bodies import services as bs
from bodies.models import Body
from tests.factories import BodyFactory
from tests.documents.test_rendering import _margin_texts, _texts

pytestmark = pytest.mark.django_db


def test_scratch(world, request_letter):
    body = BodyFactory(
        status=Body.Status.UNDER_REVIEW,
        approved_at=None,
        address="Borgartún 1\n105 Reykjavík",
        legal_name="Nordic Verification & Co <ehf.>",
    )
    for n in range(3):
        AccreditationFactory(body=body, certificate_number=f"VVB-{n:04d}")
    bs.body_approve(
        body=body, actor=world.staff, reason="All requirements met; accreditation ISO 14065 verified."
    )
    from documents.models import Document

    doc = Document.objects.get(body=body)
    html = document_html(doc)
    open("/tmp/letter.html", "w").write(html)
    d = HTML(string=html, base_url=settings.SITE_URL + "/").render()
    print("PAGES", len(d.pages))
    for p in d.pages:
        print("MARGINS:", _margin_texts(p))
    from documents.services import document_render

    r = document_render(document_id=doc.pk)
    open("/tmp/letter.pdf", "wb").write(r.file.read())
    print(r.size)
