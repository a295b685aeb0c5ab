"""The report's files: figures as JSON and CSV, the page as HTML, and the
same HTML printed to PDF by headless Chromium (Debian's ``chromium``)."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from civicshield.errors import CivicshieldError
from civicshield.html import render

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


def _csv(path: Path, rows: list[dict], columns: list[str]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            w.writerow({k: (";".join(map(str, v)) if isinstance(v, list) else v) for k, v in r.items()})
    return path


def write_data(data: dict, out_dir: Path) -> tuple[Path, tuple[Path, ...]]:
    json_path = out_dir / "figures.json"
    json_path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str), encoding="utf-8")
    enf = [{"figure": k, "value": "not measured" if v is None else v} for k, v in data["enforcement"].items()]
    paths = [
        _csv(out_dir / "enforcement.csv", enf, ["figure", "value"]),
        _csv(out_dir / "response_times.csv", data["response_times"],
             ["target", "finding_kind", "actions", "proactive", "proactive_rate", "within_24h", "within_24h_rate"]),
        _csv(out_dir / "operations.csv", data["operations"],
             ["network_id", "accounts", "accounts_removed", "operates_from", "target_country", "total_followers",
              "posts", "promotes", "narratives", "first_activity", "last_activity", "disrupted_on",
              "recidivist_accounts_removed", "returning_from", "detection", "summary"]),
    ]
    paths.append(_csv(out_dir / "misinformation.csv", data["misinformation"],
                      ["verdict", "posts", "proactive", "proactive_rate", "within_24h", "within_24h_rate", "matched",
                       "matched_rate"]))
    paths.append(_csv(out_dir / "reemergence.csv", data["reemergence"],
                      ["group", "returns", "accounts", "accounts_removed", "linked_banned_accounts", "first_seen"]))
    if data["amplification"] is not None:
        paths.append(_csv(out_dir / "amplification.csv", data["amplification"],
                          ["candidate", "surface", "week", "impressions", "from_flagged", "paid"]))
    return json_path, tuple(paths)


def write_html(data: dict, pictures: dict, path: Path) -> Path:
    path.write_text(render("report.html", d=data, pic=pictures), encoding="utf-8")
    return path


def chromium() -> str:
    for name in CHROMIUM:
        found = shutil.which(name)
        if found:
            return found
    raise CivicshieldError("no Chromium found for the PDF (scripts/setup.sh installs Debian's 'chromium')")


def write_pdf(html: Path, pdf: Path, timeout: float = 120) -> Path:
    with tempfile.TemporaryDirectory(prefix="cs-chromium-") as profile:
        cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
               "--no-pdf-header-footer", f"--print-to-pdf={pdf.resolve()}", html.resolve().as_uri()]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if res.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        raise CivicshieldError(f"Chromium did not print {pdf}: exit {res.returncode}: {res.stderr.strip()[-400:]}")
    return pdf
