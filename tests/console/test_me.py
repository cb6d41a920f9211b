"""/me in a browser at 390 px (a phone): a household, its PIN set by the
manager, sees its own balance, limits and last distributions; a wrong
PIN says so; repeated wrong PINs are throttled (429) and the page says
when to come back. Not indexable. The tests run in order (the throttle
is per address, and the browser's address is the same throughout).
"""

import re
import time
import unittest

from selenium.webdriver.common.by import By

import harness
from harness import ConsoleCase

PHONE = 390
PIN = "2468"


class MeTest(ConsoleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        tok = harness.login_api(cls.server, "manager")
        status, j = harness.api(cls.server, "GET",
                                "/api/v1/households?limit=1", token=tok)
        if status != 200:
            raise AssertionError("households: %d %s" % (status, j))
        cls.hh = j["items"][0]
        status, j = harness.api(
            cls.server, "PUT", "/api/v1/households/%d/pin" % cls.hh["id"],
            {"pin": PIN}, token=tok)
        if status != 200:
            raise AssertionError("pin: %d %s" % (status, j))

    def ask(self, card, pin):
        self.open_console(PHONE, "/me")
        self.wait_for("html[data-ready]", visible=False)
        self.wait_for("#me-card").send_keys(card)
        self.driver.find_element(By.CSS_SELECTOR, "#me-pin").send_keys(pin)
        self.driver.find_element(By.CSS_SELECTOR, "#me-go").click()

    def assert_fits(self):
        over = self.driver.execute_script(
            "return document.documentElement.scrollWidth - "
            "document.documentElement.clientWidth")
        self.assertLessEqual(over, 0, "the page scrolls sideways")

    def test_1_right_pin(self):
        self.ask(self.hh["card_code"], PIN)
        self.wait_for("#me-result")
        status, b = self.api("POST", "/public/balance",
                             {"card_code": self.hh["card_code"], "pin": PIN})
        self.assertEqual(status, 200, b)
        self.assertEqual(
            self.driver.find_element(By.CSS_SELECTOR, "#me-points").text,
            "%d 分" % b["points"])
        rows = self.driver.find_elements(By.CSS_SELECTOR, "#me-limits tr")
        self.assertEqual(len(rows), max(len(b["limits"]), 1))
        if b["limits"]:
            cells = [c.text for c in rows[0].find_elements(By.TAG_NAME, "td")]
            lim = b["limits"][0]
            self.assertEqual(cells, [lim["item"], str(lim["monthly_limit"]),
                                     str(lim["taken"]), str(lim["left"])])
        self.assertEqual(
            len(self.driver.find_elements(By.CSS_SELECTOR, "#me-recent li")),
            max(len(b["recent"]), 1))
        # Nothing that says who the household is.
        body = self.driver.find_element(By.TAG_NAME, "body").text
        self.assertNotIn(self.hh["name_masked"], body)
        self.assertEqual(self.driver.find_element(
            By.CSS_SELECTOR, "#me-pin").get_attribute("value"), "")
        robots = self.driver.find_element(
            By.CSS_SELECTOR, 'meta[name="robots"]').get_attribute("content")
        self.assertIn("noindex", robots)
        self.assert_fits()
        self.screenshot("me", PHONE)

    def test_2_wrong_pin(self):
        self.expect_console_error("401")
        self.ask(self.hh["card_code"], "0000")
        self.wait_text("#me-msg", "卡号或密码不对")
        self.assertFalse(self.driver.find_element(
            By.CSS_SELECTOR, "#me-result").is_displayed())
        self.assert_fits()

    def test_3_throttle(self):
        self.expect_console_error("401")
        self.expect_console_error("429")
        for _ in range(8):
            self.ask(self.hh["card_code"], "1357")
            self.wait_for("#me-msg")
            msg = self.driver.find_element(By.CSS_SELECTOR, "#me-msg")
            self.wait_text("#me-msg", "。")
            if "输错次数太多" in msg.text:
                break
        self.assertIn("输错次数太多", msg.text)
        self.assertRegex(msg.text, r"请 \d+ 秒后再试")
        self.screenshot("me-throttled", PHONE)
        # The right PIN too is refused while the card is closed. What is
        # left of the page's closure may lapse before a request: once it
        # has, a wrong PIN closes the card anew (for seconds), and the
        # right one is asked at once.
        card = self.hh["card_code"]
        for _ in range(5):
            status, j = self.api("POST", "/public/balance",
                                 {"card_code": card, "pin": "1357"})
            if status != 429:
                break
            wait = re.search(r"try again in (\d+) s", j["error"]["message"])
            time.sleep(int(wait.group(1)) if wait else 1)
        self.assertEqual(status, 401, j)
        status, j = self.api("POST", "/public/balance",
                             {"card_code": card, "pin": PIN})
        self.assertEqual(status, 429, j)
        self.assertEqual(j["error"]["code"], "throttled")


if __name__ == "__main__":
    unittest.main()
