"""The console's shell in a browser: the log-in page, a refused log-in,
a manager's log-in and log-out; screenshots at 1280 and 768 px."""

import unittest

from selenium.webdriver.common.by import By

from harness import ConsoleCase

SESSION_KEY = "cishan.session"  # where console/lib/api.js keeps it


class ShellTest(ConsoleCase):

    def test_login_page_loads(self):
        self.open_console(1280)
        self.wait_for("#login-user")
        self.wait_for("#login-password")
        self.wait_for("#login-submit")
        self.assertEqual(
            self.driver.find_elements(By.CSS_SELECTOR, "#nav"), [])
        self.assertIn("登录", self.driver.title)
        # The page runs under the server's policy: no inline script or
        # style was needed to draw it (the console stays silent).
        self.assert_no_console_errors()
        for w in (1280, 768):
            self.screenshot("login", w)

    def test_wrong_password(self):
        self.open_console(1280)
        self.expect_console_error(
            "/api/v1/sessions - Failed to load resource: the server "
            "responded with a status of 401")
        self.wait_for("#login-user").send_keys("manager")
        self.driver.find_element(By.CSS_SELECTOR, "#login-password") \
            .send_keys("not-the-password")
        self.driver.find_element(By.CSS_SELECTOR, "#login-submit").click()
        self.wait_text("#login-error", "用户名或密码错误")
        self.assertEqual(
            self.driver.find_elements(By.CSS_SELECTOR, "#nav"), [])
        self.assertIsNone(self.driver.execute_script(
            "return sessionStorage.getItem(arguments[0]);", SESSION_KEY))

    def test_manager_logs_in(self):
        status, who = self.api("POST", "/api/v1/sessions",
                               {"username": "manager",
                                "password": "manager-demo"})
        self.assertEqual(status, 201)
        self.open_console(1280)
        nav = self.console_login("manager")
        self.wait_text("#who", who["display_name"])
        self.assertIn("今日", nav.text)
        # Staff accounts are the admin's page alone.
        self.assertNotIn("员工", nav.text)
        self.wait_for("#main[data-ready]")
        for w in (1280, 768):
            self.screenshot("manager", w)

    def test_logout(self):
        self.open_console(1280)
        self.console_login("manager")
        token = self.driver.execute_script(
            "return JSON.parse(sessionStorage.getItem(arguments[0])).token;",
            SESSION_KEY)
        self.assertEqual(self.api("GET", "/api/v1/stock?limit=1",
                                  token=token)[0], 200)
        self.driver.find_element(By.CSS_SELECTOR, "#logout").click()
        self.wait_for("#login-user")
        self.wait_gone("#nav")
        self.assertIsNone(self.driver.execute_script(
            "return sessionStorage.getItem(arguments[0]);", SESSION_KEY))
        # The server ended the session too.
        self.assertEqual(self.api("GET", "/api/v1/stock?limit=1",
                                  token=token)[0], 401)


if __name__ == "__main__":
    unittest.main()
