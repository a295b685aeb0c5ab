"""Thumbnails of a case's post media and their C2PA verdict.

Files come from the accounts under investigation, so they are never served
as they are: the thumbnail is decoded by Pillow and re-encoded as a small
JPEG (whatever else the file carried, scripts in an SVG, a polyglot, stays
behind), and only paths inside the media folder are opened.
"""

from __future__ import annotations

import io
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from PIL import Image

from civicshield.cases.errors import NotFound
from civicshield.detect.content.ai_media import media_root
from civicshield.media import read_credentials

THUMB = (320, 320)


def media_path(workspace, rel: str) -> Path:
    """The file ``posts.media_path`` names, resolved the way the ai_media detector does."""
    if workspace is None or not rel:
        raise NotFound("no media")
    with workspace.events(read_only=True) as ev:
        root = media_root(SimpleNamespace(store=ev), "").resolve()
    path = (root / rel).resolve()
    if root not in path.parents or not path.is_file():
        raise NotFound(f"no media file {rel!r}")
    return path


@lru_cache(maxsize=4096)
def _verdict(path: str, mtime: float) -> dict:
    c = read_credentials(path)
    if c.error:
        state = "unreadable"
    elif not c.has_manifest:
        state = "no Content Credentials"
    else:
        state = f"C2PA {c.validation_state or 'unknown'}"
    return {"state": state, "ai": c.is_ai, "source_types": list(c.ai_source_types), "generator": c.generator}


def verdict(path: Path) -> dict:
    return _verdict(str(path), path.stat().st_mtime)


def thumbnail(path: Path) -> bytes:
    try:
        with Image.open(path) as im:
            im.thumbnail(THUMB)
            out = io.BytesIO()
            im.convert("RGB").save(out, "JPEG", quality=80)
    except (OSError, Image.DecompressionBombError, ValueError) as e:
        raise NotFound(f"the media file cannot be shown: {e}") from None
    return out.getvalue()
