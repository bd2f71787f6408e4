"""The real browser for the browser tests: headless Chromium (Debian's chromium and chromedriver,
installed by the Makefile), the app served by waitress in a thread, and axe-core. Importing this
module skips the importing test module when Chromium or selenium is missing."""

from __future__ import annotations

import tempfile
import threading
from pathlib import Path

import pytest

from web import create_app

pytest.importorskip("selenium")
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = Path(__file__).resolve().parents[1] / "browser" / "node_modules" / "axe-core" / "axe.min.js"

if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip("Chromium saknas: kör `make test` (installerar chromium och chromium-driver)", allow_module_level=True)


class LiveServer:
    """The real app under waitress (as in production) on a free loopback port, in a thread."""

    def __init__(self, **config):
        from waitress import create_server

        base = {"STATISTIK_DB": Path(tempfile.mkdtemp()) / "statistik.db", "SESSION_COOKIE_SECURE": False}
        base.update(config)
        self.app = create_app(base)
        self.server = create_server(self.app, host="127.0.0.1", port=0, threads=8)
        self.url = f"http://127.0.0.1:{self.server.effective_port}"
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.thread.start()

    def close(self):
        self.server.close()


def make_driver():
    opts = webdriver.ChromeOptions()
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-')}",
    ):
        opts.add_argument(flag)
    opts.binary_location = str(CHROMIUM)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=opts)
    driver.set_window_size(1024, 900)
    driver.set_script_timeout(60)
    return driver


def wait(driver, condition, timeout=10.0, message=""):
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: condition(d), message)


def axe_violations(driver) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"{AXE} saknas: kör `cd tests/browser && npm ci` (make test gör det)")
    if not driver.execute_script("return typeof window.axe !== 'undefined'"):
        driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))))"
        ".catch(e => done({error: String(e)}));"
    )
    assert not isinstance(result, dict), result
    return [v for v in result if v["impact"] in ("serious", "critical")]


def assert_accessible(driver, what: str):
    bad = axe_violations(driver)
    if bad:
        print(f"\naxe-core, {what}:")
        for v in bad:
            print(f"  [{v['impact']}] {v['id']}: {v['help']} -> {v['nodes'][:5]}")
    assert not bad, f"{what}: {[v['id'] for v in bad]}"
