"""The import kinds the engine knows; each capability declares its own in `<app>/importing.py`.

A kind names its columns, the body permission an importer needs, how to check the rows (calling the same
validators its services use) and how to write them. The engine (`imports.services`) reads the file, checks the
header and the row limit, stores the parsed rows and errors on the batch, and applies all rows in one
transaction, or none; it knows nothing else about the kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.registry import Registry

if TYPE_CHECKING:
    from bodies.models.tenants import Body
    from core.types import Actor


@dataclass
class ImportRow:
    """One row of a file: its line, its text by column, its errors by column, and what the kind parsed."""

    line: int
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    parsed: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class ImportKind:
    """One kind of bulk import, e.g. `competence.people`."""

    #: "<app>.<what>", stored on every batch of the kind
    code: str
    #: the file's columns, in the order of the downloadable template
    columns: Sequence[str]
    #: columns that must be in the header
    required: Sequence[str]
    #: the body permission an importer needs (checked on upload and on apply)
    permission: str
    #: audit action prefix: "<prefix>.previewed" on upload, "<prefix>.applied" on apply
    audit_prefix: str
    #: checks every row against the rules and the database as it is now; fills `row.errors` (by column) and
    #: `row.parsed`. Reads only; a constant number of queries for the whole file.
    validate: Callable[[Body, list[ImportRow]], None]
    #: writes every (valid) row through the capability's services; the engine holds the transaction
    apply: Callable[[Body, Actor, list[ImportRow]], None]
    #: a setting naming the most rows a file may have (read at each import)
    max_rows_setting: str = "IMPORT_MAX_ROWS"
    #: what people call the kind (the back office, the batch pages): a lazy translatable string
    label: Any = None

    def __str__(self) -> str:
        return str(self.label) if self.label is not None else self.code


#: two different kinds claiming one code is a configuration error; `get_kind` raises KeyError for a code
#: nobody declared
KINDS = Registry[ImportKind]("import kind", key=lambda kind: kind.code)
register = KINDS.register
unregister = KINDS.unregister
get_kind = KINDS.get
