"""The demo, seeded once for a module whose tests only read it.

`seed_demo` takes about 11 s; the engagement and certification demo tests each seeded it again. Here it is
seeded once per module inside a transaction that is rolled back when the module ends, each test running in a
savepoint of it (pytest-django's own atomic nests), so no test sees another's writes and nothing outlives the
module. The after-commit work (PDF renders, webhook deliveries) runs as it did per test: captured and executed.
Under xdist a module's tests may be spread over both workers: each worker then seeds once for its share (2 seedings
for the engagement demo's 5 tests instead of 5). xdist's `loadgroup` would keep them together, but with pytest 9.2
it does not group (it renames `item._nodeid`, which pytest no longer reads).
"""

from __future__ import annotations

from collections.abc import Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase


@pytest.fixture(scope="module")
def seeded_demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with django_db_blocker.unblock(), transaction.atomic():
        with TestCase.captureOnCommitCallbacks(execute=True):
            call_command("seed_demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)
