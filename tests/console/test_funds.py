"""The funds page in a browser: a fund created, cash given into it, an
expense that buys goods into stock (yuan typed, fen sent), the statement
whose last running balance is the fund's balance; a restricted fund's
refusal; an auditor sees no write form. Each checked through the API."""

import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from harness import ConsoleCase
from pages_b import mark_main, wait_page, goto, login, type_into


class FundsTest(ConsoleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.token = cls.login_api(cls, "manager")

    def fund(self, fid):
        st, j = self.api("GET", "/api/v1/funds/%d" % fid, token=self.token)
        self.assertEqual(st, 200)
        return j

    def fund_named(self, name):
        st, j = self.api("GET", "/api/v1/funds", token=self.token)
        self.assertEqual(st, 200)
        got = [f for f in j["items"] if f["name"] == name]
        self.assertEqual(len(got), 1, j)
        return got[0]

    def purchase_lots(self, item_id):
        st, j = self.api("GET", "/api/v1/stock?limit=500", token=self.token)
        self.assertEqual(st, 200)
        return {lot["lot_id"]: (lot["on_hand"], lot["unit_value_fen"])
                for s in j["items"] if s["item_id"] == item_id
                for lot in s["lots"] if lot["source"] == "purchase"}

    def on_hand(self, item_id):
        st, j = self.api("GET", "/api/v1/stock?limit=500", token=self.token)
        self.assertEqual(st, 200)
        return [s for s in j["items"] if s["item_id"] == item_id][0]["on_hand"]

    def give(self, fid, fen, cid):
        st, donors = self.api("GET", "/api/v1/donors?limit=1",
                              token=self.token)
        self.assertEqual(st, 200)
        st, d = self.api("POST", "/api/v1/donations",
                         {"client_id": cid,
                          "donor_id": donors["items"][0]["id"],
                          "received_on": "2026-01-05",
                          "cash": {"amount_fen": fen, "fund_id": fid}},
                         token=self.token)
        self.assertEqual(st, 201, d)

    def test_create_fund_and_buy_goods(self):
        login(self, "manager")
        goto(self, "funds")
        type_into(self, "#funds-new-name", "测试采购基金")
        Select(self.wait_for("#funds-new-kind")).select_by_value("lottery")
        mark_main(self)
        self.driver.find_element(By.CSS_SELECTOR, "#funds-new-submit").click()
        wait_page(self, "funds")
        fu = self.fund_named("测试采购基金")
        self.assertEqual((fu["kind"], fu["restricted"], fu["balance_fen"]),
                         ("lottery", False, 0))
        self.assertIn("id=%d" % fu["id"], self.driver.current_url)
        self.give(fu["id"], 200000, "pb-cash-1")
        goto(self, "funds?id=%d" % fu["id"])
        self.wait_text("#funds-balance", "¥2,000.00")

        oil, rice = 3, 1
        oil0, rice0 = self.on_hand(oil), self.on_hand(rice)
        lots0 = self.purchase_lots(oil)
        type_into(self, "#funds-exp-purpose", "采购食用油和大米")
        Select(self.wait_for("#funds-exp-item-0")).select_by_value(str(oil))
        type_into(self, "#funds-exp-qty-0", "10")
        type_into(self, "#funds-exp-cost-0", "45.90")
        self.driver.find_element(By.CSS_SELECTOR, "#funds-exp-add").click()
        Select(self.wait_for("#funds-exp-item-1")).select_by_value(str(rice))
        type_into(self, "#funds-exp-qty-1", "3")
        # The item's own unit value comes in as the cost; kept.
        st, it = self.api("GET", "/api/v1/items/%d" % rice, token=self.token)
        self.assertEqual((st, it["unit_value_fen"]), (200, 3990))
        self.assertEqual(self.wait_for("#funds-exp-cost-1")
                         .get_attribute("value"), "39.90")
        # 10 x 45.90 + 3 x 39.90, added in fen: 459.00 + 119.70.
        self.wait_text("#funds-exp-total", "¥578.70")
        for w in (1280, 768):
            self.screenshot("funds-detail", w)
        mark_main(self)
        self.driver.find_element(By.CSS_SELECTOR, "#funds-exp-submit").click()
        wait_page(self, "funds")
        self.wait_text("#flash", "已记录支出 ¥578.70")
        after = self.fund(fu["id"])
        self.assertEqual(after["balance_fen"], 200000 - 57870)
        self.assertEqual(self.on_hand(oil), oil0 + 10)
        self.assertEqual(self.on_hand(rice), rice0 + 3)
        # A lot bought at the cost typed: 45.90 yuan is 4590 fen.
        lots = self.purchase_lots(oil)
        self.assertEqual([v for k, v in lots.items() if k not in lots0],
                         [(10, 4590)])

        # The statement: the last running balance is the fund's balance.
        self.wait_text("#funds-balance", "¥1,421.30")
        running = self.driver.find_elements(
            By.CSS_SELECTOR, "#funds-statement .funds-running")
        self.assertEqual([r.text for r in running],
                         ["¥2,000.00", "¥1,421.30"])
        self.assertEqual(running[-1].text,
                         self.wait_for("#funds-balance").text)
        st, ent = self.api("GET", "/api/v1/funds/%d/entries" % fu["id"],
                           token=self.token)
        self.assertEqual(ent["items"][-1]["balance_fen"],
                         after["balance_fen"])
        self.assertIn("采购食用油和大米",
                      self.wait_for("#funds-statement").text)

        # More than the fund holds: refused on the page, nothing spent.
        type_into(self, "#funds-exp-purpose", "采购洗衣粉")
        type_into(self, "#funds-exp-amount", "2,000")
        self.driver.find_element(By.CSS_SELECTOR, "#funds-exp-submit").click()
        self.wait_text("#funds-exp-form .form-error", "基金余额不足")
        self.assertEqual(self.fund(fu["id"])["balance_fen"],
                         after["balance_fen"])

    def test_restricted_fund_refuses_another_purpose(self):
        login(self, "manager")
        goto(self, "funds")
        type_into(self, "#funds-new-name", "助学测试定向")
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#funds-new-restricted").click()
        self.driver.find_element(By.CSS_SELECTOR, "#funds-new-submit").click()
        self.wait_text("#funds-new-form .form-error", "须填写用途")
        type_into(self, "#funds-new-purpose", "学习用品")
        mark_main(self)
        self.driver.find_element(By.CSS_SELECTOR, "#funds-new-submit").click()
        wait_page(self, "funds")
        fu = self.fund_named("助学测试定向")
        self.assertEqual((fu["restricted"], fu["purpose"]), (True, "学习用品"))
        self.give(fu["id"], 50000, "pb-cash-2")
        goto(self, "funds?id=%d" % fu["id"])
        self.expect_console_error("status of 422")
        type_into(self, "#funds-exp-purpose", "采购大米")
        type_into(self, "#funds-exp-amount", "100")
        self.driver.find_element(By.CSS_SELECTOR, "#funds-exp-submit").click()
        self.wait_text("#funds-exp-form .form-error", "定向基金")
        self.assertEqual(self.fund(fu["id"])["balance_fen"], 50000)
        # Its purpose, money alone (no goods): recorded.
        type_into(self, "#funds-exp-purpose", "学习用品")
        mark_main(self)
        self.driver.find_element(By.CSS_SELECTOR, "#funds-exp-submit").click()
        wait_page(self, "funds")
        self.assertEqual(self.fund(fu["id"])["balance_fen"], 40000)

    def test_list_and_auditor(self):
        st, funds = self.api("GET", "/api/v1/funds", token=self.token)
        login(self, "auditor")
        goto(self, "funds")
        rows = self.driver.find_elements(By.CSS_SELECTOR, "#main tr[data-fund]")
        self.assertEqual(len(rows), len(funds["items"]))
        total = sum(f["balance_fen"] for f in funds["items"])
        self.wait_text("#funds-total", "¥{:,}.{:02d}".format(total // 100,
                                                              total % 100))
        for w in (1280, 768):
            self.screenshot("funds", w)
        self.assertEqual(self.driver.find_elements(
            By.CSS_SELECTOR, "#funds-new-form"), [])
        goto(self, "funds?id=%d" % funds["items"][0]["id"])
        self.wait_for("#funds-statement")
        for sel in ("#funds-exp-form", "#main form"):
            self.assertEqual(
                self.driver.find_elements(By.CSS_SELECTOR, sel), [], sel)


if __name__ == "__main__":
    unittest.main()
