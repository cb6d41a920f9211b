"""The volunteers and reports pages in a browser: a volunteer registered
and a shift recorded (a day over 24 hours refused, nothing written), an
auditor's masked view without forms; the civil-affairs report of the
quarter showing the API's figures, and a manager recording an
organisation's consent, which puts it on the public list. Each checked
through the API."""

import unittest

from selenium.webdriver.common.by import By

from harness import ConsoleCase
from pages_b import (mark_main, wait_page, goto, login, type_into,
                     store_today)


class VolunteersTest(ConsoleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.token = cls.login_api(cls, "manager")

    def record(self, vid):
        st, j = self.api("GET", "/api/v1/volunteers/%d/record" % vid,
                         token=self.token)
        self.assertEqual(st, 200, j)
        return j

    def test_register_and_shift(self):
        login(self, "manager")
        goto(self, "volunteers")
        type_into(self, "#volunteers-new-name", "测试志愿者")
        type_into(self, "#volunteers-new-phone", "13912345678")
        mark_main(self)
        self.driver.find_element(
            By.CSS_SELECTOR, "#volunteers-new-submit").click()
        wait_page(self, "volunteers")
        st, j = self.api("GET", "/api/v1/volunteers?limit=500",
                         token=self.token)
        got = [v for v in j["items"] if v["name"] == "测试志愿者"]
        self.assertEqual(len(got), 1, j)
        vid = got[0]["id"]
        self.assertEqual(got[0]["phone"], "13912345678")
        self.assertIn("id=%d" % vid, self.driver.current_url)

        type_into(self, "#volunteers-shift-minutes", "90")
        type_into(self, "#volunteers-shift-role", "理货")
        mark_main(self)
        self.driver.find_element(
            By.CSS_SELECTOR, "#volunteers-shift-submit").click()
        wait_page(self, "volunteers")
        self.wait_text("#flash", "已记录 1小时30分")
        self.wait_text("#volunteers-total", "1小时30分")
        rec = self.record(vid)
        self.assertEqual(rec["total_minutes"], 90)
        self.assertEqual([(s["minutes"], s["role"], s["source"])
                          for s in rec["shifts"]], [(90, "理货", "manager")])
        self.assertIn("理货", self.wait_for("#volunteers-shifts").text)
        for w in (1280, 768):
            self.screenshot("volunteers-record", w)

        # 90 + 1351 minutes is more than a day: refused, nothing written.
        self.expect_console_error("status of 422")
        type_into(self, "#volunteers-shift-minutes", "1351")
        type_into(self, "#volunteers-shift-role", "理货")
        self.driver.find_element(
            By.CSS_SELECTOR, "#volunteers-shift-submit").click()
        self.wait_text("#volunteers-shift-form .form-error", "24 小时")
        self.assertEqual(self.record(vid)["total_minutes"], 90)

    def test_auditor_masked(self):
        st, v = self.api("POST", "/api/v1/volunteers",
                         {"name": "欧阳明华", "phone": "13812345678"},
                         token=self.token)
        self.assertEqual(st, 201, v)
        login(self, "auditor")
        goto(self, "volunteers")
        row = self.wait_for('tr[data-volunteer="%d"]' % v["id"])
        self.assertIn("欧阳*华", row.text)
        self.assertIn("138****5678", row.text)
        self.assertNotIn("欧阳明华", self.driver.page_source)
        self.assertEqual(self.driver.find_elements(
            By.CSS_SELECTOR, "#volunteers-new-form"), [])
        goto(self, "volunteers?id=%d" % v["id"])
        self.wait_for("#volunteers-total")
        self.assertEqual(self.driver.find_elements(
            By.CSS_SELECTOR, "#volunteers-shift-form"), [])
        self.assertNotIn("欧阳明华", self.driver.page_source)


class ReportsTest(ConsoleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.token = cls.login_api(cls, "manager")

    def test_report_and_consent(self):
        today = store_today(self)
        q = "%s-Q%d" % (today[:4], (int(today[5:7]) - 1) // 3 + 1)
        st, d = self.api("POST", "/api/v1/donors",
                         {"name": "测试爱心企业", "kind": "enterprise"},
                         token=self.token)
        self.assertEqual(st, 201, d)
        st, f = self.api("POST", "/api/v1/funds",
                         {"name": "测试报表基金", "kind": "lottery",
                          "restricted": False}, token=self.token)
        self.assertEqual(st, 201, f)
        st, j = self.api("POST", "/api/v1/donations",
                         {"client_id": "pb-rep-1", "donor_id": d["id"],
                          "received_on": today,
                          "cash": {"amount_fen": 99999900,
                                   "fund_id": f["id"]}},
                         token=self.token)
        self.assertEqual(st, 201, j)
        st, rep = self.api("GET",
                           "/api/v1/reports/civil-affairs?period=" + q,
                           token=self.token)
        self.assertEqual(st, 200, rep)

        login(self, "manager")
        goto(self, "reports")
        self.wait_text("#reports-span", q)
        total = self.wait_for('#reports-served tr[data-category="total"]')
        cells = [c.text for c in total.find_elements(By.CSS_SELECTOR, "td")]
        s = rep["served"]
        self.assertEqual(cells[1:], ["%d" % s["households"],
                                     "%d" % s["persons"],
                                     "%d" % s["visits"],
                                     "%d" % s["person_visits"]])
        self.assertIn("¥999,999.00", self.wait_for("#reports-money").text)
        self.assertIn("志愿者 %d 人" % rep["volunteers"]["persons"],
                      self.wait_for("#reports-volunteers").text)
        for w in (1280, 768):
            self.screenshot("reports", w)

        # The enterprise, first by what it gave, agrees to be named.
        btn = self.wait_for('button.reports-consent[data-donor="%d"]'
                            % d["id"])
        self.assertEqual(btn.text, "记录同意公开")
        st, pub = self.api("GET", "/public/participation?year=" + today[:4])
        self.assertNotIn("测试爱心企业", [i["name"] for i in pub["items"]])
        mark_main(self)
        btn.click()
        wait_page(self, "reports")
        self.wait_text("#flash", "测试爱心企业 已同意公开")
        st, dj = self.api("GET", "/api/v1/donors/%d" % d["id"],
                          token=self.token)
        self.assertTrue(dj["consent_public"])
        st, pub = self.api("GET", "/public/participation?year=" + today[:4])
        self.assertIn("测试爱心企业", [i["name"] for i in pub["items"]])

        # Another period, typed.
        type_into(self, "#reports-period", today[:4])
        mark_main(self)
        self.driver.find_element(
            By.CSS_SELECTOR, "#reports-period-submit").click()
        wait_page(self, "reports")
        self.wait_text("#reports-span", today[:4] + "：")


if __name__ == "__main__":
    unittest.main()
