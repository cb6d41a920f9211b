"""The distributions page in a browser: a receipt found by its number,
opened, and voided with a reason after a confirm (the API then says
voided, and the points are back); the list by till and by a household's
card; an auditor sees no void. Each checked through the API."""

import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from harness import ConsoleCase
from pages_b import (mark_main, wait_page, goto, login, confirm_dialog,
                     type_into, set_value)

N = [0]


class DistributionsTest(ConsoleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.token = cls.login_api(cls, "manager")
        cls.cashier = cls.login_api(cls, "cashier")

    def hand_out(self, till, card, item_id=4, qty=1):
        """A distribution at TILL, through the API as the cashier."""
        N[0] += 1
        st, d = self.api("POST", "/api/v1/distributions",
                         {"client_id": "pb-dist-%d" % N[0], "till_id": till,
                          "household_card": card,
                          "lines": [{"item_id": item_id, "quantity": qty}]},
                         token=self.cashier)
        self.assertEqual(st, 201, d)
        return d

    def household(self, card):
        st, j = self.api("GET", "/api/v1/households/by-card/" + card,
                         token=self.token)
        self.assertEqual(st, 200)
        return j

    def rows(self):
        return self.driver.find_elements(
            By.CSS_SELECTOR, "#distributions-list tbody tr[data-receipt]")

    def test_find_by_receipt_and_void(self):
        d = self.hand_out("T07", "HH0002", item_id=4, qty=2)
        self.hand_out("T07", "HH0003")
        before = self.household("HH0002")["points"]
        login(self, "manager")
        goto(self, "distributions")
        mark_main(self)
        type_into(self, "#distributions-receipt", d["receipt_no"] + Keys.ENTER)
        wait_page(self, "distributions")
        rows = self.rows()
        self.assertEqual([r.get_attribute("data-receipt") for r in rows],
                         [d["receipt_no"]])
        mark_main(self)
        self.driver.find_element(By.LINK_TEXT, d["receipt_no"]).click()
        wait_page(self, "distributions")
        det = self.wait_for("#distributions-detail").text
        self.assertIn("T07", det)
        self.assertEqual(self.wait_for("#distributions-points").text,
                         str(d["points_total"]))
        self.assertIn(d["lines"][0]["name"], self.driver.find_element(
            By.CSS_SELECTOR, "#main").text)
        # The household as the API gives it: masked.
        hh = self.household("HH0002")
        self.assertIn(hh["name_masked"], det)
        self.assertNotIn(hh["head_name"], det)
        for w in (1280, 768):
            self.screenshot("distributions-detail", w)

        # No reason: refused on the page.
        self.driver.find_element(By.CSS_SELECTOR, "#distributions-void") \
            .click()
        self.wait_text("#distributions-void-form .form-error", "请填写作废原因")
        type_into(self, "#distributions-void-reason", "收银员扫错商品")
        # Cancelled: nothing voided.
        self.driver.find_element(By.CSS_SELECTOR, "#distributions-void") \
            .click()
        confirm_dialog(self, ok=False)
        st, j = self.api("GET", "/api/v1/distributions/%d" % d["id"],
                         token=self.token)
        self.assertEqual((st, j["voided"]), (200, False))

        self.driver.find_element(By.CSS_SELECTOR, "#distributions-void") \
            .click()
        mark_main(self)
        confirm_dialog(self)
        wait_page(self, "distributions")
        self.wait_text("#distributions-state", "已作废")
        self.assertEqual(self.driver.find_elements(
            By.CSS_SELECTOR, "#distributions-void-form"), [])
        st, j = self.api("GET", "/api/v1/distributions/%d" % d["id"],
                         token=self.token)
        self.assertEqual((st, j["voided"]), (200, True))
        self.assertEqual(self.household("HH0002")["points"],
                         before + d["points_total"])
        st, led = self.api("GET", "/api/v1/households/%d/ledger?limit=1"
                           % d["household_id"], token=self.token)
        self.assertEqual(led["items"][0]["kind"], "void")

    def test_filter_by_till_and_card(self):
        a = self.hand_out("T08", "HH0001")
        b = self.hand_out("T08", "HH0003")
        c = self.hand_out("T09", "HH0001")
        login(self, "manager")
        goto(self, "distributions")
        # Today's, by default: the three are there.
        got = [r.get_attribute("data-receipt") for r in self.rows()]
        for x in (a, b, c):
            self.assertIn(x["receipt_no"], got)
        for w in (1280, 768):
            self.screenshot("distributions", w)
        mark_main(self)
        type_into(self, "#distributions-till", "T08" + Keys.ENTER)
        wait_page(self, "distributions")
        self.assertEqual([r.get_attribute("data-receipt")
                          for r in self.rows()],
                         [a["receipt_no"], b["receipt_no"]])
        mark_main(self)
        type_into(self, "#distributions-card", "HH0001" + Keys.ENTER)
        wait_page(self, "distributions")
        self.assertEqual([r.get_attribute("data-receipt")
                          for r in self.rows()], [a["receipt_no"]])
        # A receipt number typed short: T09-1 is T09-000001.
        self.assertEqual(c["receipt_no"], "T09-000001")
        mark_main(self)
        self.wait_for("#distributions-till").clear()
        type_into(self, "#distributions-receipt", "T09-1" + Keys.ENTER)
        wait_page(self, "distributions")
        self.assertEqual([r.get_attribute("data-receipt")
                          for r in self.rows()], [c["receipt_no"]])
        # A day with none (a receipt number would stand for any day).
        mark_main(self)
        self.wait_for("#distributions-receipt").clear()
        set_value(self, "#distributions-from", "2026-01-01")
        set_value(self, "#distributions-to", "2026-01-02")
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#distributions-search").click()
        wait_page(self, "distributions")
        self.assertEqual(self.rows(), [])
        self.wait_text("#distributions-list", "没有符合条件的领取记录")

    def test_auditor_sees_no_void(self):
        d = self.hand_out("T06", "HH0001")
        login(self, "auditor")
        goto(self, "distributions?id=%d" % d["id"])
        self.wait_text("#distributions-detail", d["receipt_no"])
        for sel in ("#distributions-void-form", "#distributions-void",
                    "#main form"):
            self.assertEqual(
                self.driver.find_elements(By.CSS_SELECTOR, sel), [], sel)
        goto(self, "distributions")
        self.wait_for("#distributions-list")


if __name__ == "__main__":
    unittest.main()
