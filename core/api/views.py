"""Base classes every API view builds on, so tenant filtering, token scopes and session-only actions cannot be
forgotten, and the patterns each capability repeats are written once:

- `TenantViewSetMixin`: `get_queryset` is the model's `visible_to(user, token)`; `get_object` answers 404 for
  others' rows.
- `ApiViewMixin.session_only_actions`: the actions a bearer token may never call, whatever its scope (minting
  tokens, applying, registry decisions); enforced here and stated in the OpenAPI document.
- `NestedViewSetMixin`: a collection under a parent (`/people/{personId}/training/`): the parent is resolved
  through its tenant queryset first (404 across bodies), then the children are filtered to it.
- `transition_action`: an action that parses its input, calls the one service and returns the serialized
  record; the service's `TransitionNotAllowed` becomes 409 in `core.api.exceptions`.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from django.db.models import Model, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.metadata import BaseMetadata, SimpleMetadata
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from accounts.models import ApiToken
from core.api.access import SessionOnly, is_session_only
from core.api.filters import StrictListParamsMixin, check_list_query_params
from core.api.schema import errors
from core.tenancy import get_visible_or_404

#: a UUID as Django's `uuid` path converter matches it; a router's `lookup_value_regex` for UUID ids
UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


class IcrMetadata(SimpleMetadata):
    """OPTIONS without the serializer's fields: they are in the OpenAPI document, and describing them would run
    the view's serializer (and its permission checks) for an action nobody called."""

    def determine_actions(self, request: Any, view: Any) -> dict[str, Any]:
        return {}


