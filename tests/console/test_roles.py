"""What each role sees, and when a session ends, in a browser:

(a) the auditor reads: no write form or button on the pages it may open,
    no staff page, the audit log; the detector of write forms is shown to
    find the administrator's;
(b) the cashier gets the pointer to the till and reaches 修改密码;
(c) a user disabled while logged in is thrown out at their next click;
(d) a session ended on the server (DELETE /api/v1/sessions/current with
    the browser's own token) returns to the log-in page at the next click;
(e) the policy is really sent and enforced: the headers of /console/ and
    its files, an inline script and an inline style refused by the
    browser, and no refusal logged while the pages are used.
"""

import unittest
import urllib.request

from selenium.webdriver.common.by import By

from harness import ConsoleCase

SESSION_KEY = "cishan.session"
EXPIRED = "登录已过期或账号已停用"
UNAUTH = "the server responded with a status of 401"

# Buttons that only read: a search, a filter, paging, leaving.
READ_WORDS = ("搜索", "查询", "筛选", "查找", "查看", "显示", "加载更多",
              "刷新", "打印", "导出", "退出", "取消", "关闭", "确定")

# Every write form and button in #main: a form whose submit does not read,
# or a button styled to write (primary, danger) that does not read.
WRITES_JS = """
const read = arguments[0];
const reads = (b) => read.some((w) => (b.textContent || '').includes(w));
const out = [];
for (const f of document.querySelectorAll('#main form')) {
  const subs = [...f.querySelectorAll('button:not([type=button]),'
      + 'input[type=submit]')];
  if (subs.some((b) => !reads(b)))
    out.push('form#' + (f.id || '?') + ': ' + subs.map((b) =>
        b.textContent).join('/'));
}
for (const b of document.querySelectorAll(
    '#main button.primary, #main button.danger'))
  if (!reads(b) && !b.closest('form'))
    out.push('button#' + (b.id || '?') + ': ' + b.textContent);
return out;
"""

AUDITOR_PAGES = ("today", "goods", "stock", "households", "distributions",
                 "funds", "notices", "audit")
AUDITOR_PAGES += ("operating",)


