"""Write outputs so that a failure never leaves a file or folder half-written."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from .errors import OutputError


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _public_mode(temporary: str | Path, path: Path) -> None:
    """Give a file written through mkstemp (mode 0600) the mode the file it replaces had, or the
    mode any other new file gets (0644 under the usual umask)."""
    try:
        mode = path.stat().st_mode & 0o777
    except OSError:
        mode = 0o666 & ~_umask()
    os.chmod(temporary, mode)


def require_writable(path: Path, *, folder: bool = False) -> None:
    """Refuse early, naming the path, when `path` cannot be written — before any work is done.

    `path` is a file to write, or (`folder=True`) a folder to write into. Missing parent folders
    are fine (the write creates them, as `mkdir -p` would); a part of the path that is a file, a
    folder where a file should go, or a place the user may not write is an `OutputError`. The
    check writes and removes a probe file in the nearest folder that exists, because permission
    bits do not tell the truth to root or on read-only mounts; it leaves nothing behind.
    """
    if folder and path.exists() and not path.is_dir():
        raise OutputError(f"{path}: is a file, expected a folder to write into")
    if not folder and path.is_dir():
        raise OutputError(f"{path}: is a folder, expected a file name to write")
    directory = path if folder else path.parent
    existing = next((part for part in [directory, *directory.parents] if part.exists()), None)
    if existing is None:
        return
    if not existing.is_dir():
        raise OutputError(f"{path}: cannot write there, {existing} is a file")
    try:
        handle, probe = tempfile.mkstemp(prefix=".schemasmith-probe-", dir=existing)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise OutputError(f"{existing}: cannot write there ({error.strerror or error})") from None


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        _public_mode(temporary, path)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_files_atomic(directory: Path, files: dict[str, str]) -> list[Path]:
    """Write a set of files into `directory` all together or not at all.

    The files are written into a hidden staging folder inside `directory` first and moved into
    place only once every one of them was written, so an error half-way leaves the files that
    were there as they were. A `directory` that did not exist and gets nothing is removed again.
    """
    created = not directory.exists()
    directory.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".schemasmith-", dir=directory))
    try:
        for name, text in files.items():
            target = staging / name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="\n")
        written = []
        for name in files:
            destination = directory / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, destination)
            written.append(destination)
        return written
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if created:
            shutil.rmtree(directory, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
