"""The households page in a browser: register a household typing its id
number (the check digit checked as typed), a duplicate refused, search by
a scanned card, suspend and resume, renew, replace a lost card, the
recertification list, a name that looks like HTML shown as text, and an
auditor's read-only view; each checked through the API."""

import datetime
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from harness import ConsoleCase
from pages_b import (id_number, wrong_check, mark_main, wait_page, goto,
                     login, confirm_dialog, type_into, set_value,
                     store_today, new_household)


class HouseholdsTest(ConsoleCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.token = cls.login_api(cls, "manager")

    def main_text(self):
        return self.driver.find_element(By.CSS_SELECTOR, "#main").text

    def test_register_checks_id_and_refuses_duplicate(self):
        login(self, "manager")
        goto(self, "households")
        mark_main(self)
        self.wait_for("#households-new").click()
        wait_page(self, "households")
        good = id_number(501)
        type_into(self, "#households-new-card", "PBNEW1")
        type_into(self, "#households-new-name", "王新登")
        # A wrong check digit is named while it is typed.
        type_into(self, "#households-new-idnumber", wrong_check(good))
        self.wait_text("#households-new-idnumber-msg", "校验位不正确")
        self.assertEqual(self.driver.find_element(
            By.CSS_SELECTOR, "#households-new-idnumber")
            .get_attribute("aria-invalid"), "true")
        # Too short says how many digits are in.
        type_into(self, "#households-new-idnumber", good[:10])
        self.wait_text("#households-new-idnumber-msg", "已输入 10 位")
        type_into(self, "#households-new-idnumber", good)
        self.wait_text("#households-new-idnumber-msg", "校验位正确")
        type_into(self, "#households-new-members", "3")
        type_into(self, "#households-new-street", "南京东路街道")
        type_into(self, "#households-new-phone", "13712340001")
        self.driver.find_element(
            By.CSS_SELECTOR, "#households-new-category option[value=dibao]") \
            .click()
        mark_main(self)
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#households-new-submit").click()
        wait_page(self, "households")
        self.wait_text("#households-detail", "PBNEW1")
        st, hh = self.api("GET", "/api/v1/households/by-card/PBNEW1",
                          token=self.token)
        self.assertEqual(st, 200)
        self.assertEqual(hh["head_name"], "王新登")
        self.assertEqual(hh["id_last4"], good[-4:])
        self.assertEqual(hh["members"], 3)
        self.assertEqual(hh["category"], "dibao")
        self.assertEqual(hh["phone"], "13712340001")
        self.assertIn("王新登", self.main_text())

        # The same id number again, on another card: refused, in Chinese.
        goto(self, "households?new=1")
        self.expect_console_error("status of 422")
        type_into(self, "#households-new-card", "PBNEW2")
        type_into(self, "#households-new-name", "王新登")
        type_into(self, "#households-new-idnumber", good)
        type_into(self, "#households-new-street", "南京东路街道")
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#households-new-submit").click()
        self.wait_text("#households-new-dupe", "该身份证号已经登记过")
        dupe = self.driver.find_element(By.CSS_SELECTOR,
                                        "#households-new-dupe a")
        self.assertIn("id=%d" % hh["id"], dupe.get_attribute("href"))
        st, _ = self.api("GET", "/api/v1/households/by-card/PBNEW2",
                         token=self.token)
        self.assertEqual(st, 404)

        # A bad check digit is not even sent.
        type_into(self, "#households-new-card", "PBNEW3")
        type_into(self, "#households-new-idnumber", wrong_check(id_number(502)))
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#households-new-submit").click()
        self.wait_text("#households-new-form .form-error", "校验位不正确")
        st, _ = self.api("GET", "/api/v1/households/by-card/PBNEW3",
                         token=self.token)
        self.assertEqual(st, 404)
        for w in (1280, 768):
            self.screenshot("households-new", w)

    def test_scan_card_opens_household(self):
        hh = new_household(self, self.token, 511)
        login(self, "manager")
        goto(self, "households")
        mark_main(self)
        type_into(self, "#households-search", hh["card_code"] + Keys.ENTER)
        wait_page(self, "households")
        self.wait_text("#households-detail", hh["head_name"])
        self.assertIn("id=%d" % hh["id"], self.driver.current_url)
        # A part of the name lists it.
        goto(self, "households")
        mark_main(self)
        type_into(self, "#households-search", "测试户51" + Keys.ENTER)
        wait_page(self, "households")
        self.wait_text("#households-list", hh["card_code"])
        # The last digits of the phone.
        phone = new_household(self, self.token, 512, phone="13600009876")
        goto(self, "households")
        mark_main(self)
        self.expect_console_error("status of 404")  # 9876 is not a card
        type_into(self, "#households-search", "9876" + Keys.ENTER)
        wait_page(self, "households")
        self.wait_text("#households-list", phone["card_code"])
        self.assertNotIn(hh["card_code"], self.driver.find_element(
            By.CSS_SELECTOR, "#households-list").text)
        for w in (1280, 768):
            self.screenshot("households", w)

    def test_suspend_and_resume(self):
        hh = new_household(self, self.token, 521)
        login(self, "manager")
        goto(self, "households?id=%d" % hh["id"])
        self.wait_for("#households-suspend").click()
        mark_main(self)
        confirm_dialog(self)
        wait_page(self, "households")
        self.wait_for("#households-resume")
        st, j = self.api("GET", "/api/v1/households/%d" % hh["id"],
                         token=self.token)
        self.assertEqual((st, j["status"]), (200, "suspended"))
        self.wait_text("#households-detail", "已暂停")
        mark_main(self)
        self.driver.find_element(By.CSS_SELECTOR, "#households-resume") \
            .click()
        wait_page(self, "households")
        self.wait_for("#households-suspend")
        st, j = self.api("GET", "/api/v1/households/%d" % hh["id"],
                         token=self.token)
        self.assertEqual((st, j["status"]), (200, "active"))

    def test_renew_from_recertification_list(self):
        today = store_today(self)
        soon = new_household(self, self.token, 531, valid_to=today)
        later = new_household(self, self.token, 532)
        login(self, "manager")
        goto(self, "households")
        mark_main(self)
        self.wait_for("a[href='#/households?recert=1']").click()
        wait_page(self, "households")
        lst = self.wait_text("#households-list", soon["card_code"])
        self.assertNotIn(later["card_code"], lst.text)
        self.wait_text("#households-list", "今天到期")
        for w in (1280, 768):
            self.screenshot("households-recert", w)
        mark_main(self)
        self.driver.find_element(
            By.LINK_TEXT, soon["head_name"]).click()
        wait_page(self, "households")
        new_to = (datetime.date.fromisoformat(today) +
                  datetime.timedelta(days=400)).isoformat()
        set_value(self, "#households-renew-to", new_to)
        mark_main(self)
        self.driver.find_element(By.CSS_SELECTOR, "#households-renew").click()
        wait_page(self, "households")
        st, j = self.api("GET", "/api/v1/households/%d" % soon["id"],
                         token=self.token)
        self.assertEqual((st, j["valid_to"]), (200, new_to))
        self.wait_text("#households-detail", new_to)

    def test_edit(self):
        hh = new_household(self, self.token, 541, phone="13500000001")
        login(self, "manager")
        goto(self, "households?id=%d" % hh["id"])
        type_into(self, "#households-edit-members", "5")
        type_into(self, "#households-edit-street", "外滩街道")
        self.wait_for("#households-edit-phone").clear()
        mark_main(self)
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#households-edit-save").click()
        wait_page(self, "households")
        st, j = self.api("GET", "/api/v1/households/%d" % hh["id"],
                         token=self.token)
        self.assertEqual(st, 200)
        self.assertEqual((j["members"], j["street"], j["phone"]),
                         (5, "外滩街道", ""))
        self.assertEqual(j["head_name"], hh["head_name"])

    def test_replace_card(self):
        hh = new_household(self, self.token, 551)
        old = hh["card_code"]
        login(self, "manager")
        goto(self, "households?id=%d" % hh["id"])
        type_into(self, "#households-card-code", "PBNEWCARD551")
        type_into(self, "#households-card-reason", "卡丢失，本人来补办")
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#households-card-submit").click()
        mark_main(self)
        confirm_dialog(self)
        wait_page(self, "households")
        self.wait_text("#households-detail", "PBNEWCARD551")
        st, _ = self.api("GET", "/api/v1/households/by-card/" + old,
                         token=self.token)
        self.assertEqual(st, 404)
        st, j = self.api("GET", "/api/v1/households/by-card/PBNEWCARD551",
                         token=self.token)
        self.assertEqual((st, j["id"]), (200, hh["id"]))
        for w in (1280, 768):
            self.screenshot("households-detail", w)
        # The old card is never issued again, not even back to its
        # household: refused, in words, and nothing changes.
        self.expect_console_error("status of 409")
        type_into(self, "#households-card-code", old)
        self.driver.find_element(By.CSS_SELECTOR,
                                 "#households-card-submit").click()
        confirm_dialog(self)
        self.wait_text("#households-card-form .form-error", "曾挂失停用")
        st, j = self.api("GET", "/api/v1/households/by-card/PBNEWCARD551",
                         token=self.token)
        self.assertEqual((st, j["id"]), (200, hh["id"]))

    def test_name_is_text(self):
        name = "<img src=x onerror=alert(1)>"
        hh = new_household(self, self.token, 561, head_name=name)
        login(self, "manager")
        goto(self, "households?q=%3Cimg")
        lst = self.wait_text("#households-list", name)
        self.assertIn(hh["card_code"], lst.text)
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR,
                                                   "#main img"), [])
        goto(self, "households?id=%d" % hh["id"])
        self.wait_text("#households-detail", name)
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR,
                                                   "#main img"), [])
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR,
                                                   "img"), [])

    def test_auditor_reads_only(self):
        hh = new_household(self, self.token, 571, phone="13811112222")
        login(self, "auditor")
        goto(self, "households")
        self.wait_for("#households-search")
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR,
                                                   "#households-new"), [])
        # An auditor checks figures, not people: no card, a masked name.
        lst = self.wait_for("#households-list").text
        self.assertNotIn(hh["card_code"], lst)
        self.assertNotIn(hh["head_name"], lst)
        goto(self, "households?id=%d" % hh["id"])
        det = self.wait_for("#households-detail").text
        self.assertIn(hh["name_masked"], det)
        self.assertNotIn(hh["head_name"], det)
        self.assertNotIn("13811112222", det)
        for sel in ("#households-suspend", "#households-resume",
                    "#households-edit-form", "#households-renew-form",
                    "#households-card-form", "#main form"):
            self.assertEqual(
                self.driver.find_elements(By.CSS_SELECTOR, sel), [], sel)
        goto(self, "households?new=1")
        self.assertEqual(self.driver.find_elements(
            By.CSS_SELECTOR, "#households-new-form"), [])
        for w in (1280, 768):
            self.screenshot("households-auditor", w)


if __name__ == "__main__":
    unittest.main()
