"""The cached camelCase renderer writes exactly what djangorestframework-camel-case writes."""

from __future__ import annotations

import json
from datetime import date

from djangorestframework_camel_case.render import CamelCaseJSONRenderer
from djangorestframework_camel_case.util import camelize as library_camelize

from core.api.renderers import IcrJSONRenderer, camelize

SAMPLE = {
    "legal_name": "Nordic CV",
    "valid_to": date(2027, 1, 1),
    "sha_256": "abc",
    "scope_sectors": [{"sector_id": 1, "is_current": True}, {"sector_id": 2, "is_current": None}],
    "before": {"contact_phone": "1"},
    "pagination": {"current_page": 1, "next_page": None, "prev_page": 2},
    "a_1_b": 1.5,
    7: "int key",
}


def as_json(data):
    return json.loads(json.dumps(data, default=str))


def test_same_output_as_the_library():
    assert as_json(camelize(SAMPLE)) == as_json(library_camelize(SAMPLE))
    assert IcrJSONRenderer().render(SAMPLE) == CamelCaseJSONRenderer().render(SAMPLE)


def test_ignore_fields_and_keys_keep_their_meaning():
    options = {"ignore_fields": ("before",), "ignore_keys": ("legal_name",)}
    assert as_json(camelize(SAMPLE, ("before",), ("legal_name",))) == as_json(
        library_camelize(SAMPLE, **options)
    )
