"""The 义卖与经营 page in a browser: a manager records a cost and an
income (yuan typed, fen sent), proposes a transfer into a fund with its
reason; nothing moves until an administrator confirms it on the page;
the manager sees no confirm button. Each checked through the API."""

import unittest

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


if __name__ == "__main__":
    unittest.main()
