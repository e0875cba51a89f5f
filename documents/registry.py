"""The kinds of documents the platform renders. Each capability declares its own in `<app>/documents.py`.

A kind says which template renders it, what goes into that template, who may ask for it, whether the public
may download it, and when a genuine copy stops being current (a suspended body's approval letter stays
genuine, but no longer tells the truth about today).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db.models import Model, Q
from django.utils.functional import Promise

from core.registry import Registry

if TYPE_CHECKING:
    from .models import Document


def _always_current(document: Document) -> bool:
    return True


def _default_filename(document: Document) -> str:
    return f"{document.number}.pdf"


@dataclass(frozen=True)
class DocumentKind:
    """One kind of rendered PDF.

    `subject_model` ("app_label.Model") is what a document of this kind is about; `body_of(subject)` names the
    tenant that owns the document (None for registry-level documents).
    """

    code: str
    label: str | Promise
    template_name: str
    subject_model: str
    context: Callable[[Document], dict[str, Any]]
    can_request: Callable[[Any, Any], bool]
    body_of: Callable[[Any], Any]
    is_current: Callable[[Document], bool] = _always_current
    filename: Callable[[Document], str] = _default_filename
    public: bool = False
    #: what the verification page says when a genuine document of this kind is no longer current
    not_current_reason: str | Promise | None = None
    #: who among the body's people may read documents of this kind, as a filter on Document rows for a
    #: signed-in person (None: everyone who sees the body's documents). Applied by `Document.objects.visible_to`
    #: so lists, detail and downloads answer alike, in one query.
    readable_by: Callable[[Any], Q] | None = None

    def subject_class(self) -> type[Model]:
        return apps.get_model(self.subject_model)


#: a second, different declaration of one code is a programming error (ValueError); `get_kind` raises
#: KeyError when no capability declared the code; `all_kinds` sorts by code
KINDS = Registry[DocumentKind]("document kind", key=lambda kind: kind.code, error=ValueError)
_KINDS = KINDS.entries  # the live mapping (tests patch a kind in it)
register = KINDS.register
get_kind = KINDS.get
all_kinds = KINDS.all


def readable_condition(user: Any) -> Q:
    """The documents a signed-in person may read among those of the bodies they see: every kind without a
    read rule, and of each kind with one, the rows its rule lets through."""
    restricted = [kind for kind in all_kinds() if kind.readable_by is not None]
    if not restricted:
        return Q()
    condition = ~Q(kind__in=[kind.code for kind in restricted])
    for kind in restricted:
        condition |= Q(kind=kind.code) & kind.readable_by(user)  # type: ignore[misc]
    return condition


def public_kind_codes() -> list[str]:
    return [kind.code for kind in all_kinds() if kind.public]
