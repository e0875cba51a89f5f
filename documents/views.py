"""Portal and public pages: download a document, verify one, and watch a pending render (HTMX)."""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from core.counters import window_hit
from core.net import client_ip
from core.portal import form_add_service_errors

from .forms import VerifyForm
from .models import Document
from .registry import get_kind
from .selectors import document_get_for_download, document_get_visible
from .services import VerificationResult, document_verify

VERIFY_TEMPLATE = "documents/document_verify.html"
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def document_file_response(document: Document) -> FileResponse:
    """Streams a ready document as an attachment, with its SHA-256 so the receiver can check the bytes."""
    try:
        filename = get_kind(document.kind).filename(document)
    except KeyError:
        filename = f"{document.number}.pdf"
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, as_attachment=True, filename=filename, content_type="application/pdf")
    response["X-Content-SHA256"] = document.sha256
    response["Cache-Control"] = "private, no-cache"
    return response


def verify_throttled(request: HttpRequest) -> bool:
    """A fixed-window limit per client address, at the API's "verify" rate (e.g. 30/min)."""
    rate = settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["verify"]
    count, _slash, period = rate.partition("/")
    seconds = PERIODS[period[0]]
    window = int(time.time() // seconds)
    key = f"documents:verify:{client_ip(request) or 'unknown'}:{window}"
    return window_hit(key, seconds=seconds) > int(count)


def _too_many(request: HttpRequest) -> HttpResponse:
    context = _context(VerifyForm(), None)
    context["error"] = _("Too many verification attempts. Wait a minute and try again.")
    return render(request, VERIFY_TEMPLATE, context, status=429)


#: the verification service names what it checked; the form has one box for a number or a SHA-256
VERIFY_ERROR_FIELDS = {"number": "query", "sha256": "query"}


def _context(form: VerifyForm, result: VerificationResult | None) -> dict[str, Any]:
    public = bool(result and result.document and result.document.is_public)
    return {"form": form, "result": result, "public": public, "error": ""}


@require_http_methods(["GET", "POST"])
def document_verify_view(request: HttpRequest) -> HttpResponse:
    """Public: is this PDF (or this number, or this SHA-256) a genuine, current ICR document?"""
    if request.method == "GET":
        return render(request, VERIFY_TEMPLATE, _context(VerifyForm(), None))
    if verify_throttled(request):
        return _too_many(request)
    form = VerifyForm(request.POST, request.FILES)
    result = None
    if form.is_valid():
        try:
            result = document_verify(**form.lookup())
        except ValidationError as exc:
            form_add_service_errors(form, exc, VERIFY_ERROR_FIELDS)
    return render(request, VERIFY_TEMPLATE, _context(form, result), status=400 if form.errors else 200)


@require_GET
def document_verify_number_view(request: HttpRequest, number: str) -> HttpResponse:
    """Public: the page a printed document's footer links to."""
    if verify_throttled(request):
        return _too_many(request)
    form = VerifyForm(initial={"query": number})
    try:
        result = document_verify(number=number)
    except ValidationError as exc:
        context = _context(form, None)
        context["error"] = " ".join(exc.messages)
        return render(request, VERIFY_TEMPLATE, context, status=400)
    return render(request, VERIFY_TEMPLATE, _context(form, result))


@require_GET
def document_download_view(request: HttpRequest, pk: uuid.UUID) -> FileResponse:
    """A ready document the user may see; anyone may download a ready document of a public kind."""
    document = document_get_for_download(user=request.user, document_id=pk)
    return document_file_response(document)


@login_required
@require_GET
def document_status_view(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """HTMX partial: the document's status, polling every 2 s until it is ready (or failed)."""
    document = document_get_visible(user=request.user, document_id=pk)
    return render(request, "documents/partials/_status.html", {"document": document})
