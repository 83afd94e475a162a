"""The Vega, Vega-Lite and vega-embed JavaScript every offline page inlines, built once per
vl-convert version.

vl-convert bundles the libraries on request, which costs about a second of CPU. The bundle
depends only on vl-convert's version, so it is kept in the user's cache folder
(``COOPSIM_CACHE_DIR``, else ``$XDG_CACHE_HOME/coopsim``, else ``~/.cache/coopsim``) under a name
holding that version, with a SHA-256 of its text on its first line: a file that fails the check
is rebuilt, and a cache folder that cannot be written is simply not used.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

HEADER = "// coopsim cache: vl-convert javascript_bundle(), sha256 "


def cache_folder() -> Path:
    """Where coopsim keeps what it can rebuild at will."""
    if folder := os.environ.get("COOPSIM_CACHE_DIR"):
        return Path(folder)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "coopsim"


def cache_path() -> Path:
    """The bundle's file for the installed vl-convert."""
    try:
        installed = version("vl-convert-python")
    except PackageNotFoundError:
        installed = "unknown"
    return cache_folder() / f"vega-bundle-vl-convert-{installed}.js"


def _checksum(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_cached(path: Path) -> str | None:
    """The cached bundle, or None when it is missing, unreadable or fails its checksum."""
    try:
        header, _, text = path.read_text(encoding="utf-8").partition("\n")
    except (OSError, UnicodeDecodeError):
        return None
    return text if header == HEADER + _checksum(text) else None


def write_cached(path: Path, text: str) -> None:
    """Store the bundle atomically (write a temporary file, then rename); give up quietly if the
    cache folder cannot be written."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".bundle-", dir=path.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(HEADER + _checksum(text) + "\n" + text)
        os.replace(temporary, path)
    except OSError:
        try:
            os.unlink(temporary)
        except (OSError, UnboundLocalError):
            pass


_loaded: list[str] = []  # the bundle, once this process has it


def remember(text: str) -> None:
    """Keep a bundle this process was handed (by a drawing process that loaded it)."""
    _loaded[:] = [text]


def known_bundle() -> str | None:
    """The bundle from memory, else from the cache (then kept in memory); None if neither holds it."""
    if not _loaded and (text := read_cached(cache_path())) is not None:
        remember(text)
    return _loaded[0] if _loaded else None


def javascript_bundle() -> str:
    """vl-convert's ``javascript_bundle()``: from memory, else from the cache, else built and
    stored in the cache."""
    if known_bundle() is None:
        import vl_convert

        text = vl_convert.javascript_bundle()
        write_cached(cache_path(), text)
        remember(text)
    return _loaded[0]
