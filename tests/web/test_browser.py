"""The console in a real browser (Debian's Chromium through Playwright):
a moderator works a case from the queue to enforcement, a lead reads the
audit entry, a liaison places a hold and downloads the evidence bundle; and
hostile content never runs as script.  Screenshots go to tests/web/screenshots/."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from civicshield.cases import audit, holds, review
from civicshield.cases.enforce import active_actions
from civicshield.cases.evidence import verify_bundle
from civicshield.cases.roles import Actor

from .conftest import NET, PASSWORD, XSS
from .server import CHROMIUM, CHROMIUM_ARGS, running

SHOTS = Path(__file__).resolve().parent / "screenshots"
LEAD = Actor("lena", "lead")


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: scripts/setup.sh installs Debian's chromium", pytrace=False)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"{name}.png", full_page=True)


def log_in(page, base: str, name: str) -> None:
    page.goto(f"{base}/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert "/login" not in page.url, page.content()


@pytest.mark.slow
def test_queue_to_enforcement_audit_hold_and_bundle(browser, console, tmp_path):
    ws, store = console
    with running(ws) as base:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        blocked: list[str] = []
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        shot_login = page.goto(f"{base}/login")
        assert shot_login.headers["content-security-policy"].startswith("default-src 'none'")
        shot(page, "login")
        log_in(page, base, "mara")
        assert page.url.endswith("/cases")
        shot(page, "queue")
        page.click("#cases a")
        # the interactive graph: drawn by our own script and cytoscape from npm, under the strict CSP
        page.wait_for_selector("#graph[data-ready]")
        n_nodes = int(page.get_attribute("#graph", "data-ready"))
        assert n_nodes == page.evaluate("window.civicshieldGraph.nodes().length") and n_nodes >= len(NET) + 1
        page.click("#assign")
        page.select_option("#decision", "confirm")
        page.fill("#reason", "Six accounts posted identical text within minutes.")
        page.click("#decide")
        assert page.inner_text("#case-status") == "confirmed"
        page.click("#enforce")
        page.wait_for_load_state()
        shot(page, "case")
        assert page.locator("#actions tbody tr").count() >= len(NET)
        (case,) = review.list_cases(store, LEAD, status="confirmed")
        assert {a["target_id"] for a in active_actions(store)} >= set(NET)
        assert blocked == [], blocked  # nothing of ours needs a CSP exception
        ctx.close()

        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        log_in(page, base, "lena")
        page.goto(f"{base}/audit?subject=case:{case.id}")
        shot(page, "audit")
        text = page.inner_text("#audit")
        assert "case.decided" in text and "mara" in text and "Six accounts posted identical text" in text
        ctx.close()

        ctx = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        page = ctx.new_page()
        log_in(page, base, "liv")
        assert page.url.endswith("/holds")
        page.fill("#add-hold input[name=authority]", "DIICOT")
        page.fill("#add-hold input[name=reference]", "4711/2024")
        page.fill("#add-hold textarea[name=networks]", "net-1")
        page.click("#place-hold")
        page.wait_for_load_state()
        (h,) = holds.list_holds(store, LEAD)
        assert (h.authority, h.scope["network_ids"]) == ("DIICOT", ["net-1"])
        shot(page, "holds")
        with page.expect_download() as dl:
            page.click(f"#bundle-{h.id}")
        zpath = tmp_path / "bundle.zip"
        dl.value.save_as(zpath)
        zipfile.ZipFile(zpath).extractall(tmp_path / "bundle")
        assert verify_bundle(tmp_path / "bundle") == []
        ctx.close()
    assert "evidence.exported" in {e["event"] for e in audit.read(store, LEAD, limit=500)}


@pytest.mark.slow
def test_hostile_content_never_runs(browser, console):
    """CSP is bypassed here on purpose: escaping alone must stop every
    payload (the CSP is a second wall, checked in test_api)."""
    ws, store = console
    (case,) = review.list_cases(store, LEAD)
    # hostile text also reaches the audit trail (a reason quoting a post) and the holds list
    review.assign(store, LEAD, case.id)
    review.decide(store, LEAD, case.id, "request_evidence", "Quoting the post: " + XSS[0] + XSS[1])
    holds.add_hold(store, Actor("liv", "liaison"), XSS[2], XSS[3], holds.Scope(account_ids=(XSS[4],)))
    with running(ws) as base:
        ctx = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
        page = ctx.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        log_in(page, base, "lena")
        for path in ("/cases", f"/cases/{case.id}", f"/audit?subject=case:{case.id}", "/holds"):
            page.goto(base + path)
            page.wait_for_load_state("load")
            # ontoggle/onerror fire asynchronously: give them a moment
            page.wait_for_timeout(200)
            assert page.evaluate("window.__xss") is None, path
            assert page.evaluate("document.querySelectorAll('iframe, svg, img, details, style').length") == 0, path
            scripts = page.evaluate("Array.from(document.scripts).map(s => s.getAttribute('src'))")
            assert all(s and s.startswith(("/static/", "/vendor/")) for s in scripts), (path, scripts)
        page.goto(f"{base}/cases/{case.id}")
        body = page.inner_text("body")
        for payload in XSS[:3]:
            assert payload in body  # shown to the moderator as the text it is
        shot(page, "case-hostile")
        page.goto(f"{base}/holds")
        assert XSS[2] in page.inner_text("#holds")
        page.goto(f"{base}/audit?subject=case:{case.id}")
        assert XSS[0] in page.inner_text("#audit")
        ctx.close()
    assert dialogs == []