class RolesTest(ConsoleCase):

    def go(self, page):
        self.driver.get(self.server.url + "/console/#/" + page)
        self.wait_for('#main[data-page="%s"][data-ready]' % page)

    def writes(self):
        return self.driver.execute_script(WRITES_JS, list(READ_WORDS))

    def menu(self):
        return [a.get_attribute("href").split("#/")[1] for a in
                self.driver.find_elements(By.CSS_SELECTOR, "#nav .links a")]

    def token(self):
        return self.driver.execute_script(
            "return JSON.parse(sessionStorage.getItem(arguments[0])).token;",
            SESSION_KEY)

    def test_a_auditor_reads_only(self):
        # The detector finds the administrator's forms, so it can fail.
        self.open_console(1280)
        self.console_login("admin")
        self.assertIn("staff", self.menu())
        self.go("staff")
        self.assertTrue(self.writes(), "no write form found on #/staff")

        self.open_console(1280)
        self.console_login("auditor")
        menu = self.menu()
        self.assertNotIn("staff", menu)
        self.assertNotIn("receive", menu)
        self.assertNotIn("grants", menu)
        self.assertIn("audit", menu)
        for page in AUDITOR_PAGES:
            self.assertIn(page, menu)
            self.go(page)
            self.assertEqual(self.writes(), [], "#/%s shows the auditor a"
                             " write form" % page)
        # A staff address typed by hand shows another page, no forms.
        self.driver.get(self.server.url + "/console/#/staff")
        self.wait_for("#main[data-ready]")
        self.assertNotEqual(self.driver.find_element(
            By.CSS_SELECTOR, "#main").get_attribute("data-page"), "staff")
        self.assertEqual(self.driver.find_elements(
            By.CSS_SELECTOR, "#staff-new"), [])
        # The audit log is there, with rows.
        self.go("audit")
        self.wait_for("#audit-list tbody tr[data-id]")
        self.screenshot("auditor", 1280)
        self.screenshot("auditor", 768)

    def test_b_cashier_pointer(self):
        self.open_console(1280)
        self.console_login("cashier")
        self.wait_for("#cashier-pointer")
        self.assertEqual(self.menu(), [])
        for w in (1280, 768):
            self.screenshot("cashier", w)
        self.driver.set_window_size(1280, 900)
        self.wait_for("#account-link").click()
        self.wait_for('#main[data-page="account"][data-ready]')
        self.wait_for("#account-form")
        self.assertEqual(self.driver.find_element(
            By.CSS_SELECTOR, "#account-username").text, "cashier")
        # Any other page sends a cashier back to the pointer.
        self.driver.get(self.server.url + "/console/#/goods")
        self.wait_for("#cashier-pointer")

    def test_c_disabled_user_thrown_out(self):
        admin = self.login_api("admin")
        status, u = self.api("POST", "/api/v1/users",
                             {"username": "turned", "role": "cashier",
                              "password": "turned-pass-1",
                              "display_name": "转岗"}, token=admin)
        self.assertEqual(status, 201, u)
        status, _ = self.api("PATCH", "/api/v1/users/%d" % u["id"],
                             {"role": "manager"}, token=admin)
        self.assertEqual(status, 200)
        self.open_console(1280)
        self.console_login("turned", "turned-pass-1")
        self.assertIn("goods", self.menu())
        self.go("goods")
        status, _ = self.api("PATCH", "/api/v1/users/%d" % u["id"],
                             {"disabled": True}, token=admin)
        self.assertEqual(status, 200)
        self.expect_console_error(UNAUTH)
        # Any page that asks the server (公示 always does).
        self.driver.find_element(By.CSS_SELECTOR,
                                 '#nav .links a[href="#/notices"]').click()
        self.wait_text("#login-error", EXPIRED)
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, "#nav"),
                         [])
        self.assertIsNone(self.driver.execute_script(
            "return sessionStorage.getItem(arguments[0]);", SESSION_KEY))
        self.screenshot("expired", 1280)
        # And they cannot log in again.
        self.assertEqual(self.api("POST", "/api/v1/sessions",
                                  {"username": "turned",
                                   "password": "turned-pass-1"})[0], 401)

    def test_d_session_ended(self):
        self.open_console(1280)
        self.console_login("manager")
        self.go("stock")
        status, _ = self.api("DELETE", "/api/v1/sessions/current",
                             token=self.token())
        self.assertEqual(status, 204)
        self.expect_console_error(UNAUTH)
        self.driver.find_element(By.CSS_SELECTOR,
                                 '#nav .links a[href="#/notices"]').click()
        self.wait_text("#login-error", EXPIRED)
        # Logging in again works and lands where the user was going.
        self.console_login("manager")
        self.wait_for('#main[data-page="notices"][data-ready]')

    def test_e_csp(self):
        for path in ("/console/", "/console/app.js", "/console/console.css",
                     "/console/pages/notices.js"):
            with urllib.request.urlopen(self.server.url + path,
                                        timeout=30) as r:
                self.assertEqual(r.status, 200, path)
                csp = r.headers.get("Content-Security-Policy") or ""
                self.assertEqual(r.headers.get("X-Content-Type-Options"),
                                 "nosniff", path)
            directives = dict((d.strip().split(" ", 1) + [""])[:2]
                              for d in csp.split(";") if d.strip())
            self.assertEqual(directives.get("script-src"), "'self'", path)
            self.assertEqual(directives.get("style-src"), "'self'", path)
            self.assertEqual(directives.get("default-src"), "'none'", path)
            self.assertNotIn("unsafe", csp, path)

        # Used page by page as the administrator: nothing refused.
        self.open_console(1280)
        self.console_login("admin")
        for page in self.menu() + ["account"]:
            self.go(page)
        logs = self.driver.get_log("browser")
        self.assertEqual([e["message"] for e in logs
                          if "Content Security Policy" in e["message"] or
                          e["level"] == "SEVERE"], [])

        # The browser enforces it: an inline script does not run, an
        # inline style does not apply, and each refusal is logged.
        self.expect_console_error("Content Security Policy")
        ran = self.driver.execute_script("""
            const s = document.createElement('script');
            s.textContent = 'window.cspRan = 1;';
            document.head.append(s);
            const d = document.createElement('div');
            d.setAttribute('style', 'width: 123px');
            d.id = 'csp-probe';
            document.body.append(d);
            return [window.cspRan === 1,
                    getComputedStyle(d).width === '123px'];""")
        self.assertEqual(ran, [False, False])
        self.assertTrue(any("Content Security Policy" in e["message"]
                            for e in self.driver.get_log("browser")))


if __name__ == "__main__":
    unittest.main()
