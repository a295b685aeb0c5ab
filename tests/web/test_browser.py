"""The console in a real browser (Debian's Chromium through Playwright):
a moderator works a case from the queue to enforcement, a lead reads the
audit entry, a liaison places a hold and downloads the evidence bundle,
submits a lead and a request for information on the authority portal, an
analyst opens a case from the lead, a lead answers the request, runs an
automatic confirmation rule and exports the statements of reasons; and
hostile content never runs as script.  Screenshots go to tests/web/screenshots/."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from civicshield.cases import audit, holds, requests, review
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


@pytest.mark.slow
def test_authority_portal_lead_with_hostile_text(browser, console):
    """A liaison submits a lead whose every free-text field is an XSS payload;
    the analyst who opens the portal sees it as text and opens a case from it.
    CSP is bypassed so that escaping alone is what is tested."""
    ws, store = console
    with running(ws) as base:
        ctx = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 1000})
        page = ctx.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        log_in(page, base, "liv")
        page.goto(f"{base}/authority")
        page.fill("#submit-lead input[name=authority]", XSS[2])
        page.fill("#submit-lead input[name=reference]", XSS[3])
        page.fill("#submit-lead textarea[name=accounts]", f"{NET[0]}\n{XSS[5]}")
        page.fill("#submit-lead textarea[name=hashtags]", "#Alegeri2026")
        page.fill("#submit-lead textarea[name=channels]", XSS[4])
        page.fill("#submit-lead textarea[name=description]", "\n".join(XSS))
        page.click("#send-lead")
        page.wait_for_load_state("load")
        page.fill("#submit-rfi input[name=authority]", "Prosecutor's Office")
        page.fill("#submit-rfi input[name=reference]", "PO-44/2026")
        page.fill("#submit-rfi textarea[name=question]", "Who operates the accounts? " + XSS[1])
        page.fill("#submit-rfi input[name=legal_basis]", "Art. 10 DSA order")
        page.fill("#submit-rfi input[name=deadline]", "2026-12-01")
        page.click("#send-rfi")
        page.wait_for_load_state("load")
        page.wait_for_timeout(200)
        (lead,) = requests.list_leads(store, LEAD)
        assert lead.description == "\n".join(XSS) and lead.accounts == [NET[0], XSS[5]]
        shot(page, "authority-liaison")
        ctx.close()

        ctx = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 1000})
        page = ctx.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        log_in(page, base, "ana")
        page.goto(f"{base}/authority")
        page.wait_for_load_state("load")
        page.wait_for_timeout(200)
        assert page.evaluate("window.__xss") is None
        assert page.evaluate("document.querySelectorAll('iframe, svg, img, details, style').length") == 0
        row = page.inner_text(f"#lead-{lead.id}")
        for payload in XSS:
            assert payload in row  # the description, shown as the text it is
        assert XSS[2] in row and XSS[5] in row and "#alegeri2026" in row
        shot(page, "authority-analyst")
        page.click(f"#lead-case-{lead.id}")
        page.wait_for_load_state("load")
        case_id = requests.get_lead(store, LEAD, lead.id).case_id
        assert page.url.endswith(f"/cases/{case_id}")
        # NET[0] is already in the network's case: the lead joins it rather than opening a duplicate
        assert review.get_case(store, LEAD, case_id).summary.kind == "coordinated_network"
        shot(page, "case-from-lead")
        ctx.close()

        ctx = browser.new_context(viewport={"width": 1280, "height": 1000})
        page = ctx.new_page()
        log_in(page, base, "lena")
        page.goto(f"{base}/authority")
        (rfi,) = requests.list_rfis(store, LEAD)
        page.select_option(f"#rfi-{rfi.id} select[name=status]", "refused")
        page.fill(f"#rfi-{rfi.id} textarea[name=response]", "Outside the order's scope.")
        page.click(f"#rfi-answer-{rfi.id}")
        page.wait_for_load_state("load")
        assert "refused" in page.inner_text(f"#rfi-{rfi.id}")
        shot(page, "authority-lead")
        ctx.close()
    assert dialogs == []
    assert requests.get_rfi(store, LEAD, rfi.id).status == "refused"
    events = {e["event"] for e in audit.read(store, LEAD, limit=500)}
    assert {"lead.submitted", "lead.converted", "rfi.submitted", "rfi.answered"} <= events


@pytest.mark.slow
def test_auto_confirm_then_statements_of_reasons_export(browser, console, tmp_path):
    ws, store = console
    with running(ws) as base:
        ctx = browser.new_context(viewport={"width": 1280, "height": 1000}, accept_downloads=True)
        page = ctx.new_page()
        blocked: list[str] = []
        page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
        log_in(page, base, "lena")
        page.click("header nav >> text=Compliance")
        page.wait_for_load_state("load")
        # the purge form refuses to submit without the typed confirmation
        page.fill("#purge textarea[name=reason]", "Quarterly retention run.")
        page.fill("#purge input[name=confirm]", "yes")
        page.click("#run-purge")
        assert page.url.endswith("/compliance")
        assert page.evaluate("document.querySelector('#purge input[name=confirm]').validity.patternMismatch")
        page.check("#auto-confirm input[value=coordinated_network]")
        page.fill("#auto-confirm textarea[name=reason]", "Rule agreed with the policy team.")
        page.click("#run-auto-confirm")
        page.wait_for_load_state("load")
        assert "1 case(s) confirmed" in page.inner_text("#done")
        shot(page, "compliance")
        (case,) = review.list_cases(store, LEAD, status="confirmed")
        assert review.get_case(store, LEAD, case.id).decisions[-1]["automated"] is True
        page.goto(f"{base}/cases/{case.id}")
        page.click("#enforce")
        page.wait_for_load_state("load")
        page.goto(f"{base}/compliance")
        with page.expect_download() as dl:
            page.click("#export-sor")
        zpath = tmp_path / "sor.zip"
        dl.value.save_as(zpath)
        names = zipfile.ZipFile(zpath).namelist()
        assert any(n.startswith("sor-batch-") for n in names) and any(n.endswith(".csv") for n in names)
        assert blocked == [], blocked
        ctx.close()
    assert audit.read(store, LEAD, event="purge.run") == []
