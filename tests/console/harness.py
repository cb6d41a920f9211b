"""The console's browser tests: the real server, a real browser.

Each test module gets one server and one browser (ConsoleCase.setUpClass):

- the server is $CISHAN_SERVER (default build/cishan-server) serving a
  fresh demo store (`cishan-server demo`: admin/admin-demo,
  manager/manager-demo, cashier/cashier-demo, auditor/auditor-demo) on
  127.0.0.1 port 0; the port is read from its "listening on" line, as
  tests/itest_proc.c does; SIGTERM stops it and it must exit 0;
- the browser is Debian's chromium driven by its chromedriver
  (python3-selenium), headless, its console log captured; every test ends
  by asserting the page logged no SEVERE entry (an uncaught exception, a
  failed load, a CSP refusal), except those the test said it expects.

Screenshots go to $ITEST_ARTIFACTS (default build/tests/artifacts) as
console-NAME-WIDTH.png. Temporary files (store, server log, browser
profile) go under $ITEST_TMPDIR (default /tmp) and are kept when the
server did not stop cleanly.

A page's test (tests/console/test_PAGE.py):

    from harness import ConsoleCase

    class GoodsTest(ConsoleCase):
        def test_search(self):
            self.open_console(1280, "/console/#/goods")
            self.console_login("manager")
            self.wait_for("#main[data-ready]")
            ...
            status, j = self.api("GET", "/api/v1/items?q=x",
                                 token=self.login_api("manager"))
            self.screenshot("goods", 1280)

A test whose page shows a refused request calls
self.expect_console_error("/api/v1/... - Failed to load resource: the "
"server responded with a status of 409") first, as the browser logs it.

Run with Debian's python3 (/usr/bin/python3), where python3-selenium is:
`make test-console`, or
`/usr/bin/python3 -m unittest discover -s tests/console -p 'test_*.py' -v`.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

# Defaults are the repository's build/, wherever the tests are run from.
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))
SERVER = os.environ.get("CISHAN_SERVER") or \
    os.path.join(ROOT, "build", "cishan-server")
CHROMIUM = os.environ.get("ITEST_CHROMIUM") or "/usr/bin/chromium"
CHROMEDRIVER = os.environ.get("ITEST_CHROMEDRIVER") or "/usr/bin/chromedriver"
ARTIFACTS = os.environ.get("ITEST_ARTIFACTS") or \
    os.path.join(ROOT, "build", "tests", "artifacts")
TMPDIR = os.environ.get("ITEST_TMPDIR") or None

DEMO_USERS = {
    "admin": "admin-demo",
    "manager": "manager-demo",
    "cashier": "cashier-demo",
    "auditor": "auditor-demo",
}

START_SECS = 30  # the demo store and the server's first answer
STOP_SECS = 15
WAIT_SECS = 15  # an element to appear in the page
HEIGHT = 900  # the window's height unless a test says


class Server:
    """cishan-server on a fresh demo store, on 127.0.0.1 port 0."""

    def __init__(self):
        if TMPDIR:
            os.makedirs(TMPDIR, exist_ok=True)
        self.dir = tempfile.mkdtemp(prefix="console.", dir=TMPDIR)
        self.db = os.path.join(self.dir, "demo.db")
        self.proc = None
        self.url = None
        with open(os.path.join(self.dir, "demo.log"), "wb") as log:
            rc = subprocess.call([SERVER, "demo", "--db", self.db],
                                 stdin=subprocess.DEVNULL, stdout=log,
                                 stderr=subprocess.STDOUT)
        if rc != 0:
            raise RuntimeError("%s demo --db %s: exit %d (%s/demo.log)"
                               % (SERVER, self.db, rc, self.dir))
        out = os.path.join(self.dir, "server.out")
        with open(out, "wb") as o, \
                open(os.path.join(self.dir, "server.log"), "wb") as e:
            self.proc = subprocess.Popen(
                [SERVER, "serve", "--db", self.db,
                 "--listen", "127.0.0.1:0"],
                stdin=subprocess.DEVNULL, stdout=o, stderr=e)
        t0 = time.monotonic()
        while self.url is None:
            with open(out, encoding="utf-8", errors="replace") as f:
                for line in f:
                    if line.startswith("listening on http://") and \
                            line.endswith("\n"):
                        self.url = line.split()[2]
            if self.url is not None:
                break
            if self.proc.poll() is not None:
                raise RuntimeError("the server exited (%d) before listening;"
                                   " see %s/server.log"
                                   % (self.proc.returncode, self.dir))
            if time.monotonic() - t0 > START_SECS:
                self.proc.kill()
                self.proc.wait()
                raise RuntimeError("no 'listening on' line within %d s (%s)"
                                   % (START_SECS, self.dir))
            time.sleep(0.01)

    def stop(self):
        """SIGTERM; the server must exit 0. Its files go, unless not."""
        if self.proc is None or self.proc.poll() is not None:
            rc = self.proc.returncode if self.proc is not None else 0
        else:
            self.proc.send_signal(signal.SIGTERM)
            try:
                rc = self.proc.wait(STOP_SECS)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
                raise AssertionError("the server did not exit within %d s of"
                                     " SIGTERM (kept %s)"
                                     % (STOP_SECS, self.dir))
        if rc != 0:
            raise AssertionError("the server exited %d on SIGTERM (kept %s)"
                                 % (rc, self.dir))
        shutil.rmtree(self.dir, ignore_errors=True)


def api(server, method, path, body=None, token=None):
    """One API request: (status, the JSON answer or None)."""
    data = None
    headers = {}
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token is not None:
        headers["Authorization"] = "Bearer " + token
    req = urllib.request.Request(server.url + path, data=data,
                                 headers=headers, method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, raw = r.status, r.read()
    except urllib.error.HTTPError as e:
        status, raw = e.code, e.read()
    try:
        return status, json.loads(raw) if raw else None
    except ValueError:
        return status, None


def login_api(server, user, password=None):
    """A token of USER (a demo user unless PASSWORD)."""
    status, j = api(server, "POST", "/api/v1/sessions",
                    {"username": user,
                     "password": password or DEMO_USERS[user]})
    if status != 201:
        raise AssertionError("log-in of %s: %d %s" % (user, status, j))
    return j["token"]


def new_driver(profile_dir, width=1280, height=HEIGHT):
    """Headless chromium with its console log kept (goog:loggingPrefs)."""
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu",
              "--disable-dev-shm-usage", "--no-first-run",
              "--disable-background-networking", "--disable-component-update",
              "--disable-sync", "--hide-scrollbars", "--lang=zh-CN",
              "--window-size=%d,%d" % (width, height),
              "--user-data-dir=" + profile_dir):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=CHROMEDRIVER)
    return webdriver.Chrome(service=service, options=opts)


def set_width(driver, width, height=HEIGHT):
    driver.set_window_size(width, height)


def wait_for(driver, css, timeout=WAIT_SECS, visible=True):
    """The element CSS once it is in the page (and shown, if VISIBLE)."""
    cond = EC.visibility_of_element_located if visible else \
        EC.presence_of_element_located
    try:
        return WebDriverWait(driver, timeout).until(cond((By.CSS_SELECTOR,
                                                          css)))
    except TimeoutException:
        raise AssertionError("no %s%s within %d s; the page:\n%s"
                             % (css, " shown" if visible else "", timeout,
                                page_text(driver))) from None


def wait_gone(driver, css, timeout=WAIT_SECS):
    try:
        WebDriverWait(driver, timeout).until(
            EC.invisibility_of_element_located((By.CSS_SELECTOR, css)))
    except TimeoutException:
        raise AssertionError("%s still shown after %d s" % (css, timeout)) \
            from None


def wait_text(driver, css, text, timeout=WAIT_SECS):
    """The element CSS once its text holds TEXT."""
    try:
        WebDriverWait(driver, timeout).until(
            EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))
    except TimeoutException:
        els = driver.find_elements(By.CSS_SELECTOR, css)
        raise AssertionError("%s does not say %r within %d s; it says %r"
                             % (css, text, timeout,
                                els[0].text if els else "(absent)")) \
            from None
    return driver.find_element(By.CSS_SELECTOR, css)


def page_text(driver):
    try:
        return driver.find_element(By.TAG_NAME, "body").text[:2000]
    except Exception:  # the page itself may be what failed
        return "(no body)"


def console_login(driver, user, password=None):
    """Log in through the page's form; waits for #nav."""
    f = wait_for(driver, "#login-user")
    f.clear()
    f.send_keys(user)
    p = driver.find_element(By.CSS_SELECTOR, "#login-password")
    p.clear()
    p.send_keys(password or DEMO_USERS[user])
    driver.find_element(By.CSS_SELECTOR, "#login-submit").click()
    return wait_for(driver, "#nav")


