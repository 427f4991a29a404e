"""Browser fixtures: a live SPT Match over a fresh demo database, Debian's Chromium, axe-core.

The journeys run in Debian's `chromium` (installed by .ci/run with apt), driven by Playwright for
Python; Playwright never downloads a browser of its own here. They run on SQLite only: on the
PostgreSQL pass of CI they skip, because the database layer is covered there by the rest of the
suite and the browser adds a minute for no new coverage.
"""

import logging
import os
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from spt import create_app
from spt.db import get_db
from spt.services import demo

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium keeps trying to reach Google's hosts, which
# this machine's closed network refuses; --no-sandbox because CI runs as root.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE_JS = Path(__file__).parent / "vendor" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
DEMO_PASSWORD = "demo-wachtwoord-2026"
# Only these impacts fail a journey; moderate and minor findings are printed, not enforced.
BLOCKING_IMPACTS = ("serious", "critical")


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "browser: end-to-end journeys in Chromium with axe-core accessibility checks "
                   "(deselect with -m 'not browser')")


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            # One pytest-xdist worker runs every journey (--dist loadgroup): one Chromium, not one
            # per worker.
            item.add_marker(pytest.mark.xdist_group("browser"))


def pytest_terminal_summary(terminalreporter):
    """Say plainly when the browser journeys did not run (the -q summary only counts skips)."""
    reasons = set()
    for report in terminalreporter.stats.get("skipped", []):
        if "tests/browser/" in report.nodeid.replace("\\", "/") and report.longrepr:
            reasons.add(report.longrepr[2].removeprefix("Skipped: "))
    for reason in sorted(reasons):
        terminalreporter.write_line(f"browser journeys skipped: {reason}", yellow=True)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On a failed journey, add the page's URL and visible text to the report."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    pages = list(getattr(item.funcargs.get("new_page"), "pages", []))
    journey = item.funcargs.get("journey")
    if journey is not None and journey.current in pages:  # the page last looked at first
        pages.remove(journey.current)
        pages.insert(0, journey.current)
    for n, page in enumerate(page for page in pages if not page.is_closed()):
        try:
            text = page.inner_text("body", timeout=2000)
        except Exception as error:  # the page may be mid-navigation; say so rather than hide it
            text = f"(could not read the page: {error})"
        report.sections.append((f"browser {n + 1} at failure", f"URL: {page.url}\n\n{text}"))


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium under Playwright; the journeys skip when it cannot start."""
    if os.environ.get("SPT_TEST_DATABASE_URL"):
        pytest.skip("browser journeys run on SQLite only (the PostgreSQL pass skips them)")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    manager = sync_playwright().start()
    try:
        chromium = manager.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    except Exception as error:
        manager.stop()
        pytest.skip(f"{CHROMIUM} could not be launched: {str(error).splitlines()[0]}")
    yield chromium
    chromium.close()
    manager.stop()


@pytest.fixture
def live_server(browser, database_template, tmp_path):
    """SPT Match served on 127.0.0.1 in a thread, over a fresh database with the demo data.

    CSRF protection stays on: the browser posts the real forms. Rate limits are off (every
    journey logs in several times) and so is the advisors' second factor, which has its own tests.
    """
    app = create_app({"SECRET_KEY": "browser-test-secret",
                      "DATABASE_URL": database_template(tmp_path),
                      "RATELIMIT_ENABLED": False, "MFA_REQUIRED": False,
                      "PASSWORD_HASH_COST": "test"})
    with app.app_context():
        demo.seed(get_db())
    # werkzeug logs every request at INFO; a failing journey prints the page instead.
    werkzeug_log = logging.getLogger("werkzeug")
    level = werkzeug_log.level
    werkzeug_log.setLevel(logging.WARNING)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()
    werkzeug_log.setLevel(level)
    app.extensions["spt_engine"].dispose()


class LiveServer:
    """The served app and its base URL."""

    def __init__(self, app, url: str):
        self.app = app
        self.url = url


class PageOpener:
    """Opens pages, each in a browser context of its own (own cookies): one per person."""

    def __init__(self, browser, base_url: str):
        self.browser = browser
        self.base_url = base_url
        self.pages = []

    def __call__(self):
        context = self.browser.new_context(base_url=self.base_url, locale="nl-NL",
                                           viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        page = context.new_page()
        self.pages.append(page)
        return page

    def close(self) -> None:
        for page in self.pages:
            page.context.close()


@pytest.fixture
def new_page(browser, live_server):
    """Open a page in a browser of its own: one per person in a journey."""
    opener = PageOpener(browser, live_server.url)
    yield opener
    opener.close()


@pytest.fixture
def page(new_page):
    """A fresh browser (no cookies) in Dutch at a laptop's size."""
    return new_page()


