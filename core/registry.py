"""One registry of declarations keyed by code, used by every registry the platform has (dashboard panels,
demo contributors, document, deadline and import kinds, body permissions).

Each app declares its entries from its `ready()`. Declaring the same entry again is harmless (the app's
module may be imported twice); a different entry under a key already taken is a configuration error, raised
with the registry's own exception and wording. Looking up a key nobody declared raises the registry's
"unknown" error (a `KeyError` unless the registry says otherwise); `find` answers None instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from django.core.exceptions import ImproperlyConfigured

if TYPE_CHECKING:
    from _typeshed import SupportsRichComparison

T = TypeVar("T")


@dataclass(eq=False)
class Registry(Generic[T]):
    """Entries of one kind keyed by `key(entry)`, e.g. `Registry[DocumentKind]("document kind", key=...)`.

    `order` sorts `all()` (the key when not given). A conflicting declaration raises `error` with
    "The <noun> '<key>' is already registered." unless `conflict(existing)` builds the exception itself;
    `unknown(key)` builds the exception `get` raises for an undeclared key (a `KeyError` when not given).
    """

    noun: str
    _: KW_ONLY
    key: Callable[[T], str]
    order: Callable[[T], SupportsRichComparison] | None = None
    error: type[Exception] = ImproperlyConfigured
    conflict: Callable[[T], Exception] | None = None
    unknown: Callable[[str], Exception] | None = None
    #: the live mapping, key → entry (tests may patch an entry with `monkeypatch.setitem`)
    entries: dict[str, T] = field(default_factory=dict, init=False)

    def register(self, entry: T) -> T:
        """Declares an entry and returns it (so it can decorate or be assigned)."""
        key = self.key(entry)
        existing = self.entries.get(key)
        if existing is not None and existing is not entry and existing != entry:
            if self.conflict is not None:
                raise self.conflict(existing)
            raise self.error(f"The {self.noun} {key!r} is already registered.")
        self.entries[key] = entry
        return entry

    def unregister(self, key: str) -> None:
        """Forgets an entry (tests that declare one of their own clean up with this); unknown keys are fine."""
        self.entries.pop(key, None)

    def get(self, key: str) -> T:
        try:
            return self.entries[key]
        except KeyError:
            if self.unknown is None:
                raise
            raise self.unknown(key) from None

    def find(self, key: str) -> T | None:
        return self.entries.get(key)

    def all(self) -> list[T]:
        """Every entry, sorted by `order` (or by key)."""
        order: Callable[[T], Any] = self.order or self.key
        return sorted(self.entries.values(), key=order)

    def __contains__(self, key: object) -> bool:
        return key in self.entries

    def __len__(self) -> int:
        return len(self.entries)
