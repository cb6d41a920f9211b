"""The public pages in a browser at 390 px (a phone): this month's page
and its figures against the JSON, the month list, a donation's trace
looked up from the form (a code typed in lower case with spaces) and an
unknown one, a stored name that is markup shown as text; no horizontal
scroll anywhere; screenshots kept.
"""

import datetime
import unittest

from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.by import By

from harness import ConsoleCase

XSS = "<img src=x onerror=alert(1)>"
PHONE = 390


def yuan(fen):
    s = "%03d" % abs(fen)
    return ("-" if fen < 0 else "") + "¥" + \
        "{:,}".format(int(s[:-2])) + "." + s[-2:]


class PublicTest(ConsoleCase):

    def open(self, path):
        self.open_console(PHONE, path)
        return self.driver

    def assert_fits(self):
        d = self.driver
        over = d.execute_script(
            "return document.documentElement.scrollWidth - "
            "document.documentElement.clientWidth")
        self.assertLessEqual(over, 0, "the page scrolls sideways by %d px"
                             % over)

    def text(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css).text

    def test_month_page(self):
        status, lst = self.api("GET", "/public/notices")
        self.assertEqual(status, 200)
        now = lst["items"][0]["period"]
        status, n = self.api("GET", "/public/notices/" + now)
        self.assertEqual(status, 200)
        self.open("/notices/" + now)
        self.wait_for("#chart")
        s, u = n["sources"], n["uses"]
        self.assertEqual(self.text("#in"),
                         yuan(s["cash_total_fen"] + s["in_kind_total_fen"]))
        self.assertEqual(self.text("#out"),
                         yuan(u["goods_distributed_total_fen"]))
        hh = n["households_served"]["households"]
        self.assertEqual(self.text("#households"), str(hh))
        p = n["points"]
        self.assertEqual(self.text("#points-granted"),
                         "%d 分" % p["granted"])
        self.assertEqual(self.text("#points-redeemed"),
                         "%d 分" % p["redeemed"])
        self.assertEqual(self.text("#points-expired"),
                         "%d 分" % p["expired"])
        self.assertEqual(self.text("#closing"),
                         yuan(n["closing_stock_value_fen"]))
        self.assertEqual(self.text("#ledger-head"), n["ledger_head"])
        self.assertIn("截至 " + n["as_of"], self.text("#status"))
        # The chart's table row of this month says the same.
        row = self.driver.find_element(
            By.CSS_SELECTOR, '#months tr[data-period="%s"]' % now)
        cells = [c.text for c in row.find_elements(By.TAG_NAME, "td")]
        self.assertEqual(cells[1], self.text("#in"))
        # Two panels of 12 bars, the amounts written on the chart.
        svg = self.driver.find_element(By.CSS_SELECTOR, "svg.chart")
        self.assertEqual(len(svg.find_elements(By.CSS_SELECTOR, "rect.in")),
                         12)
        self.assertEqual(len(svg.find_elements(By.CSS_SELECTOR,
                                               "rect.out")), 12)
        self.assertIn(self.text("#in"), svg.text)
        self.assert_fits()
        self.screenshot("public-month", PHONE)

    def test_month_list(self):
        self.open("/notices")
        first = self.wait_for("#months li a")
        period = first.get_attribute("href").rsplit("/", 1)[1]
        first.click()
        self.wait_for("#chart")
        self.assertTrue(self.driver.current_url.endswith(
            "/notices/" + period))
        self.assert_fits()

    def test_trace_from_the_form(self):
        tok = self.login_api("manager")
        status, j = self.api("GET", "/api/v1/donations?limit=1", token=tok)
        self.assertEqual(status, 200)
        code = j["items"][0]["receipt_code"]
        self.open("/")
        box = self.wait_for("#code")
        box.send_keys("  " + code.lower() + " ")
        self.driver.find_element(By.CSS_SELECTOR, "#trace button").click()
        self.wait_text("#receipt", code)
        self.assertTrue(self.driver.current_url.endswith(
            "/donations/" + code), self.driver.current_url)
        self.assert_fits()
        self.screenshot("public-trace", PHONE)

    def test_trace_unknown(self):
        self.expect_console_error("404")
        self.open("/")
        self.wait_for("#code").send_keys("JZ20200101-NOSUCH")
        self.driver.find_element(By.CSS_SELECTOR, "#trace button").click()
        self.wait_text("#message", "请核对收据上的编号")
        self.assertIn("没有找到这张收据", self.text("h1"))
        self.assert_fits()

    def test_markup_as_text(self):
        tok = self.login_api("manager")
        status, f = self.api("POST", "/api/v1/funds",
                             {"name": XSS, "kind": "donations",
                              "restricted": False}, token=tok)
        self.assertEqual(status, 201, f)
        status, d = self.api("GET", "/api/v1/donors?limit=1", token=tok)
        self.assertEqual(status, 200)
        today = (datetime.datetime.now(datetime.timezone.utc) +
                 datetime.timedelta(hours=8)).strftime("%Y-%m-%d")
        status, g = self.api("POST", "/api/v1/donations", {
            "client_id": "public-xss-1", "donor_id": d["items"][0]["id"],
            "received_on": today,
            "cash": {"amount_fen": 1234, "fund_id": f["id"]}}, token=tok)
        self.assertEqual(status, 201, g)
        self.open("/donations/" + g["receipt_code"])
        self.wait_text("#fund", XSS)
        self.assertEqual(self.text("#fund"), XSS)
        self.assertEqual(self.driver.find_elements(By.TAG_NAME, "img"), [])
        with self.assertRaises(NoAlertPresentException):
            self.driver.switch_to.alert.text
        self.assert_fits()


if __name__ == "__main__":
    unittest.main()