class Journey:
    """Screenshots and accessibility findings of one journey."""

    def __init__(self, name: str, page):
        self.name = name
        self.page = page
        self.current = page  # the page in use now; a failure prints it
        self.folder = SCREENSHOTS / name
        self.folder.mkdir(parents=True, exist_ok=True)
        for old in self.folder.glob("*.png"):
            old.unlink()
        self.count = 0
        self.checked: list[str] = []
        self.violations: list[tuple[str, str, dict]] = []
        self.notes: list[tuple[str, str, dict]] = []  # moderate and minor: printed, not enforced

    def snap(self, label: str, page=None) -> Path:
        """Save a full-page screenshot as tests/screenshots/<journey>/NN-label.png."""
        self.count += 1
        self.current = page or self.page
        path = self.folder / f"{self.count:02d}-{label}.png"
        (page or self.page).screenshot(path=str(path), full_page=True)
        return path

    def check(self, label: str, page=None) -> None:
        """Run axe-core on the current page and keep its serious and critical violations."""
        page = page or self.page
        self.current = page
        found = run_axe(page)
        self.checked.append(f"{label} ({page.url})")
        for violation in found:
            if violation["impact"] in BLOCKING_IMPACTS:
                self.violations.append((label, page.url, violation))
            else:
                self.notes.append((label, page.url, violation))

    def visit(self, label: str, page=None) -> None:
        """Screenshot and accessibility check of the current page."""
        self.snap(label, page)
        self.check(label, page)

    def assert_accessible(self) -> None:
        """Fail with a readable list when any checked page had a serious or critical violation."""
        print(f"axe-core checked {len(self.checked)} pages of {self.name}:", *self.checked,
              sep="\n  ")
        for label, url, violation in self.notes:
            print(describe(label, url, violation))
        if self.violations:
            text = "\n\n".join(describe(label, url, v) for label, url, v in self.violations)
            pytest.fail(f"axe-core: {len(self.violations)} serious or critical violation(s) on "
                        f"{len(self.checked)} checked pages\n\n{text}", pytrace=False)


@pytest.fixture
def journey(request, page):
    """A Journey named after the test, for screenshots and accessibility checks."""
    name = request.node.name.removeprefix("test_")
    return Journey(name, page)


def run_axe(page) -> list[dict]:
    """Run axe-core (WCAG 2.x A and AA rules) on the page and return its violations.

    The app's Content-Security-Policy allows only scripts from 'self', so a <script> tag with the
    axe source would be blocked; page.evaluate runs in the page without going through CSP.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(_axe_source())
    return page.evaluate("""async () => {
        const result = await window.axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'wcag22aa', 'best-practice']},
            resultTypes: ['violations'],
        });
        return result.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
            nodes: v.nodes.map(n => ({target: n.target.join(' '), html: n.html,
                                      summary: n.failureSummary})),
        }));
    }""")


_AXE_CACHE: list[str] = []


def _axe_source() -> str:
    if not _AXE_CACHE:
        _AXE_CACHE.append(AXE_JS.read_text("utf-8"))
    return _AXE_CACHE[0]


def describe(label: str, url: str, violation: dict) -> str:
    """One violation as readable text: page, rule, impact, help and each offending element."""
    lines = [f"[{violation['impact']}] {violation['id']}: {violation['help']}",
             f"  page: {label} — {url}", f"  see: {violation['helpUrl']}"]
    for node in violation["nodes"][:8]:
        lines.append(f"  - {node['target']}: {node['html'][:160]}")
        for detail in (node["summary"] or "").splitlines():
            lines.append(f"      {detail}")
    if len(violation["nodes"]) > 8:
        lines.append(f"  ... and {len(violation['nodes']) - 8} more elements")
    return "\n".join(lines)
