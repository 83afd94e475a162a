"""Where coopsim may write a folder, and replacing one without ever losing the old or the user's.

The rule: coopsim replaces (or adds to) a folder only if it is absent, empty, or a folder coopsim
made, recognised by the marker field of the `manifest.json` it writes into every output folder.
Anything else (a folder holding the user's files, a file, a symbolic link, the current folder or
one containing it) is refused with a clean error before any work starts.

A new folder is written in full under a hidden staging name beside the destination
(`.coopsim-tmp-PID-RANDOM-HOST`) and then swapped in:

* on Linux (renameat2 with RENAME_EXCHANGE) and macOS (renamex_np with RENAME_SWAP) the old and
  new folders trade places in one atomic step, so the destination always holds a whole report;
* elsewhere the old folder is first renamed to `.coopsim-old-HASH` (HASH from the destination's
  name) and the new one renamed in; if the process dies between the two renames, the next write to
  the same destination moves the old report back before doing anything else.

Staging folders left by killed runs are removed the next time coopsim writes beside them: those
of this host whose process is no longer alive, and those of other hosts after a week.
Folders are created with `os.mkdir`, so their permissions follow the umask like any other folder.
"""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import re
import secrets
import shutil
import socket
import sys
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

from coopsim import __version__
from coopsim.scenario.loading import ScenarioError

MANIFEST = "manifest.json"
MARKER = {"written_by": "coopsim"}  # the field that says "coopsim made this folder"
STAGING_PREFIX = ".coopsim-tmp-"
RETIRED_PREFIX = ".coopsim-old-"
FOREIGN_STAGING_AGE = 7 * 24 * 3600  # seconds before another host's staging folder counts as stale
NAME_MAX = 255  # bytes in one path component on common file systems
_MANIFEST_READ_LIMIT = 1 << 20
_HOST = re.sub(r"[^A-Za-z0-9.-]", "_", socket.gethostname())[:64] or "host"
_STAGING = re.compile(re.escape(STAGING_PREFIX) + r"(\d+)-[0-9a-f]{8}-(.+)\Z")


class OutputFolderError(ScenarioError):
    """An output location coopsim must not write to (exit code 2, like any bad input)."""

    def __init__(self, path: Path | str, message: str):
        super().__init__(str(path), message)


def manifest_marker() -> dict[str, str]:
    """The marker field(s) every coopsim manifest carries."""
    return dict(MARKER)


def is_coopsim_folder(path: Path) -> bool:
    """A real folder (not a link) whose manifest.json carries coopsim's marker."""
    path = Path(path)
    manifest = path / MANIFEST
    if path.is_symlink() or not path.is_dir() or manifest.is_symlink() or not manifest.is_file():
        return False
    try:
        with manifest.open("rb") as handle:
            data = json.loads(handle.read(_MANIFEST_READ_LIMIT))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and all(data.get(k) == v for k, v in MARKER.items())


def check_output_folder(destination: Path | str, *, in_place: bool = False) -> Path:
    """Return `destination` if coopsim may write its folder there, else raise OutputFolderError.

    `in_place=False` (a report replaced whole) also refuses the current folder and its ancestors;
    `in_place=True` is for folders that are added to (a resumable sweep)."""
    path = Path(destination)
    if path.is_symlink():
        raise OutputFolderError(path, "is a symbolic link; coopsim writes its folders only where "
                                "nothing of yours is. Choose a new folder for --out")
    absolute = Path(os.path.abspath(path))
    if len(os.fsencode(absolute.name)) > NAME_MAX:
        raise OutputFolderError(path, f"the folder name is longer than {NAME_MAX} bytes; choose a shorter --out")
    if not in_place:
        here, target = Path(os.path.realpath(os.getcwd())), Path(os.path.realpath(absolute))
        if target == here or target in here.parents:
            raise OutputFolderError(path, "is the current folder or contains it; coopsim replaces its "
                                    "output folder whole, so give it a folder of its own, e.g. "
                                    "--out reports/NAME (or run from outside the folder)")
    if path.exists():
        if not path.is_dir():
            raise OutputFolderError(path, "is a file, not a folder; coopsim will not replace it. "
                                    "Choose another place")
        if not is_coopsim_folder(path) and any(path.iterdir()):
            why = ("its manifest.json lacks coopsim's marker (a folder from before coopsim marked its "
                   "folders, or not coopsim's)" if (path / MANIFEST).is_file()
                   else "it holds files coopsim did not write (no coopsim manifest.json)")
            raise OutputFolderError(path, f"{why}, so coopsim will not replace it. Choose a new or "
                                    "empty folder, or remove this one yourself")
        return path
    for ancestor in absolute.parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise OutputFolderError(path, f"cannot create it: {ancestor} is a file, not a folder")
            if not os.access(ancestor, os.W_OK | os.X_OK):
                raise OutputFolderError(path, f"cannot create it: no permission to write in {ancestor}")
            break
    return path


