"""The findings export: JSONL in the contract's shape, and reading it back."""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path

from civicshield.errors import DataError
from civicshield.workspace import Workspace

EXPORT_FIELDS = (
    "finding_id",
    "kind",
    "detector",
    "score",
    "account_ids",
    "post_ids",
    "engagements",
    "network_id",
    "first_seen",
    "last_seen",
    "evidence",
)


def _iso(ts: dt.datetime | None) -> str | None:
    return None if ts is None else ts.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def iter_findings(workspace: Workspace) -> Iterator[dict]:
    """Findings of a workspace as contract-shaped dicts, ordered by kind and id."""
    with workspace.events(read_only=True) as store:
        for batch in store.findings().to_batches(max_chunksize=2000):
            for row in batch.to_pylist():
                row["evidence"] = json.loads(row["evidence"]) if row["evidence"] else {}
                row["first_seen"] = _iso(row["first_seen"])
                row["last_seen"] = _iso(row["last_seen"])
                for key in ("account_ids", "post_ids", "engagements"):
                    row[key] = row[key] or []
                yield {k: row[k] for k in EXPORT_FIELDS}


def export_row(row: dict) -> dict:
    """``Finding.to_row()`` in the export's shape, the evidence exactly as a
    workspace would store and read it back."""
    evidence = json.loads(json.dumps(row["evidence"], ensure_ascii=False, sort_keys=True, default=str))
    return {**{k: row[k] for k in EXPORT_FIELDS}, "evidence": evidence,
            "first_seen": _iso(row["first_seen"]), "last_seen": _iso(row["last_seen"])}


def export_findings(workspace: Workspace, out: Path) -> int:
    """Write every finding as one JSON line; the file appears whole or not at all."""
    return write_export(iter_findings(workspace), out)


def write_export(rows: Iterable[dict], out: Path) -> int:
    """Export-shaped rows as JSON lines; the file appears whole or not at all."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    n = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
                n += 1
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return n


def read_jsonl(path: Path, required: tuple[str, ...] = ()) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each non-empty line; errors name file, row, key."""
    path = Path(path)
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        raise DataError(str(path), None, None, "file not found") from None
    with fh:
        for i, raw in enumerate(fh, start=1):
            if not raw.strip():
                continue
            try:
                obj = json.loads(raw.decode("utf-8"))
            except UnicodeDecodeError as e:
                raise DataError(str(path), i, None, f"not valid UTF-8 (byte {e.start})") from None
            except json.JSONDecodeError as e:
                raise DataError(str(path), i, None, f"not valid JSON: {e.msg}") from None
            if not isinstance(obj, dict):
                raise DataError(str(path), i, None, "expected a JSON object")
            for key in required:
                if key not in obj:
                    raise DataError(str(path), i, key, "required key is missing")
            yield i, obj
