"""The policies and grants page in a browser: a category's policy edited,
the month's grant previewed (the API's dry-run figures, nothing written)
and then run, a one-off grant with a reason; an auditor does not get the
page. Each checked through the API."""

import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from harness import ConsoleCase
from pages_b import (mark_main, goto, login, confirm_dialog, type_into,
                     new_household)


def points_of(case, token, hid):
    st, j = case.api("GET", "/api/v1/households/%d" % hid, token=token)
    assert st == 200, (st, j)
    return j["points"]


class GrantsTest(ConsoleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.token = cls.login_api(cls, "manager")

    def policy(self, category):
        st, j = self.api("GET", "/api/v1/policies", token=self.token)
        self.assertEqual(st, 200)
        return [p for p in j["items"] if p["category"] == category][0]

    def test_edit_policy(self):
        before = self.policy("other")
        login(self, "manager")
        goto(self, "grants")
        type_into(self, "#grants-policy-other-monthly",
                  str(before["monthly_points"] + 7))
        type_into(self, "#grants-policy-other-member", "25")
        box = self.wait_for("#grants-policy-other-carry")
        if box.is_selected() == before["carry_over"]:
            box.click()
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#grants-policy-other-save").click()
        self.wait_text("#flash", "已保存")
        after = self.policy("other")
        self.assertEqual(after["monthly_points"], before["monthly_points"] + 7)
        self.assertEqual(after["per_member_points"], 25)
        self.assertEqual(after["carry_over"], not before["carry_over"])
        # A refused figure changes nothing and says why.
        type_into(self, "#grants-policy-other-monthly", "-1")
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#grants-policy-other-save").click()
        self.wait_text("#grants-policy-other .form-error", "基础积分应为")
        self.assertEqual(self.policy("other"), after)

    def test_month_preview_then_grant(self):
        hh = new_household(self, self.token, 601, category="dibao",
                           members=3)
        pol = self.policy("dibao")
        owed = pol["monthly_points"] + pol["per_member_points"] * 3
        st, status0 = self.api("GET", "/api/v1/grants/monthly",
                               token=self.token)
        self.assertEqual(st, 200)
        period = status0["period"]
        st, dry = self.api("POST", "/api/v1/grants/monthly",
                           {"period": period, "dry_run": True},
                           token=self.token)
        self.assertEqual(st, 200)
        self.assertGreaterEqual(dry["households"], 1)
        self.assertGreaterEqual(dry["points"], owed)

        login(self, "manager")
        goto(self, "grants")
        self.wait_text("#grants-status", period)
        self.wait_text("#grants-status", "已发放" if status0["ran"] else
                       "尚未发放")
        self.driver.find_element(By.CSS_SELECTOR, "#grants-preview").click()
        self.wait_for("#grants-confirm")
        self.assertEqual(
            self.wait_for("#grants-preview-households").text,
            "{:,} 户".format(dry["households"]))
        self.assertEqual(self.wait_for("#grants-preview-points").text,
                         "{:,}".format(dry["points"]))
        self.assertNotIn("null", self.wait_for("#grants-monthly").text)
        self.assertEqual(
            self.wait_for("#grants-preview-expired-points").text,
            "{:,}".format(dry["expired_points"]))
        self.driver.execute_script("arguments[0].scrollIntoView();",
                                   self.wait_for("#grants-monthly"))
        for w in (1280, 768):
            self.screenshot("grants", w)
        # The preview wrote nothing.
        self.assertEqual(points_of(self, self.token, hh["id"]), 0)
        st, again = self.api("POST", "/api/v1/grants/monthly",
                             {"period": period, "dry_run": True},
                             token=self.token)
        self.assertEqual((st, again), (200, dry))
        self.assertEqual(self.api("GET", "/api/v1/grants/monthly",
                                  token=self.token), (200, status0))

        # Cancelled: still nothing.
        self.driver.find_element(By.CSS_SELECTOR, "#grants-confirm").click()
        confirm_dialog(self, ok=False)
        self.assertEqual(points_of(self, self.token, hh["id"]), 0)

        self.driver.find_element(By.CSS_SELECTOR, "#grants-confirm").click()
        confirm_dialog(self)
        done = self.wait_text("#grants-done", "已发放")
        self.assertIn("{:,} 户".format(dry["households"]), done.text)
        self.assertEqual(points_of(self, self.token, hh["id"]), owed)
        st, status1 = self.api("GET", "/api/v1/grants/monthly",
                               token=self.token)
        self.assertTrue(status1["ran"])
        self.assertEqual(status1["points"], status0["points"] + dry["points"])
        self.wait_text("#grants-status", "{:,}".format(status1["points"]))
        # Once a period: the next preview gives nobody anything.
        self.driver.find_element(By.CSS_SELECTOR, "#grants-preview").click()
        self.wait_text("#grants-preview-households", "0 户")
        self.wait_text("#grants-preview-none", "不会重复获发")
        self.assertNotIn("null", self.wait_for("#grants-monthly").text)
        self.assertEqual(points_of(self, self.token, hh["id"]), owed)

    def test_one_off_grant(self):
        hh = new_household(self, self.token, 611)
        before = points_of(self, self.token, hh["id"])
        login(self, "manager")
        goto(self, "grants")
        type_into(self, "#grants-oneoff-card", hh["card_code"] + Keys.ENTER)
        self.wait_text("#grants-oneoff-who", hh["head_name"])
        type_into(self, "#grants-oneoff-points", "120")
        type_into(self, "#grants-oneoff-reason", "火灾后应急救助")
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#grants-oneoff-submit").click()
        self.wait_text("#grants-oneoff-result", "120 积分")
        self.assertEqual(points_of(self, self.token, hh["id"]), before + 120)
        st, led = self.api("GET", "/api/v1/households/%d/ledger" % hh["id"],
                           token=self.token)
        self.assertEqual(st, 200)
        self.assertEqual([(e["kind"], e["points"], e.get("reason"))
                          for e in led["items"]],
                         [("grant_oneoff", 120, "火灾后应急救助")])
        # Without a reason: refused on the page, nothing sent.
        type_into(self, "#grants-oneoff-points", "5")
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#grants-oneoff-submit").click()
        self.wait_text("#grants-oneoff-form .form-error", "请填写原因")
        self.assertEqual(points_of(self, self.token, hh["id"]), before + 120)

    def test_auditor_has_no_grants_page(self):
        login(self, "auditor")
        nav = self.wait_for("#nav").text
        self.assertNotIn("政策与发放", nav)
        mark_main(self)
        goto(self, "grants")
        self.assertNotEqual(self.driver.find_element(
            By.CSS_SELECTOR, "#main").get_attribute("data-page"), "grants")
        for sel in ("#grants-monthly-form", "#grants-oneoff-form",
                    "#grants-preview", "#grants-confirm"):
            self.assertEqual(
                self.driver.find_elements(By.CSS_SELECTOR, sel), [], sel)


if __name__ == "__main__":
    unittest.main()