def claim_output_folder(destination: Path | str) -> Path:
    """Check `destination` for in-place writing, create it and mark it as coopsim's."""
    path = check_output_folder(destination, in_place=True)
    path.mkdir(parents=True, exist_ok=True)
    if not is_coopsim_folder(path):
        _write_manifest(path / MANIFEST, minimal_manifest())
    return path


def minimal_manifest() -> dict[str, Any]:
    """The manifest of a folder that has no run provenance of its own (charts, sweep results)."""
    return {**MARKER, "coopsim": __version__,
            "created": datetime.now(timezone.utc).isoformat(timespec="seconds")}


@contextmanager
def atomic_directory(destination: Path | str) -> Iterator[Path]:
    """Yield an empty staging folder that replaces `destination` only if the block succeeds.

    Refuses (OutputFolderError) a destination coopsim may not replace, before the block runs.
    The staging folder gets a marker manifest if the block wrote none."""
    destination = Path(destination)
    recover_interrupted_replace(destination)
    check_output_folder(destination)
    parent = Path(os.path.abspath(destination)).parent
    parent.mkdir(parents=True, exist_ok=True)
    remove_stale_staging(parent)
    staging = _make_staging(parent)
    try:
        yield staging
        _stamp(staging / MANIFEST)
        _swap_into_place(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def recover_interrupted_replace(destination: Path) -> None:
    """Undo a replace cut short between its two renames (only on systems without an atomic swap)."""
    retired = _retired_path(destination)
    if not retired.is_dir():
        return
    if not os.path.lexists(destination):
        os.rename(retired, destination)
    elif is_coopsim_folder(retired):
        shutil.rmtree(retired, ignore_errors=True)


def remove_stale_staging(parent: Path) -> list[Path]:
    """Delete staging folders of dead coopsim processes in `parent`; return what was removed."""
    removed = []
    try:
        entries = list(os.scandir(parent))
    except OSError:
        return removed
    for entry in entries:
        match = _STAGING.match(entry.name)
        if not match or entry.is_symlink() or not entry.is_dir():
            continue
        pid, host = int(match.group(1)), match.group(2)
        if host == _HOST:
            stale = not _alive(pid)
        else:
            try:
                stale = time.time() - entry.stat().st_mtime > FOREIGN_STAGING_AGE
            except OSError:
                continue
        if stale:
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


def exchange_paths(first: Path, second: Path) -> bool:
    """Atomically swap two existing paths; False if this system or file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return False
    a, b = os.fsencode(first), os.fsencode(second)
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        at_fdcwd, rename_exchange = -100, 2
        call = libc.renameat2
        call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
        result = call(at_fdcwd, a, at_fdcwd, b, rename_exchange)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        rename_swap = 2
        call = libc.renamex_np
        call.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_uint]
        result = call(a, b, rename_swap)
    else:
        return False
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False  # the kernel or the file system has no atomic swap
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def _swap_into_place(staging: Path, destination: Path) -> None:
    if not os.path.lexists(destination):
        os.rename(staging, destination)
        return
    if exchange_paths(staging, destination):
        shutil.rmtree(staging, ignore_errors=True)  # now the old folder
        return
    retired = _retired_path(destination)
    shutil.rmtree(retired, ignore_errors=True)
    os.rename(destination, retired)
    try:
        os.rename(staging, destination)
    except OSError:
        os.rename(retired, destination)
        raise
    shutil.rmtree(retired, ignore_errors=True)


def _retired_path(destination: Path) -> Path:
    absolute = Path(os.path.abspath(destination))
    digest = hashlib.sha256(os.fsencode(absolute.name)).hexdigest()[:16]
    return absolute.parent / f"{RETIRED_PREFIX}{digest}"


def _make_staging(parent: Path) -> Path:
    while True:
        path = parent / f"{STAGING_PREFIX}{os.getpid()}-{secrets.token_hex(4)}-{_HOST}"
        try:
            os.mkdir(path)  # mode 0o777 less the umask, like any folder the user makes
        except FileExistsError:
            continue
        return path


def _stamp(manifest: Path) -> None:
    """Make sure the folder's manifest carries the marker."""
    if manifest.is_file():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        if all(data.get(k) == v for k, v in MARKER.items()):
            return
        data = {**MARKER, **data, **MARKER}
    else:
        data = minimal_manifest()
    _write_manifest(manifest, data)


def _write_manifest(path: Path, data: dict[str, Any]) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(partial, path)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    except OSError:
        return True
    return True
