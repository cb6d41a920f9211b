"""审计日志 in a browser: the auditor filters by action, by user and by
day, and pages with 加载更多; each view is compared row for row with
GET /api/v1/audit given the same filters; 查卡记录 shows a cashier's card
look-ups as GET /api/v1/audit/card-lookups counts them; screenshots at 1280 and 768
px."""

import unittest
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from harness import ConsoleCase, login_api

LOGINS = 60  # more than one page (50) of log-ins


class AuditTest(ConsoleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for _ in range(LOGINS):
            login_api(cls.server, "manager")
        # One session for the API's side: a log-in of its own at each
        # comparison would add a row the page has not seen.
        cls.token = login_api(cls.server, "auditor")

    def audit(self, **q):
        """Every row of the API's answer to these filters, newest first."""
        tok = self.token
        out, cursor = [], None
        while True:
            p = dict((k, v) for k, v in q.items() if v)
            p["limit"] = 500
            if cursor:
                p["cursor"] = cursor
            status, j = self.api("GET", "/api/v1/audit?" +
                                 urllib.parse.urlencode(p), token=tok)
            self.assertEqual(status, 200, j)
            out += j["items"]
            cursor = j["next"]
            if not cursor:
                return out

    def rows(self):
        return [(int(r.get_attribute("data-id")),
                 r.get_attribute("data-action"), r.get_attribute("data-user"))
                for r in self.driver.find_elements(
                    By.CSS_SELECTOR, "#audit-list tbody tr[data-id]")]

    def shown_filters(self):
        """from and to as the page uses them (its own address)."""
        q = urllib.parse.parse_qs(
            self.driver.execute_script("return location.hash;")
            .split("?", 1)[-1], keep_blank_values=True)
        return {k: v[0] for k, v in q.items()}

    def open_audit(self, user="auditor", hash_="#/audit"):
        self.open_console(1280)
        self.console_login(user)
        self.driver.get(self.server.url + "/console/" + hash_)
        self.wait_for("#main[data-ready]")
        return self.wait_for("#audit-filter")

    def apply(self):
        before = self.driver.execute_script("return location.hash;")
        self.driver.find_element(By.CSS_SELECTOR, "#audit-apply").click()
        WebDriverWait(self.driver, 15).until(
            lambda d: d.execute_script("return location.hash;") != before)
        self.wait_for("#main[data-ready]")
        return self.wait_for("#audit-list")

    def test_filter_by_action(self):
        self.open_audit()
        for w in (1280, 768):
            self.screenshot("audit", w)
        self.driver.set_window_size(1280, 900)
        Select(self.driver.find_element(By.CSS_SELECTOR, "#audit-action")
               ).select_by_value("create")
        self.apply()
        got = self.rows()
        self.assertTrue(got, "no create rows in the demo store's log")
        self.assertEqual({a for _, a, _ in got}, {"create"})
        f = self.shown_filters()
        self.assertEqual(f.get("action"), "create")
        want = self.audit(action="create", **{k: f.get(k) for k in
                                              ("from", "to")})
        self.assertEqual([i for i, _, _ in got],
                         [a["id"] for a in want][:50])
        # The API's filter is no no-op: other actions exist in those days.
        self.assertTrue(any(a["action"] != "create" for a in
                            self.audit(**{k: f.get(k) for k in
                                          ("from", "to")})))

    def test_more_pages(self):
        self.open_audit(hash_="#/audit?action=login")
        self.wait_for("#audit-list tbody tr[data-id]")
        f = self.shown_filters()
        want = [a["id"] for a in self.audit(action="login",
                                            **{k: f.get(k) for k in
                                               ("from", "to")})]
        self.assertGreater(len(want), 50)
        self.assertEqual([i for i, _, _ in self.rows()], want[:50])
        more = self.wait_for("#audit-list button.more")
        self.assertEqual(more.text, "加载更多")
        while more.is_displayed():
            n = len(self.rows())
            more.click()
            WebDriverWait(self.driver, 15).until(
                lambda d: len(self.rows()) > n or not more.is_displayed())
        self.assertEqual([i for i, _, _ in self.rows()], want)
        self.assertEqual({a for _, a, _ in self.rows()}, {"login"})

    def test_filter_by_user(self):
        status, me = self.api("POST", "/api/v1/sessions",
                              {"username": "manager",
                               "password": "manager-demo"})
        self.assertEqual(status, 201)
        self.open_audit()
        Select(self.driver.find_element(By.CSS_SELECTOR, "#audit-user")
               ).select_by_visible_text("manager")
        self.apply()
        got = self.rows()
        self.assertTrue(got)
        self.assertEqual({u for _, _, u in got}, {str(me["user_id"])})
        f = self.shown_filters()
        want = self.audit(user_id=str(me["user_id"]),
                          **{k: f.get(k) for k in ("from", "to")})
        self.assertEqual([i for i, _, _ in got],
                         [a["id"] for a in want][:50])
        # A click on an action in the list narrows it further.
        link = self.driver.find_element(
            By.CSS_SELECTOR, "#audit-list tbody tr[data-id] td:nth-child(4) a")
        action = link.find_element(By.XPATH, "./ancestor::tr") \
            .get_attribute("data-action")
        link.click()
        WebDriverWait(self.driver, 15).until(
            lambda d: "action=" in d.execute_script("return location.hash;"))
        self.wait_for("#main[data-ready]")
        got = self.rows()
        self.assertTrue(got)
        self.assertEqual({(a, u) for _, a, u in got},
                         {(action, str(me["user_id"]))})

    def test_filter_by_day(self):
        # A day before the store existed: nothing; today: the log-ins.
        self.open_audit()
        day = "2020-01-02"
        self.driver.execute_script(
            "document.querySelector('#audit-from').value = arguments[0];"
            "document.querySelector('#audit-to').value = arguments[0];", day)
        self.apply()
        f = self.shown_filters()
        self.assertEqual((f.get("from"), f.get("to")), (day, day))
        self.assertEqual(self.rows(), [])
        self.assertEqual(self.audit(**{"from": day, "to": day}), [])
        self.wait_text("#audit-list", "没有符合条件的记录")
        # Today, store time: the day of the newest row (a log-in just now).
        day = self.audit()[0]["at"][:10]
        want = self.audit(**{"from": day, "to": day})
        self.assertTrue(want)
        self.driver.get(self.server.url + "/console/#/audit?from=%s&to=%s"
                        % (day, day))
        self.wait_for("#main[data-ready]")
        self.assertEqual([i for i, _, _ in self.rows()],
                         [a["id"] for a in want][:50])

    def test_card_lookups(self):
        tok = login_api(self.server, "cashier")
        for card in ("HH0001", "HH0002", "HH0001", "NOSUCH9"):
            self.assertIn(self.api("GET", "/api/v1/households/by-card/" +
                                   card, token=tok)[0], (200, 404))
        self.open_audit(hash_="#/audit?from=&to=")  # all days
        status, j = self.api("GET", "/api/v1/audit/card-lookups",
                             token=self.token)
        self.assertEqual(status, 200, j)
        want = [c for c in j["items"] if c["username"] == "cashier"][0]
        self.assertEqual((want["lookups"], want["cards"], want["found"]),
                         (4, 3, 3))
        row = self.wait_for('#audit-card-lookups tr[data-username="cashier"]')
        cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
        self.assertEqual(cells[:5], ["cashier", "收银员", "4", "3", "3"])
        self.assertEqual(len(self.driver.find_elements(
            By.CSS_SELECTOR, "#audit-card-lookups tbody tr[data-username]")),
            len(j["items"]))

    def test_admin_sees_it_manager_does_not(self):
        self.open_audit(user="admin")
        self.assertIn("审计日志", self.driver.find_element(
            By.CSS_SELECTOR, "#nav").text)
        users = [o.text for o in Select(self.driver.find_element(
            By.CSS_SELECTOR, "#audit-user")).options]
        self.assertIn("cashier", users)  # the admin lists every user
        self.open_console(1280)
        nav = self.console_login("manager")
        self.assertNotIn("审计日志", nav.text)


if __name__ == "__main__":
    unittest.main()
