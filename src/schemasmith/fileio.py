"""Write outputs so that a failure never leaves a file or folder half-written."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path


def write_text_atomic(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file in the same folder and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
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
