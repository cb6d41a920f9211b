"""The 义卖与经营 page in a browser: a manager records a cost and an
income (yuan typed, fen sent), proposes a transfer into a fund with its
reason; nothing moves until an administrator confirms it on the page;
the manager sees no confirm button; a manager refunds a sale with its
reason. Each checked through the API."""

import unittest
import uuid

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from harness import ConsoleCase
from pages_b import mark_main, wait_page, login, type_into, confirm_dialog


class OperatingTest(ConsoleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.token = cls.login_api(cls, "manager")

    def get(self, path):
        st, j = self.api("GET", path, token=self.token)
        self.assertEqual(st, 200, j)
        return j

    def submit(self, css, page="operating"):
        mark_main(self)
        self.driver.find_element(By.CSS_SELECTOR, css).click()
        wait_page(self, page)

    def test_entries_and_transfer_confirmed_by_admin(self):
        fund = self.get("/api/v1/funds")["items"][0]
        before = self.get("/api/v1/operating/accounts")["balance_fen"]
        login(self, "manager")
        self.driver.execute_script("location.hash = '#/operating';")
        wait_page(self, "operating")
        Select(self.wait_for("#op-entry-account")).select_by_value(
            "service_fees")
        type_into(self, "#op-entry-amount", "120.50")
        type_into(self, "#op-entry-note", "场地服务费")
        self.submit("#op-entry-submit")
        self.assertEqual(self.get("/api/v1/operating/accounts")
                         ["balance_fen"], before + 12050)
        Select(self.wait_for("#op-entry-account")).select_by_value("rent")
        type_into(self, "#op-entry-amount", "20")
        self.submit("#op-entry-submit")
        self.assertEqual(self.get("/api/v1/operating/accounts")
                         ["balance_fen"], before + 10050)
        self.wait_text("#op-balance", "¥%s" % format(
            (before + 10050) / 100, ",.2f"))

        Select(self.wait_for("#op-transfer-direction")).select_by_value(
            "to_fund")
        Select(self.wait_for("#op-transfer-fund")).select_by_value(
            str(fund["id"]))
        type_into(self, "#op-transfer-amount", "50.00")
        type_into(self, "#op-transfer-reason", "义卖收入转入慈善基金")
        self.submit("#op-transfer-submit")
        ts = self.get("/api/v1/operating/transfers")["items"]
        self.assertEqual(len(ts), 1, ts)
        self.assertEqual((ts[0]["status"], ts[0]["amount_fen"],
                          ts[0]["reason"]),
                         ("proposed", 5000, "义卖收入转入慈善基金"))
        # Nothing moved; the manager cannot confirm.
        self.assertEqual(self.get("/api/v1/funds/%d" % fund["id"])
                         ["balance_fen"], fund["balance_fen"])
        self.assertEqual(self.driver.find_elements(
            By.CSS_SELECTOR, "#op-confirm-%d" % ts[0]["id"]), [])

        login(self, "admin")
        self.driver.execute_script("location.hash = '#/operating';")
        wait_page(self, "operating")
        mark_main(self)
        self.wait_for("#op-confirm-%d" % ts[0]["id"]).click()
        confirm_dialog(self)
        wait_page(self, "operating")
        t = self.get("/api/v1/operating/transfers")["items"][0]
        self.assertEqual(t["status"], "confirmed")
        self.assertEqual(self.get("/api/v1/funds/%d" % fund["id"])
                         ["balance_fen"], fund["balance_fen"] + 5000)
        self.assertEqual(self.get("/api/v1/operating/accounts")
                         ["balance_fen"], before + 5050)
        self.assertIn("已确认", self.wait_for("#op-transfers").text)
        self.assert_no_console_errors()


    def post(self, path, body, token=None):
        st, j = self.api("POST", path, body, token=token or self.token)
        self.assertIn(st, (200, 201), j)
        return j

    def test_refund(self):
        """A sale of goods its donor let be sold, refunded from the page:
        the sale is marked, the goods are back, the income is out."""
        admin = self.login_api("admin")
        donor = self.post("/api/v1/donors",
                          {"name": "义卖退款捐赠人", "kind": "individual"},
                          admin)["id"]
        item = self.post("/api/v1/items", {
            "name": "旧画册", "category": "books", "unit": "本",
            "barcodes": [], "unit_value_fen": 300, "points": 3}, admin)["id"]
        self.post("/api/v1/donations", {
            "client_id": str(uuid.uuid4()), "donor_id": donor,
            "received_on": self.get("/api/v1/store")["now"][:10],
            "channel": "walk_in",
            "lines": [{"item_id": item, "quantity": 4,
                       "sale_allowed": True}]}, admin)
        st, j = self.api("PUT", "/api/v1/items/%d/sale-price" % item,
                         {"sale_price_fen": 800}, admin)
        self.assertEqual(st, 200, j)
        sale = self.post("/api/v1/sales", {
            "client_id": str(uuid.uuid4()), "till_id": "T1",
            "lines": [{"item_id": item, "quantity": 2}],
            "payment": {"method": "cash"}}, admin)
        before = self.get("/api/v1/operating/accounts")["balance_fen"]

        login(self, "manager")
        self.driver.execute_script("location.hash = '#/operating';")
        wait_page(self, "operating")
        Select(self.wait_for("#op-refund-sale")).select_by_value(
            str(sale["id"]))
        type_into(self, "#op-refund-reason", "顾客退货")
        mark_main(self)
        self.driver.find_element(By.CSS_SELECTOR, "#op-refund-submit").click()
        confirm_dialog(self)
        wait_page(self, "operating")
        got = self.get("/api/v1/sales/%d" % sale["id"])
        self.assertTrue(got["refunded"], got)
        self.assertEqual(self.get("/api/v1/operating/accounts")
                         ["balance_fen"], before - 1600)
        items = self.get("/api/v1/stock?limit=500")["items"]
        self.assertEqual([s["on_hand"] for s in items
                          if s["item_id"] == item], [4])
        # Refunded: no longer offered.
        self.assertEqual(self.driver.find_elements(
            By.CSS_SELECTOR, "#op-refund-sale option[value='%d']"
            % sale["id"]), [])
        self.assert_no_console_errors()

if __name__ == "__main__":
    unittest.main()
