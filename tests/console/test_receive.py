"""接收捐赠 in a browser: barcodes typed into the scan field and Enter (as
a USB scanner does), an unknown barcode made into an item on the spot, one
donation posted however often submit is pressed or retried, a cash gift
into a fund, the receipt printed. Checked through the API."""

import time
import unittest

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from harness import ConsoleCase, WAIT_SECS


def ean13(twelve):
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(twelve))
    return twelve + str((10 - s % 10) % 10)


RICE = ean13("690123456701")  # the demo's 金龙鱼大米 5kg
SALT = ean13("690123456706")  # the demo's 加碘精制盐 400g
DONOR = "王先生（个人）"  # a demo donor as the select shows it


class ReceiveTest(ConsoleCase):

    def setUp(self):
        super().setUp()
        self.token = self.login_api("manager")

    def goto(self, page):
        self.driver.execute_script("location.hash = arguments[0];",
                                   "#/" + page)
        return self.wait_for('#main[data-page="%s"][data-ready]' % page)

    def get(self, path):
        st, j = self.api("GET", path, token=self.token)
        self.assertEqual(st, 200, (path, j))
        return j

    def donations(self):
        """Every donation, newest first, through the list."""
        out, cursor = [], None
        while True:
            j = self.get("/api/v1/donations?limit=500" +
                         ("&cursor=" + cursor if cursor else ""))
            out += j["items"]
            cursor = j["next"]
            if not cursor:
                return out

    def wait_value(self, css, value):
        try:
            WebDriverWait(self.driver, WAIT_SECS).until(
                lambda d: d.find_element(By.CSS_SELECTOR, css)
                .get_attribute("value") == value)
        except Exception:
            els = self.driver.find_elements(By.CSS_SELECTOR, css)
            raise AssertionError("%s is not %r: %r" % (
                css, value, els[0].get_attribute("value") if els else None))

    def wait_rows(self, n):
        WebDriverWait(self.driver, WAIT_SECS).until(
            lambda d: len(d.find_elements(
                By.CSS_SELECTOR, "#receive-lines tr[data-item]")) == n)

    def active_id(self):
        return self.driver.switch_to.active_element.get_attribute("id")

    def start(self):
        self.open_console(1280)
        self.console_login("manager")
        self.goto("receive")
        Select(self.wait_for("#receive-donor")).select_by_visible_text(DONOR)
        return self.wait_for("#receive-scan")

    def test_scan_unknown_item_and_submit_once(self):
        rice = self.get("/api/v1/items/by-barcode/" + RICE)
        before = self.donations()
        scan = self.start()
        scan.click()
        scan.send_keys(RICE + Keys.ENTER)
        scan.send_keys(RICE + Keys.ENTER)
        self.wait_value("#receive-qty-%d" % rice["id"], "2")
        self.wait_rows(1)
        self.assertEqual(scan.get_attribute("value"), "")
        self.assertEqual(self.active_id(), "receive-scan")

        # An unknown barcode: the item is made on the spot.
        code = ean13("694%09d" % (int(time.time() * 1000) % 10**9))
        self.expect_console_error("/api/v1/items/by-barcode/" + code)
        scan.send_keys(code + Keys.ENTER)
        self.wait_text("#receive-new-code", code)
        name = "测试毛巾 " + code
        for css, text in (("#receive-new-name", name),
                          ("#receive-new-category", "日用品"),
                          ("#receive-new-unit", "条"),
                          ("#receive-new-value", "8.80"),
                          ("#receive-new-points", "6")):
            self.wait_for(css).send_keys(text)
        self.driver.find_element(By.CSS_SELECTOR, "#receive-new-save").click()
        self.wait_rows(2)
        self.assertEqual(self.active_id(), "receive-scan")
        made = self.get("/api/v1/items/by-barcode/" + code)
        self.assertEqual((made["name"], made["unit_value_fen"],
                          made["points"]), (name, 880, 6))
        # The new item scanned again: its line goes to 2, no new form.
        scan.send_keys(code + Keys.ENTER)
        self.wait_value("#receive-qty-%d" % made["id"], "2")
        self.assertEqual(self.driver.find_elements(
            By.CSS_SELECTOR, "#receive-new-item"), [])

        for w in (1280, 768):
            self.screenshot("receive-lines", w)
        # A double click posts once.
        ActionChains(self.driver).double_click(self.driver.find_element(
            By.CSS_SELECTOR, "#receive-submit")).perform()
        shown = self.wait_for("#receive-receipt-code").text
        time.sleep(0.5)  # a second post, were there one, would be in by now
        after = self.donations()
        self.assertEqual(len(after), len(before) + 1)
        d = self.get("/api/v1/donations/%d" % after[0]["id"])
        self.assertEqual(d["receipt_code"], shown)
        self.assertEqual(sorted((x["item_id"], x["quantity"])
                                for x in d["lines"]),
                         sorted([(rice["id"], 2), (made["id"], 2)]))
        self.assertEqual(self.wait_for("#receive-receipt-total").text,
                         "¥%s" % format((2 * rice["unit_value_fen"] + 1760)
                                        / 100, ",.2f"))
        # The lines are cleared for the next donor; the list shows it.
        self.wait_rows(0)
        self.wait_text("#receive-recent", shown)

        # The receipt prints (window.print, stubbed to count).
        self.driver.execute_script(
            "window.__printed = 0; window.print = () => { "
            "window.__printed += 1; };")
        self.driver.find_element(By.CSS_SELECTOR, "#receive-print").click()
        self.assertEqual(self.driver.execute_script(
            "return window.__printed;"), 1)
        self.assertTrue(self.driver.execute_script(
            "return document.body.classList.contains('receive-printing');"))
        for w in (1280, 768):
            self.screenshot("receive", w)

    def test_retry_after_network_error_posts_once(self):
        salt = self.get("/api/v1/items/by-barcode/" + SALT)
        before = self.donations()
        scan = self.start()
        scan.send_keys(SALT + Keys.ENTER)
        self.wait_value("#receive-qty-%d" % salt["id"], "1")
        # The first post reaches the server, but its answer is lost.
        self.driver.execute_script("""
            const real = window.fetch;
            let lost = 0;
            window.fetch = async function (url, opts) {
                const r = await real.apply(this, arguments);
                if (opts && opts.method === 'POST' &&
                    String(url).endsWith('/api/v1/donations') && !lost++)
                    throw new TypeError('the answer was lost');
                return r;
            };""")
        submit = self.driver.find_element(By.CSS_SELECTOR, "#receive-submit")
        submit.click()
        self.wait_text("#receive-goods-form .form-error", "无法连接服务器")
        self.assertEqual(len(self.donations()), len(before) + 1)
        submit.click()  # the retry: the same client_id, the same body
        shown = self.wait_for("#receive-receipt-code").text
        after = self.donations()
        self.assertEqual(len(after), len(before) + 1)
        self.assertEqual(after[0]["receipt_code"], shown)

    def test_cash_gift_into_a_fund(self):
        fund = [f for f in self.get("/api/v1/funds")["items"]
                if not f["restricted"]][0]
        self.start()
        Select(self.wait_for("#receive-cash-fund")).select_by_value(
            str(fund["id"]))
        self.wait_for("#receive-cash-amount").send_keys("1,234.56")
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#receive-cash-submit").click()
        shown = self.wait_for("#receive-receipt-code").text
        self.wait_text("#receive-receipt-total", "¥1,234.56")
        now = [f for f in self.get("/api/v1/funds")["items"]
               if f["id"] == fund["id"]][0]
        self.assertEqual(now["balance_fen"], fund["balance_fen"] + 123456)
        d = self.donations()[0]
        self.assertEqual(d["receipt_code"], shown)
        d = self.get("/api/v1/donations/%d" % d["id"])
        self.assertEqual(d["cash"], {"amount_fen": 123456,
                                     "fund_id": fund["id"]})
        # An earlier donation's receipt, again, from the list.
        older = self.donations()[1]
        self.driver.execute_script(
            "window.__printed = 0; window.print = () => { "
            "window.__printed += 1; };")
        self.wait_text("#receive-recent", shown)  # the list drawn anew
        self.driver.find_elements(By.CSS_SELECTOR,
                                  "#receive-recent .receive-reprint")[1].click()
        self.wait_text("#receive-receipt-code", older["receipt_code"])
        self.assertEqual(self.driver.execute_script(
            "return window.__printed;"), 1)
        self.assertIn(older["donor"]["name"],
                      self.wait_for("#receive-receipt").text)

    def test_new_donor(self):
        name = "测试捐赠人 %d" % int(time.time() * 1000)
        self.start()
        self.wait_for("#receive-donor-new-open").click()
        self.wait_for("#receive-donor-new-name").send_keys(name)
        Select(self.wait_for("#receive-donor-new-kind")) \
            .select_by_value("enterprise")
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#receive-donor-new-add").click()
        self.wait_text("#flash", name)
        donors = self.get("/api/v1/donors?limit=500")["items"]
        made = [d for d in donors if d["name"] == name]
        self.assertEqual([d["kind"] for d in made], ["enterprise"])
        self.assertEqual(Select(self.wait_for("#receive-donor"))
                         .first_selected_option.get_attribute("value"),
                         str(made[0]["id"]))

    def test_auditor_has_no_receiving(self):
        self.open_console(1280)
        nav = self.console_login("auditor")
        self.assertNotIn("接收捐赠", nav.text)
        self.driver.get(self.server.url + "/console/#/receive")
        self.wait_for("#main[data-ready]")
        self.assertNotEqual(self.wait_for("#main").get_attribute("data-page"),
                            "receive")
        for css in ("#receive-scan", "#receive-submit",
                    "#receive-cash-form"):
            self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, css),
                             [], css)


if __name__ == "__main__":
    unittest.main()