def _nul_fields(value: Any, name: str = "") -> Iterator[str]:
    if isinstance(value, str):
        if "\x00" in value:
            yield name or "non_field_errors"
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from _nul_fields(item, f"{name}.{key}" if name else str(key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _nul_fields(item, f"{name}[{index}]")


def refuse_nul_characters(request: Request) -> None:
    """400 for a NUL character in a query parameter or a field of the body: no text the platform stores or
    looks up may hold one (PostgreSQL refuses it), so it is refused before any view reads the input."""
    found = [name for name, values in request.query_params.lists() if any(_nul_fields(values))]
    if request.method not in ("GET", "HEAD", "OPTIONS", "DELETE"):
        found += _nul_fields(request.data if isinstance(request.data, Mapping | list) else {})
    if found:
        message = _("Remove the NUL character from this value.")
        raise ValidationError({name: [message] for name in dict.fromkeys(found)})


def request_token(request: Any) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class ApiViewMixin(StrictListParamsMixin):
    """What every authenticated API view may declare, for `get_permissions` and the OpenAPI document.

    - `resource`: the token scope resource the view belongs to (a view without one cannot be reached with a
      token). The token form offers exactly the resources the routed views declare (`core.api.resources`).
    - `resource_label`: how the token form names the resource (one view per resource says it).
    - `session_only_actions`: the actions (for a plain `APIView`, the lower-case HTTP methods) a bearer token
      may not call; `ALL_ACTIONS` for the whole view. Checked before the scope, so a token always hears the
      same reason, and the OpenAPI operation states the session as its only authentication.
    - a `list` answers 400 for a query parameter or ordering field it does not know (`core.api.filters`);
      `extra_query_params` names parameters a list reads itself.
    - `registry_token_actions`: the session-only actions a registry token (`ApiToken.for_registry`) may still
      call, with the `write` scope of `resource`: the registry's decisions (body decisions, accreditation
      verification). The actor is the token's creator, who must still be registry staff.
    """

    #: OPTIONS names the view and its formats; the fields are the OpenAPI document's (`IcrMetadata`)
    metadata_class: str | type[BaseMetadata] | None = IcrMetadata
    session_only_actions: frozenset[str] = frozenset()
    #: of the session-only actions, those a registry token may call with the `write` scope of `resource` (the
    #: registry's decisions); a body's token is still refused
    registry_token_actions: frozenset[str] = frozenset()

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        refuse_nul_characters(request)

    def get_permissions(self) -> list[BasePermission]:
        permissions: list[BasePermission] = super().get_permissions()  # type: ignore[misc]
        if is_session_only(self):
            return [SessionOnly(), *permissions]
        return permissions


class TenantViewSetMixin(ApiViewMixin):
    """`get_queryset` is the model's `visible_to(user, token)`; `get_object` answers 404 for others' rows.

    Subclasses name `resource` (for token scopes), `envelope_key` (the list's plural) and override
    `base_queryset()` to add select/prefetch for constant query counts.
    """

    resource: str
    envelope_key: str
    lookup_field = "id"
    lookup_url_kwarg: str | None = "id"  # typed as DRF's, so the viewsets built on it type-check
    #: a router's detail routes match only a UUID (Django's `uuid` converter): another id matches no route and
    #: answers the API's JSON 404 (`core.views.page_not_found`), as a well-formed id of nothing does
    lookup_value_regex = UUID_PATTERN

    def base_queryset(self) -> QuerySet[Any]:
        return self.queryset.all()  # type: ignore[attr-defined]

    def get_queryset(self) -> QuerySet[Any]:
        request = self.request  # type: ignore[attr-defined]
        return self.base_queryset().visible_to(request.user, request_token(request))  # type: ignore[attr-defined]

    def get_object(self) -> Any:
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        obj = get_visible_or_404(queryset, **{self.lookup_field: self.kwargs[self.lookup_url_kwarg]})  # type: ignore[attr-defined]
        self.check_object_permissions(self.request, obj)  # type: ignore[attr-defined]
        return obj


class TenantReadOnlyViewSet(TenantViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class TenantViewSet(TenantViewSetMixin, viewsets.GenericViewSet):
    pass


class NestedViewSetMixin(TenantViewSetMixin):
    """A collection under a parent record, e.g. `people/{personId}/training/`.

    The parent comes from `parent_model`'s tenant queryset (`visible_to`), so a parent of another body answers
    404 before anything else; the children are `base_queryset()` filtered to `parent_field=parent` (their
    tenancy is the parent's). `check_parent_read` is the hook for a read rule stricter than seeing the parent
    (answer 403); `list` and `get_object` apply it, a `create` reads `self.parent` and leaves the rule to its
    service. Subclasses set `parent_model`, `parent_url_kwarg`, `parent_field`, and order the children in
    `base_queryset()`.
    """

    parent_model: type[Model]
    parent_url_kwarg: str
    #: the child's foreign key to the parent
    parent_field: str
    #: `select_related` of the parent (what `check_parent_read` and the services read)
    parent_related: tuple[str, ...] = ()
    filter_backends: Sequence[type[Any]] = ()  # the parent is the filter

    @cached_property
    def parent(self) -> Any:
        request = self.request  # type: ignore[attr-defined]
        parents = self.parent_model._default_manager.all()
        if self.parent_related:
            parents = parents.select_related(*self.parent_related)
        parents = parents.visible_to(request.user, request_token(request))  # type: ignore[attr-defined]
        return get_visible_or_404(parents, pk=self.kwargs[self.parent_url_kwarg])  # type: ignore[attr-defined]

    def check_parent_read(self, parent: Any) -> None:
        """Raise `PermissionDenied` when the caller sees the parent but may not read these children."""

    def readable_parent(self) -> Any:
        parent = self.parent
        self.check_parent_read(parent)
        return parent

    def get_queryset(self) -> QuerySet[Any]:
        return self.base_queryset().filter(**{self.parent_field: self.readable_parent()})

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        check_list_query_params(self)  # no filters: only the page parameters are known
        page = self.paginate_queryset(self.get_queryset())  # type: ignore[attr-defined]
        return self.get_paginated_response(  # type: ignore[attr-defined]
            self.get_serializer_class()(page, many=True).data  # type: ignore[attr-defined]
        )


Service = Callable[..., Any]


def _subject_argument(service: Service) -> str:
    """The service's first keyword-only parameter: the record it acts on (`record=`, `accreditation=`...)."""
    for parameter in inspect.signature(service).parameters.values():
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY:
            return parameter.name
    raise TypeError(f"{service!r} takes no keyword-only argument to pass the record to")


class transition_action:
    """An API action that is one service call on one record:

        approve = transition_action(
            competence_approve, input=CompetenceApproveInput, output=CompetenceRecordOutput,
            summary="Approve a proposed competence", description="...",
        )

    The handler resolves the record (`get_object()`, or the collection's parent with `on="parent"`, or none
    with `on="collection"`), validates `input` (if any; `partial=True` for a PATCH), calls
    `service(<record>=..., actor=request.user, **input)` and answers `output(result)`; `<record>` is the
    service's first keyword-only parameter unless `subject=` names it.
    `service` may be a mapping from the input's `action` field to services (`BODY_DECISIONS`). A
    `TransitionNotAllowed` from the service answers 409, a `ValidationError` 400, a `PermissionDenied` 403 (the
    exception handler). The documented error responses follow from the options; `extend_schema` keywords
    (`summary`, `description`, `tags`...) pass through. `reload=True` re-reads the result through the view's
    queryset (its select/prefetch) before serializing. `route=False` gives a plain method for a route declared
    by hand: a nested collection's `create` is `transition_action(service, on="parent", route=False,
    status_code=201, conflict=False, ...)` (no state to conflict with, so no 409 documented), a collection's
    `create` the same with `on="collection"` (no record, so no 404 either), a `partial_update`
    `transition_action(service, route=False, partial=True, conflict=False, ...)`.
    """

    def __init__(
        self,
        service: Service | Mapping[str, Service],
        *,
        output: type[BaseSerializer[Any]],
        input: type[BaseSerializer[Any]] | None = None,
        partial: bool = False,
        on: str = "object",
        subject: str | None = None,
        reload: bool = False,
        route: bool = True,
        url_path: str | None = None,
        url_name: str | None = None,
        status_code: int = status.HTTP_200_OK,
        conflict: bool = True,
        **schema: Any,
    ) -> None:
        if on not in ("object", "parent", "collection"):
            raise ValueError("on= is 'object', 'parent' or 'collection'")
        if (
            subject is None and on != "collection"
        ):  # fail when the class is declared, not at the first request
            for each in service.values() if isinstance(service, Mapping) else [service]:
                _subject_argument(each)
        self.service = service
        self.output = output
        self.input = input
        self.partial = partial
        self.on = on
        self.subject = subject
        self.reload = reload
        self.route = route
        self.url_path = url_path
        self.url_name = url_name
        self.status_code = status_code
        self.conflict = conflict
        self.schema = schema

    def _call(self, view: Any, request: Request) -> Any:
        subject = None
        if self.on != "collection":  # resolved before the input is read: 404 comes before 400
            subject = view.parent if self.on == "parent" else view.get_object()
        values: dict[str, Any] = {}
        if self.input is not None:
            data = self.input(data=request.data, partial=self.partial, context=view.get_serializer_context())
            data.is_valid(raise_exception=True)
            values = dict(data.validated_data)
        service = self.service[values.pop("action")] if isinstance(self.service, Mapping) else self.service
        subjects = {} if subject is None else {self.subject or _subject_argument(service): subject}
        result = service(**subjects, actor=request.user, **values)
        if self.reload:
            result = view.get_queryset().get(pk=result.pk)
        return result

    def build(self, name: str) -> Callable[..., Response]:
        transition = self

        def handler(view: Any, request: Request, *args: Any, **kwargs: Any) -> Response:
            result = transition._call(view, request)
            output = transition.output(result, context=view.get_serializer_context())
            return Response(output.data, status=transition.status_code)

        handler.__name__ = handler.__qualname__ = name
        codes = [400] if self.input is not None else []
        codes += [401, 403] if self.on == "collection" else [401, 403, 404]
        codes += [409] if self.conflict else []
        schema = {
            "request": self.input,
            "responses": {self.status_code: self.output, **errors(*codes)},
            **self.schema,
        }
        decorated: Callable[..., Response] = handler
        if self.route:  # `@action` first: `extend_schema` then annotates the action, as when stacked by hand
            routing = {"url_path": self.url_path, "url_name": self.url_name}
            decorated = action(
                detail=True, methods=["post"], **{key: value for key, value in routing.items() if value}
            )(decorated)
        decorated = extend_schema(**schema)(decorated)
        return decorated

    def __set_name__(self, owner: type, name: str) -> None:
        # the class attribute becomes the built handler, named after itself (DRF routes actions by name)
        setattr(owner, name, self.build(name))


def create_action(
    service: Service, *, input: type[BaseSerializer[Any]], on: str = "parent", **options: Any
) -> Any:
    """A collection's `create` as one service call (`create = create_action(training_add, input=..., output=...,
    summary=...)`): the record under the collection's parent (`on="collection"`: none) is passed to the service,
    201 answers the created record, and there is no state to conflict with (no 409 documented)."""
    return transition_action(
        service,
        input=input,
        on=on,
        route=False,
        status_code=status.HTTP_201_CREATED,
        conflict=False,
        **options,
    )
