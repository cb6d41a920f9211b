"""库存 in a browser: a stocktake of two lots with one difference makes
exactly one count correction; a write-off with a note shows in the item's
movements; the low-stock and near-expiry filters list what the API lists;
an auditor sees no write form. Checked through the API."""

import time
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

from harness import ConsoleCase, WAIT_SECS


class StockTest(ConsoleCase):

    def setUp(self):
        super().setUp()
        self.token = self.login_api("manager")

    def goto(self, page):
        self.driver.execute_script("location.hash = arguments[0];",
                                   "#/" + page)
        return self.wait_for('#main[data-page="%s"][data-ready]'
                             % page.split("?")[0])

    def get(self, path):
        st, j = self.api("GET", path, token=self.token)
        self.assertEqual(st, 200, (path, j))
        return j

    def stock(self, query=""):
        out, cursor = [], None
        while True:
            j = self.get("/api/v1/stock?limit=500" + query +
                         ("&cursor=" + cursor if cursor else ""))
            out += j["items"]
            cursor = j["next"]
            if not cursor:
                return out

    def movements(self, item_id):
        out, cursor = [], None
        while True:
            j = self.get("/api/v1/stock/movements?limit=500&item_id=%d"
                         % item_id + ("&cursor=" + cursor if cursor else ""))
            out += j["items"]
            cursor = j["next"]
            if not cursor:
                return out

    def lot(self, item_id, lot_id):
        for r in self.stock():
            if r["item_id"] == item_id:
                for x in r["lots"]:
                    if x["lot_id"] == lot_id:
                        return x
        return None

    def filter_go(self):
        """Press 筛选 and wait for the page drawn anew."""
        old = self.wait_for("#main")
        self.driver.find_element(By.CSS_SELECTOR, "#stock-filter-go").click()
        WebDriverWait(self.driver, WAIT_SECS).until(EC.staleness_of(old))
        self.wait_for('#main[data-page="stock"][data-ready]')

    def shown_items(self):
        return [int(e.get_attribute("data-item")) for e in
                self.driver.find_elements(By.CSS_SELECTOR,
                                          "#stock-list tr.stock-item")]

    def test_stocktake_two_lots_one_difference(self):
        item = [r for r in self.stock() if len(r["lots"]) >= 2][0]
        a, b = item["lots"][0], item["lots"][1]
        seen = {m["id"] for m in self.movements(item["item_id"])}
        self.open_console(1280)
        self.console_login("manager")
        self.goto("stock")
        self.wait_for("#stock-take-start").click()
        self.wait_for("#stock-count-%d" % a["lot_id"]).send_keys(
            str(a["on_hand"]))
        self.wait_for("#stock-count-%d" % b["lot_id"]).send_keys(
            str(b["on_hand"] - 1))
        # The differences, before anything is posted.
        self.wait_text("#stock-diff-%d" % b["lot_id"], "-1")
        self.wait_text("#stock-diff-%d" % a["lot_id"], "0")
        self.wait_text("#stock-take-summary", "已盘 2 批，其中 1 批有差异")
        self.assertIn("#%d" % b["lot_id"],
                      self.wait_for("#stock-take-diffs").text)
        self.assertEqual([m for m in self.movements(item["item_id"])
                          if m["id"] not in seen], [])
        for w in (1280, 768):
            self.screenshot("stock-take", w)
        self.driver.find_element(By.CSS_SELECTOR, "#stock-take-post").click()
        self.wait_for("#confirm-ok").click()
        self.wait_text("#stock-take-result", "1 笔盘点更正")
        new = [m for m in self.movements(item["item_id"])
               if m["id"] not in seen]
        self.assertEqual([(m["kind"], m["reason"], m["lot_id"],
                           m["quantity"]) for m in new],
                         [("adjust", "count_correction", b["lot_id"], -1)])
        self.assertEqual(self.lot(item["item_id"], b["lot_id"])["on_hand"],
                         b["on_hand"] - 1)
        self.assertEqual(self.lot(item["item_id"], a["lot_id"])["on_hand"],
                         a["on_hand"])
        # The page shows the new figure, and the log names the stocktake.
        self.wait_text("#stock-lot-onhand-%d" % b["lot_id"],
                       str(b["on_hand"] - 1))
        self.assertIsNotNone(new[0]["stocktake_id"])
        self.wait_for("#stock-moves-%d" % item["item_id"]).click()
        self.wait_text("#stock-movements", "盘点 #%d" % new[0]["stocktake_id"])

    def test_write_off_with_a_note(self):
        item = [r for r in self.stock()
                if r["lots"] and r["lots"][-1]["on_hand"] >= 3][0]
        lot = item["lots"][-1]
        note = "外包装破损，已销毁 %d" % int(time.time())
        self.open_console(1280)
        self.console_login("manager")
        self.goto("stock")
        self.wait_for("#stock-writeoff-open-%d" % lot["lot_id"]).click()
        self.wait_for("#stock-writeoff-qty").send_keys("2")
        Select(self.wait_for("#stock-writeoff-reason")).select_by_value(
            "damaged")
        self.wait_for("#stock-writeoff-note").send_keys(note)
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#stock-writeoff-submit").click()
        self.wait_text("#stock-movements", note)
        m = [x for x in self.movements(item["item_id"])
             if x.get("note") == note]
        self.assertEqual([(x["kind"], x["reason"], x["lot_id"],
                           x["quantity"]) for x in m],
                         [("adjust", "damaged", lot["lot_id"], -2)])
        self.assertEqual(self.lot(item["item_id"], lot["lot_id"])["on_hand"],
                         lot["on_hand"] - 2)
        for w in (1280, 768):
            self.screenshot("stock-writeoff", w)

    def test_filters(self):
        # An item below its minimum: 3 received, 10 wanted.
        st, it = self.api("POST", "/api/v1/items", {
            "name": "测试低库存 %d" % int(time.time() * 1000),
            "category": "测试类", "unit": "个", "unit_value_fen": 100,
            "points": 1, "min_stock": 10}, token=self.token)
        self.assertEqual(st, 201)
        st, _ = self.api("POST", "/api/v1/donations", {
            "client_id": "stock-low-%d" % it["id"], "donor_id": 1,
            "received_on": "2025-01-01",
            "lines": [{"item_id": it["id"], "quantity": 3}]},
            token=self.token)
        self.assertEqual(st, 201)
        low = [r["item_id"] for r in self.stock() if r["low"]]
        self.assertIn(it["id"], low)
        self.open_console(1280)
        self.console_login("manager")
        self.goto("stock")
        self.wait_for("#stock-low").click()
        self.filter_go()
        self.wait_text("#stock-list", "测试低库存")
        self.assertEqual(self.shown_items(), low)

        near = [r["item_id"] for r in
                self.stock("&expiring_within_days=14")]
        self.assertNotEqual(near, [])
        old = self.wait_for("#main")
        self.goto("stock?expiring_within_days=14")
        WebDriverWait(self.driver, WAIT_SECS).until(EC.staleness_of(old))
        self.wait_for('#main[data-page="stock"][data-ready]')
        self.assertEqual(self.shown_items(), near)
        self.assertEqual(self.wait_for("#stock-expiring")
                         .get_attribute("value"), "14")

        cat = [r["item_id"] for r in self.stock("&category=%E7%B2%AE%E6%B2%B9")]
        old = self.wait_for("#main")
        self.goto("stock")
        WebDriverWait(self.driver, WAIT_SECS).until(EC.staleness_of(old))
        self.wait_for('#main[data-page="stock"][data-ready]')
        Select(self.wait_for("#stock-category")).select_by_value("粮油")
        self.filter_go()
        self.wait_text("#stock-list", "种物品")
        self.assertEqual(self.shown_items(), cat)
        for w in (1280, 768):
            self.screenshot("stock", w)

    def test_auditor_reads_only(self):
        item = [r for r in self.stock() if r["lots"]][0]
        self.open_console(1280)
        self.console_login("auditor")
        self.goto("stock")
        self.wait_for("#stock-list tr.stock-item")
        for css in ("#stock-take-start", ".stock-writeoff-open",
                    "#stock-writeoff", "#stock-take-form", ".stock-count",
                    "#main form:not(#stock-filters)"):
            self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, css),
                             [], css)
        # The movement log is there to read.
        self.wait_for("#stock-moves-%d" % item["item_id"]).click()
        self.wait_for("#stock-movements tr.stock-move")
        for w in (1280, 768):
            self.screenshot("stock-auditor", w)


if __name__ == "__main__":
    unittest.main()
