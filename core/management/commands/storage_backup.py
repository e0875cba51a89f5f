"""`manage.py storage_backup DIR`: copies every object of the file storage (the S3 bucket, or MEDIA_ROOT on the
local disk) into DIR/objects/, with a manifest of their SHA-256 (`DIR/MANIFEST.sha256`, the `sha256sum` format: check a
copy with `cd DIR && sha256sum -c MANIFEST.sha256`).

It reads through the platform's own storage settings, so the same command backs up MinIO, AWS S3 or the local
disk. `scripts/backup.sh` runs it after the database dump: every object the dump refers to was stored before its
row was committed, so it is in the copy. `storage_restore` puts the copy back.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from django.core.files.storage import Storage, default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

MANIFEST = "MANIFEST.sha256"
OBJECTS = "objects"
CHUNK = 1024 * 1024


def storage_names(storage: Storage, folder: str = "") -> Iterator[str]:
    """Every object's name in the storage, folders first-depth order, sorted (an absent root is empty)."""
    try:
        folders, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for sub in sorted(folders):
        yield from storage_names(storage, f"{folder}/{sub}" if folder else sub)


def safe_relative(name: str) -> PurePosixPath:
    """The object's name as a relative path that stays inside the backup folder (refuses `..` and absolutes)."""
    path = PurePosixPath(name)
    if (
        path.is_absolute()
        or not path.parts
        or any(part in ("", ".", "..") for part in path.parts)
        or any(char in name for char in "\n\r\\")
    ):
        raise CommandError(f"Refusing the object name {name!r}: it would leave the backup folder.")
    return path


class Command(BaseCommand):
    help = "Copies every stored object (S3 bucket or MEDIA_ROOT) into a folder, with a SHA-256 manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", help="a folder that does not exist yet, or is empty")

    def handle(self, *args: object, **options: str) -> None:
        target = Path(options["destination"])
        if target.exists() and any(target.iterdir()):
            raise CommandError(f"{target} is not empty: give a new folder.")
        target.mkdir(parents=True, exist_ok=True)
        lines = []
        total = 0
        for name in storage_names(default_storage):
            relative = safe_relative(name)
            digest = hashlib.sha256()
            out_path = target.joinpath(OBJECTS, *relative.parts)
            out_path.parent.mkdir(parents=True, exist_ok=True)
            with default_storage.open(name, "rb") as source, out_path.open("wb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
                    total += len(chunk)
            lines.append(f"{digest.hexdigest()}  {OBJECTS}/{relative}\n")
        (target / MANIFEST).write_text("".join(lines), encoding="utf-8")
        self.stdout.write(f"{len(lines)} object(s), {total} bytes, copied to {target}.")
