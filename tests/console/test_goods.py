"""物品 in a browser: a manager creates an item, edits its points and
limit, adds a barcode (and one that is taken), finds an item by a scanned
barcode; an auditor sees no write form. Checked through the API."""

import time
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from harness import ConsoleCase


def ean13(twelve):
    """TWELVE digits and their EAN-13 check digit."""
    s = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(twelve))
    return twelve + str((10 - s % 10) % 10)


DEMO_RICE = ean13("690123456701")  # the demo's first item, 金龙鱼大米 5kg


class GoodsTest(ConsoleCase):

    def goto(self, page):
        self.driver.execute_script("location.hash = arguments[0];",
                                   "#/" + page)
        return self.wait_for('#main[data-page="%s"][data-ready]'
                             % page.split("?")[0])

    def type_into(self, css, text):
        e = self.wait_for(css)
        e.clear()
        e.send_keys(text)
        return e

    def test_create_edit_and_barcodes(self):
        token = self.login_api("manager")
        self.open_console(1280)
        self.console_login("manager")
        self.goto("goods")
        # The page says that editing leaves past distributions alone.
        self.assertIn("不会改变过去的领取记录",
                      self.wait_for("#main").text)
        name = "测试小米 %d" % int(time.time() * 1000)
        code1 = ean13("692000%06d" % (int(time.time()) % 1000000))
        self.wait_for("#goods-new").click()
        self.type_into("#goods-name", name)
        self.type_into("#goods-category", "粮油")
        self.type_into("#goods-unit", "袋")
        self.type_into("#goods-value", "12.50")
        self.type_into("#goods-points", "15")
        self.type_into("#goods-limit", "2")
        self.type_into("#goods-min-stock", "5")
        self.type_into("#goods-new-barcode", code1)
        self.driver.find_element(By.CSS_SELECTOR, "#goods-save").click()
        self.wait_text("#flash", "已新建")
        st, found = self.api("GET", "/api/v1/items?q=" +
                             urllib_quote(name), token=token)
        self.assertEqual(st, 200)
        self.assertEqual(len(found["items"]), 1)
        it = found["items"][0]
        self.assertEqual((it["category"], it["unit"], it["unit_value_fen"],
                          it["points"], it["monthly_limit"],
                          it["min_stock"], it["barcodes"]),
                         ("粮油", "袋", 1250, 15, 2, 5, [code1]))

        # Edit: points 15 -> 20, the limit taken away.
        self.wait_text("#goods-save", "保存修改")
        self.type_into("#goods-points", "20")
        self.wait_for("#goods-limit").clear()
        self.driver.find_element(By.CSS_SELECTOR, "#goods-save").click()
        self.wait_text("#flash", "已保存")
        st, got = self.api("GET", "/api/v1/items/%d" % it["id"], token=token)
        self.assertEqual(st, 200)
        self.assertEqual(got["points"], 20)
        self.assertIsNone(got["monthly_limit"])
        self.assertEqual(got["unit_value_fen"], 1250)
        self.assertEqual(got["name"], name)
        self.assertIs(got["active"], True)  # the edit did not retire it

        # A second barcode.
        code2 = ean13("693000%06d" % (int(time.time()) % 1000000))
        self.type_into("#goods-barcode", code2)
        self.driver.find_element(By.CSS_SELECTOR, "#goods-barcode-add").click()
        self.wait_text("#goods-barcodes", code2)
        st, got = self.api("GET", "/api/v1/items/%d" % it["id"], token=token)
        self.assertEqual(sorted(got["barcodes"]), sorted([code1, code2]))

        # The rice's barcode is taken: said clearly, nothing added.
        self.expect_console_error("/barcodes - Failed to load resource")
        self.type_into("#goods-barcode", DEMO_RICE)
        self.driver.find_element(By.CSS_SELECTOR, "#goods-barcode-add").click()
        self.wait_text("#goods-barcode-error", "已属于另一物品")
        st, rice = self.api("GET", "/api/v1/items/by-barcode/" + DEMO_RICE,
                            token=token)
        self.assertTrue(self.wait_for("#goods-barcode-error a")
                        .get_attribute("href")
                        .endswith("#/goods?id=%d" % rice["id"]))
        st, again = self.api("GET", "/api/v1/items/%d" % it["id"],
                             token=token)
        self.assertEqual(sorted(again["barcodes"]), sorted([code1, code2]))
        self.assertNotEqual(rice["id"], it["id"])

        for w in (1280, 768):
            self.screenshot("goods", w)

        # Retired: the box unticked, saved; the list says so.
        self.assertTrue(self.wait_for("#goods-active").is_selected())
        self.wait_for("#goods-active").click()
        self.driver.find_element(By.CSS_SELECTOR, "#goods-save").click()
        self.wait_text("#flash", "已保存")
        st, got = self.api("GET", "/api/v1/items/%d" % it["id"], token=token)
        self.assertIs(got["active"], False)
        self.assertEqual(got["points"], 20)
        self.wait_text('#goods-list tr[data-id="%d"]' % it["id"], "已停用")

    def test_scanned_barcode_finds_the_item(self):
        token = self.login_api("manager")
        st, rice = self.api("GET", "/api/v1/items/by-barcode/" + DEMO_RICE,
                            token=token)
        self.assertEqual(st, 200)
        self.open_console(1280)
        self.console_login("manager")
        self.goto("goods")
        self.wait_for("#goods-search").send_keys(DEMO_RICE + Keys.ENTER)
        self.wait_text("#goods-panel h2", "#%d" % rice["id"])
        self.assertEqual(self.wait_for("#goods-name").get_attribute("value"),
                         rice["name"])
        # The list shows that item alone.
        rows = self.driver.find_elements(By.CSS_SELECTOR,
                                         "#goods-list tbody tr[data-id]")
        self.assertEqual([r.get_attribute("data-id") for r in rows],
                         [str(rice["id"])])

    def test_name_is_text(self):
        token = self.login_api("manager")
        evil = "<img src=x onerror=alert(1)> %d" % int(time.time() * 1000)
        st, it = self.api("POST", "/api/v1/items",
                          {"name": evil, "category": "测试", "unit": "个",
                           "unit_value_fen": 100, "points": 1}, token=token)
        self.assertEqual(st, 201)
        self.open_console(1280)
        self.console_login("manager")
        self.goto("goods?q=" + urllib_quote("<img"))
        self.wait_text("#goods-list", evil)
        self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR,
                                                   "#goods-list img"), [])

    def test_auditor_reads_only(self):
        token = self.login_api("auditor")
        st, rice = self.api("GET", "/api/v1/items/by-barcode/" + DEMO_RICE,
                            token=token)
        self.open_console(1280)
        self.console_login("auditor")
        self.goto("goods?id=%d" % rice["id"])
        self.wait_text("#goods-detail", rice["name"])
        for css in ("#goods-new", "#goods-form", "#goods-barcode-form",
                    "#main form:not(#goods-search-form)", "#goods-save"):
            self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, css),
                             [], css)
        for w in (1280, 768):
            self.screenshot("goods-auditor", w)


def urllib_quote(s):
    from urllib.parse import quote
    return quote(s)


if __name__ == "__main__":
    unittest.main()
