"""修改密码 in a browser: a cashier (whose menu is only the pointer to
the till) reaches the page and changes their password, which then logs in
through the API while the old one does not; a mistyped confirmation is
caught by the page, a wrong current password by the server, and neither
changes anything; screenshots at 1280 and 768 px."""

import unittest

from selenium.webdriver.common.by import By

from harness import ConsoleCase


class AccountTest(ConsoleCase):

    def make_user(self, name, password, role="cashier"):
        status, j = self.api("POST", "/api/v1/users",
                             {"username": name, "password": password,
                              "role": role, "display_name": name},
                             token=self.login_api("admin"))
        self.assertEqual(status, 201, j)

    def login_status(self, user, password):
        return self.api("POST", "/api/v1/sessions",
                        {"username": user, "password": password})[0]

    def open_account(self, user, password):
        self.open_console(1280)
        self.console_login(user, password)
        self.wait_for("#account-link").click()
        self.wait_for("#main[data-ready]")
        return self.wait_for("#account-form")

    def fill(self, current, new, again):
        for css, text in (("#account-current", current),
                          ("#account-new", new),
                          ("#account-confirm", again)):
            e = self.driver.find_element(By.CSS_SELECTOR, css)
            e.clear()
            e.send_keys(text)
        self.driver.find_element(By.CSS_SELECTOR, "#account-save").click()

    def test_change_own_password(self):
        self.make_user("till7", "till-seven-1")
        self.open_account("till7", "till-seven-1")
        self.assertEqual(self.driver.find_element(
            By.CSS_SELECTOR, "#account-username").text, "till7")
        for w in (1280, 768):
            self.screenshot("account", w)
        self.driver.set_window_size(1280, 900)
        other = self.login_api("till7", "till-seven-1")  # the till, say
        self.fill("till-seven-1", "till-seven-2", "till-seven-2")
        self.wait_text("#account-done", "密码已修改")
        self.assertEqual(self.api("GET", "/api/v1/items?limit=1",
                                  token=other)[0], 401)
        self.assertEqual(self.login_status("till7", "till-seven-2"), 201)
        self.assertEqual(self.login_status("till7", "till-seven-1"), 401)
        # The page's own session stays (the server ended the others).
        token = self.driver.execute_script(
            "return JSON.parse(sessionStorage.getItem('cishan.session'))"
            ".token;")
        self.assertEqual(self.api("GET", "/api/v1/items?limit=1",
                                  token=token)[0], 200)
        self.assertEqual(self.driver.find_elements(
            By.CSS_SELECTOR, "#login-user"), [])

    def test_confirmation_mismatch(self):
        self.make_user("till8", "till-eight-1")
        self.open_account("till8", "till-eight-1")
        self.fill("till-eight-1", "till-eight-2", "till-eight-3")
        self.wait_text("#account-form .form-error", "两次输入的新密码不一致")
        self.assertEqual(self.login_status("till8", "till-eight-1"), 201)

    def test_wrong_current_password(self):
        self.make_user("till9", "till-nine-1", "auditor")
        self.open_account("till9", "till-nine-1")
        self.expect_console_error(
            "the server responded with a status of 422")
        self.fill("not-my-password", "till-nine-2", "till-nine-2")
        self.wait_text("#account-form .form-error", "当前密码不正确")
        self.assertFalse(self.driver.find_element(
            By.CSS_SELECTOR, "#account-done").is_displayed())
        self.screenshot("account-wrong", 1280)
        # Still logged in, and the old password is still the one.
        self.assertEqual(self.driver.find_elements(
            By.CSS_SELECTOR, "#login-user"), [])
        self.assertEqual(self.login_status("till9", "till-nine-1"), 201)


if __name__ == "__main__":
    unittest.main()
