"""员工 in a browser, as the administrator: a user created, given another
role, disabled (their log-in then refused), enabled, given a new password
(which then logs in), each checked through the API; a user's sessions
listed and ended (their token then refused); the last
administrator's demotion and disabling refused with the reason shown;
screenshots at 1280 and 768 px."""

import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from harness import ConsoleCase

REFUSED_422 = "the server responded with a status of 422"


class StaffTest(ConsoleCase):

    def users(self):
        status, j = self.api("GET", "/api/v1/users?limit=500",
                             token=self.login_api("admin"))
        self.assertEqual(status, 200)
        return {u["username"]: u for u in j["items"]}

    def login_status(self, user, password):
        return self.api("POST", "/api/v1/sessions",
                        {"username": user, "password": password})[0]

    def open_staff(self, hash_="#/staff"):
        self.open_console(1280)
        self.console_login("admin")
        self.driver.get(self.server.url + "/console/" + hash_)
        self.wait_for("#main[data-ready]")
        return self.wait_for("#staff-new")

    def type(self, css, text):
        e = self.wait_for(css)
        e.clear()
        e.send_keys(text)
        return e

    def confirm(self):
        self.wait_for("#confirm-ok").click()
        self.wait_gone("dialog.confirm")

    def test_user_life(self):
        self.open_staff()
        self.assertIn("admin", self.wait_for("#main table").text)
        self.type("#staff-new-username", "clerk1")
        self.type("#staff-new-name", "赵 <b>店员</b>")
        Select(self.driver.find_element(By.CSS_SELECTOR, "#staff-new-role")
               ).select_by_value("cashier")
        self.type("#staff-new-password", "first-pass-1")
        self.type("#staff-new-again", "first-pass-1")
        self.driver.find_element(By.CSS_SELECTOR, "#staff-create").click()
        self.wait_text("#staff-selected", "clerk1")
        self.wait_text("#flash", "已添加员工 clerk1")
        u = self.users()["clerk1"]
        self.assertEqual(u["role"], "cashier")
        self.assertEqual(u["display_name"], "赵 <b>店员</b>")
        self.assertFalse(u["disabled"])
        # The name is text, not markup.
        self.assertIn("赵 <b>店员</b>", self.driver.find_element(
            By.CSS_SELECTOR, "#staff-row-%d" % u["id"]).text)
        self.assertEqual(self.login_status("clerk1", "first-pass-1"), 201)
        for w in (1280, 768):
            self.screenshot("staff", w)
        self.driver.set_window_size(1280, 900)

        # Another role and display name.
        Select(self.driver.find_element(By.CSS_SELECTOR, "#staff-edit-role")
               ).select_by_value("manager")
        self.type("#staff-edit-name", "赵店员")
        self.driver.find_element(By.CSS_SELECTOR, "#staff-save").click()
        self.confirm()
        self.wait_text("#flash", "已保存 clerk1")
        u = self.users()["clerk1"]
        self.assertEqual(u["role"], "manager")
        self.assertEqual(u["display_name"], "赵店员")

        # Disabled: the log-in is refused.
        tok = self.login_api("clerk1", "first-pass-1")
        self.driver.find_element(By.CSS_SELECTOR, "#staff-disable").click()
        self.confirm()
        self.wait_for("#staff-enable")
        self.assertIn("已停用", self.wait_for(
            "#staff-row-%d" % u["id"]).text)
        self.assertTrue(self.users()["clerk1"]["disabled"])
        self.assertEqual(self.login_status("clerk1", "first-pass-1"), 401)
        # ... and the session they had is over.
        self.assertEqual(self.api("GET", "/api/v1/stock?limit=1",
                                  token=tok)[0], 401)

        # Enabled: the same password logs in again.
        self.driver.find_element(By.CSS_SELECTOR, "#staff-enable").click()
        self.wait_for("#staff-disable")
        self.assertFalse(self.users()["clerk1"]["disabled"])
        self.assertEqual(self.login_status("clerk1", "first-pass-1"), 201)

        # A new password: it logs in, the old one no longer does.
        self.type("#staff-password", "second-pass-2")
        self.type("#staff-password-again", "second-pass-2")
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#staff-password-save").click()
        self.confirm()
        self.wait_text("#flash", "已为 clerk1 设置新密码")
        self.assertEqual(self.login_status("clerk1", "second-pass-2"), 201)
        self.assertEqual(self.login_status("clerk1", "first-pass-1"), 401)
        self.assertEqual(self.login_status("clerk1", "second-pass-2"), 201)

    def test_passwords_must_match(self):
        self.open_staff()
        self.type("#staff-new-username", "clerk2")
        self.type("#staff-new-password", "some-pass-1")
        self.type("#staff-new-again", "some-pass-2")
        self.driver.find_element(By.CSS_SELECTOR, "#staff-create").click()
        self.wait_text("#staff-new .form-error", "两次输入的密码不一致")
        self.assertNotIn("clerk2", self.users())

    def test_last_admin(self):
        users = self.users()
        admin = users["admin"]
        self.assertEqual(
            [n for n, u in users.items()
             if u["role"] == "admin" and not u["disabled"]], ["admin"],
            "the demo store should have one administrator")
        self.open_staff("#/staff?user=%d" % admin["id"])
        self.wait_text("#staff-selected", "admin")
        self.expect_console_error(REFUSED_422)
        # Demoted: refused, said in words.
        Select(self.driver.find_element(By.CSS_SELECTOR, "#staff-edit-role")
               ).select_by_value("manager")
        self.driver.find_element(By.CSS_SELECTOR, "#staff-save").click()
        self.confirm()
        self.wait_text("#staff-edit .form-error", "最后一位在用的管理员")
        self.screenshot("staff-last-admin", 1280)
        # Disabled: refused too.
        self.driver.find_element(By.CSS_SELECTOR, "#staff-disable").click()
        self.confirm()
        self.wait_text("#staff-toggle .form-error", "最后一位在用的管理员")
        u = self.users()["admin"]
        self.assertEqual(u["role"], "admin")
        self.assertFalse(u["disabled"])
        # Still logged in: the page goes on working.
        self.driver.get(self.server.url + "/console/#/staff")
        self.wait_for("#staff-new")

    def test_end_sessions(self):
        token = self.login_api("cashier")
        other = self.login_api("cashier")
        self.assertEqual(self.api("GET", "/api/v1/items", token=token)[0], 200)
        cid = self.users()["cashier"]["id"]
        self.open_staff("#/staff?user=%d" % cid)
        box = self.wait_for("#staff-sessions")
        self.assertGreaterEqual(
            len(box.find_elements(By.CSS_SELECTOR, "tr.session")), 2)
        # Never the token itself, only the server's hash of it.
        self.assertNotIn(token, self.driver.page_source)
        self.assertNotIn(other, self.driver.page_source)
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#staff-sessions-end-all").click()
        self.confirm()
        self.wait_text("#flash", "已结束 cashier 的全部会话")
        self.wait_text("#staff-sessions", "没有在用的会话")
        for t in (token, other):
            self.assertEqual(self.api("GET", "/api/v1/items", token=t)[0], 401)
        status, j = self.api("GET", "/api/v1/users/%d/sessions" % cid,
                             token=self.login_api("admin"))
        self.assertEqual((status, j["items"]), (200, []))

    def test_manager_has_no_staff_page(self):
        self.open_console(1280)
        nav = self.console_login("manager")
        self.assertNotIn("员工", nav.text)
        self.driver.get(self.server.url + "/console/#/staff")
        self.wait_for("#main[data-ready]")
        self.assertNotEqual(self.driver.find_element(
            By.CSS_SELECTOR, "#main").get_attribute("data-page"), "staff")
        self.assertEqual(
            self.driver.find_elements(By.CSS_SELECTOR, "#staff-new"), [])
        # The server refuses it whatever the page shows.
        self.assertEqual(self.api("GET", "/api/v1/users",
                                  token=self.login_api("manager"))[0], 403)


if __name__ == "__main__":
    unittest.main()
