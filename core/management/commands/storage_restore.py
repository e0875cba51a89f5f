"""`manage.py storage_restore DIR`: puts a `storage_backup` copy back into the file storage (the S3 bucket, or
MEDIA_ROOT on the local disk), under the same names.

Every file is checked against the manifest's SHA-256 before anything is written (a damaged copy restores
nothing). An object already stored with the same content is left alone; one with other content under the same
name stops the restore unless `--overwrite` is given.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError, CommandParser

from .storage_backup import CHUNK, MANIFEST, OBJECTS, safe_relative


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def stored_sha256(name: str) -> str:
    digest = hashlib.sha256()
    with default_storage.open(name, "rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def read_manifest(folder: Path) -> list[tuple[str, str]]:
    """(sha256, object name) for every line of the manifest; refuses a malformed one."""
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise CommandError(f"{manifest} is missing: is {folder} a storage_backup folder?")
    entries = []
    for number, line in enumerate(manifest.read_text(encoding="utf-8").splitlines(), start=1):
        digest, separator, path = line.partition("  ")
        prefix = f"{OBJECTS}/"
        if not separator or len(digest) != 64 or not path.startswith(prefix):
            raise CommandError(f"{manifest}, line {number}: not '<sha256>  {prefix}<name>'.")
        name = path[len(prefix) :]
        safe_relative(name)
        entries.append((digest.lower(), name))
    return entries


class Command(BaseCommand):
    help = "Puts a storage_backup folder back into the file storage (S3 bucket or MEDIA_ROOT), checked first."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", help="a folder written by storage_backup")
        parser.add_argument(
            "--overwrite", action="store_true", help="replace stored objects whose content differs"
        )

    def handle(self, *args: object, **options: object) -> None:
        folder = Path(str(options["source"]))
        entries = read_manifest(folder)
        damaged = [
            name
            for digest, name in entries
            if file_sha256(folder.joinpath(OBJECTS, *name.split("/"))) != digest
        ]
        if damaged:
            raise CommandError(
                f"{len(damaged)} file(s) do not match the manifest, nothing restored: {damaged[:5]}"
            )
        written = kept = 0
        for digest, name in entries:
            if default_storage.exists(name):
                if stored_sha256(name) == digest:
                    kept += 1
                    continue
                if not options["overwrite"]:
                    raise CommandError(
                        f"{name} is stored with other content; give --overwrite to replace it "
                        f"({written} object(s) restored so far)."
                    )
                default_storage.delete(name)
            with folder.joinpath(OBJECTS, *name.split("/")).open("rb") as handle:
                saved = default_storage.save(name, File(handle, name=name))
            if saved != name:
                raise CommandError(f"{name} was stored as {saved}: the storage renamed it.")
            written += 1
        self.stdout.write(f"{written} object(s) restored, {kept} already there.")
