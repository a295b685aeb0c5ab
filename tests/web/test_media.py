"""Post media on the case page: a re-encoded thumbnail and the C2PA verdict;
paths outside the media folder and non-images are refused."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil

from fastapi.testclient import TestClient
from PIL import Image

from civicshield.cases import open_case_store, review, users
from civicshield.cases.intake import intake
from civicshield.cases.roles import Actor
from civicshield.detect.base import Finding
from civicshield.web import create_app

from .conftest import PASSWORD, T0

POSTS = {"pai": "ai.jpg", "pplain": "plain.jpg", "psvg": "evil.svg", "pescape": "../cases.sqlite"}


def test_thumbnails_and_c2pa_verdicts(make_workspace, shared_dir):
    accounts = [{"account_id": "a1", "handle": "a1", "created_at": dt.datetime(2024, 1, 1), "language": "ro"}]
    posts = [{"post_id": pid, "account_id": "a1", "created_at": T0, "text": "look", "language": "ro", "media_path": rel}
             for pid, rel in POSTS.items()]
    ws = make_workspace(accounts=accounts, posts=posts)
    (ws.path / "media").mkdir()
    shutil.copy(shared_dir / "data/c2pa/created_algorithmic.jpg", ws.path / "media/ai.jpg")
    shutil.copy(shared_dir / "data/c2pa/no_manifest.jpg", ws.path / "media/plain.jpg")
    (ws.path / "media/evil.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    f = Finding(kind="unlabelled_ai", detector="ai_media", score=1.0, post_ids=tuple(POSTS), first_seen=T0, last_seen=T0,
                evidence={"why": "planted"})
    with ws.events() as ev:
        ev.replace_findings("ai_media", [f.to_row()])
    with open_case_store(ws) as store:
        intake(store, ws, Actor("ana", "analyst"))
        users.add_user(store, "lena", "lead", PASSWORD)
        (case,) = review.list_cases(store, Actor("lena", "lead"))
    with TestClient(create_app(ws), base_url="https://testserver") as c:
        c.post("/login", data={"name": "lena", "password": PASSWORD})
        html = c.get(f"/cases/{case.id}").text
        captions = dict(re.findall(r'media of (\w+)"[^>]*>\s*<figcaption[^>]*>([^<]*)<', html))
        assert "AI-generated" in captions["pai"] and "trainedAlgorithmicMedia" not in captions["pplain"]
        assert captions["pplain"].startswith("no Content Credentials")
        assert captions["pescape"] == "file not available"
        r = c.get(f"/cases/{case.id}/media/pai.jpg")
        assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
        with Image.open(io.BytesIO(r.content)) as im:
            assert im.format == "JPEG" and max(im.size) <= 320
        assert c.get(f"/cases/{case.id}/media/psvg.jpg").status_code == 404  # not an image: never served
        assert c.get(f"/cases/{case.id}/media/pescape.jpg").status_code == 404  # outside media/
        assert c.get(f"/cases/{case.id}/media/nosuchpost.jpg").status_code == 404