def screenshot(driver, name, width):
    """The window at WIDTH px as $ITEST_ARTIFACTS/console-NAME-WIDTH.png."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    set_width(driver, width)
    path = os.path.join(ARTIFACTS, "console-%s-%d.png" % (name, width))
    if not driver.save_screenshot(path):
        raise AssertionError("no screenshot at " + path)
    return path


def console_errors(driver, expected=()):
    """The page's SEVERE log entries since the last call, but those whose
    message holds one of EXPECTED."""
    return [e for e in driver.get_log("browser")
            if e.get("level") == "SEVERE" and
            not any(x in e.get("message", "") for x in expected)]


def assert_no_console_errors(driver, expected=()):
    bad = console_errors(driver, expected)
    if bad:
        raise AssertionError("the browser logged errors:\n" +
                             "\n".join(e["message"] for e in bad))


class ConsoleCase(unittest.TestCase):
    """One server and one browser for the test module; each test ends
    with the page's console silent (bar what it expected)."""

    server = None
    driver = None

    @classmethod
    def setUpClass(cls):
        cls.server = Server()
        try:
            cls.driver = new_driver(os.path.join(cls.server.dir, "profile"))
        except Exception:
            cls.server.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        try:
            if cls.driver is not None:
                cls.driver.quit()
        finally:
            cls.server.stop()

    def setUp(self):
        self.expected_errors = []
        console_errors(self.driver)  # what came before is not this test's

    def tearDown(self):
        assert_no_console_errors(self.driver, self.expected_errors)

    def expect_console_error(self, text):
        """A SEVERE entry holding TEXT is this test's intent (a refused
        request the page shows): it does not fail the test."""
        self.expected_errors.append(text)

    # The module helpers, on this class's server and browser.
    def api(self, method, path, body=None, token=None):
        return api(self.server, method, path, body, token)

    def login_api(self, user, password=None):
        return login_api(self.server, user, password)

    def open_console(self, width=1280, path="/console/"):
        """A fresh tab's view of the console at WIDTH px: no session kept
        from an earlier test."""
        # A new tab, whose sessionStorage (where the console keeps its
        # session) starts empty; the old one is closed.
        d = self.driver
        old = d.current_window_handle
        d.switch_to.new_window("tab")
        new = d.current_window_handle
        d.switch_to.window(old)
        d.close()
        d.switch_to.window(new)
        set_width(d, width)
        d.get(self.server.url + path)
        return self.driver

    def console_login(self, user, password=None):
        return console_login(self.driver, user, password)

    def wait_for(self, css, timeout=WAIT_SECS, visible=True):
        return wait_for(self.driver, css, timeout, visible)

    def wait_gone(self, css, timeout=WAIT_SECS):
        return wait_gone(self.driver, css, timeout)

    def wait_text(self, css, text, timeout=WAIT_SECS):
        return wait_text(self.driver, css, text, timeout)

    def screenshot(self, name, width):
        return screenshot(self.driver, name, width)

    def assert_no_console_errors(self):
        assert_no_console_errors(self.driver, self.expected_errors)
