"""今日 in a browser: each figure is the API's (today's distributions net
of a void, the month's notice, low and expiring stock, households to
renew, the month's grant, last month's notice, open offline conflicts),
each links to its page, the page makes the eight GETs docs/console.md
lists and no others; open offline conflicts resolved in the page both
ways (按原单补记 and 记为离线损耗, a reason required), each checked
through the API; an auditor sees no write form, not even for a
conflict."""

import datetime
import unittest
from urllib.parse import urlsplit

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from harness import ConsoleCase

# What the page asks, in docs/console.md's words (D today, M this month).
TODAY_GETS = [
    "/api/v1/distributions?from=D&to=D&limit=500",
    "/api/v1/notices/M",
    "/api/v1/stock?low=true&limit=500",
    "/api/v1/stock?expiring_within_days=14&limit=500",
    "/api/v1/households?status=active&expiring_within_days=30&limit=500",
    "/api/v1/grants/monthly",
    "/public/notices",
    "/api/v1/offline-conflicts?limit=500",
]


def num(n):
    return format(n, ",")


class TodayTest(ConsoleCase):

    def setUp(self):
        super().setUp()
        self.token = self.login_api("manager")

    def get(self, path, token=None):
        st, j = self.api("GET", path, token=token or self.token)
        self.assertEqual(st, 200, (path, j))
        return j

    def goto(self, page):
        self.driver.execute_script("location.hash = arguments[0];",
                                   "#/" + page)
        return self.wait_for('#main[data-page="%s"][data-ready]'
                             % page.split("?")[0])

    def figure(self, name):
        return self.wait_for("#today-%s-value" % name).text

    def store_day(self):
        """The store's today, from the server (the public notice's as_of)."""
        month = self.get("/public/notices")["items"][0]["period"]
        return self.get("/public/notices/" + month)["as_of"], month

    def test_figures_are_the_apis(self):
        day, month = self.store_day()
        dists = self.get("/api/v1/distributions?limit=500&from=%s&to=%s"
                         % (day, day))["items"]
        self.assertGreaterEqual(len(dists), 2)
        # One of today's receipts voided: the page counts the others.
        st, _ = self.api("POST", "/api/v1/distributions/%d/void"
                         % dists[0]["id"],
                         {"client_id": "today-void-1", "reason": "测试作废"},
                         token=self.token)
        self.assertEqual(st, 201)
        live = [d for d in dists[1:] if not d["voided"]]
        notice = self.get("/api/v1/notices/" + month)
        stock = self.get("/api/v1/stock?limit=500")["items"]
        soon = (datetime.date.fromisoformat(day) +
                datetime.timedelta(days=14)).isoformat()
        expiring = [x for r in stock for x in r["lots"]
                    if x["expires_on"] and x["expires_on"] <= soon]
        houses = self.get("/api/v1/households?status=active&"
                          "expiring_within_days=30&limit=500")["items"]
        grant = self.get("/api/v1/grants/monthly")
        self.assertTrue(grant["ran"])  # the demo granted this month

        self.open_console(1280)
        self.console_login("manager")
        self.wait_for('#main[data-page="today"][data-ready]')
        self.assertEqual(self.figure("dist-count"), num(len(live)))
        self.assertEqual(self.figure("dist-points"),
                         num(sum(d["points_total"] for d in live)))
        self.assertIn("1 张已作废", self.wait_for("#today-dist-count").text)
        self.assertEqual(self.figure("month-points"),
                         num(notice["points"]["redeemed"]))
        self.assertEqual(self.figure("month-households"),
                         str(notice["households_served"]["households"]))
        self.assertEqual(self.figure("month-goods"), num(
            notice["uses"]["goods_distributed_quantity"]) + " 件")
        self.assertEqual(self.figure("low-count"),
                         num(len([r for r in stock if r["low"]])))
        self.assertEqual(self.figure("expiring-count"), num(len(expiring)))
        self.assertEqual(self.figure("households-count"), num(len(houses)))
        for h in houses[:8]:
            self.assertIn(h["valid_to"],
                          self.wait_for("#today-households").text)
        g = self.wait_for("#today-grant").text
        self.assertIn("已发放", g)
        self.assertIn("%s 户" % num(grant["households"]), g)
        y, m = int(month[:4]), int(month[5:])
        prev = "%04d-%02d" % ((y, m - 1) if m > 1 else (y - 1, 12))
        last = [n for n in self.get("/public/notices")["items"]
                if n["period"] == prev]
        self.assertIn("没有需要公示的数据" if not last else
                      "公示已发布" if last[0]["published"] else "尚未发布",
                      self.wait_for("#today-notice").text)
        for w in (1280, 768):
            self.screenshot("today", w)

        # Each figure leads to its page.
        hrefs = {k: self.wait_for("#today-" + k).get_attribute("href")
                 for k in ("dist-count", "low-count", "expiring-count",
                           "households-count", "month-points")}
        self.assertTrue(hrefs["dist-count"].endswith(
            "#/distributions?from=%s&to=%s" % (day, day)))
        self.assertTrue(hrefs["low-count"].endswith("#/stock?low=1"))
        self.assertTrue(hrefs["expiring-count"].endswith(
            "#/stock?expiring_within_days=14"))
        self.assertTrue(hrefs["households-count"].endswith(
            "#/households?expiring_within_days=30"))
        self.assertTrue(hrefs["month-points"].endswith(
            "#/notices?period=" + month))
        self.wait_for("#today-expiring-count").click()
        self.wait_for('#main[data-page="stock"][data-ready]')
        self.assertEqual(self.wait_for("#stock-expiring")
                         .get_attribute("value"), "14")

    def test_the_gets_it_makes(self):
        day, month = self.store_day()
        self.open_console(1280)
        self.console_login("manager")
        self.wait_for('#main[data-page="today"][data-ready]')
        self.goto("goods")
        self.driver.execute_script("performance.clearResourceTimings();")
        self.goto("today")
        names = self.driver.execute_script(
            "return performance.getEntriesByType('resource')"
            ".map((e) => e.name);")
        asked = sorted(p.path + ("?" + p.query if p.query else "")
                       for p in map(urlsplit, names)
                       if p.path.startswith(("/api/", "/public/")))
        self.assertEqual(asked, sorted(
            g.replace("D", day).replace("M", month) for g in TODAY_GETS))

    def test_offline_conflicts(self):
        self.open_console(1280)
        self.console_login("manager")
        self.wait_for('#main[data-page="today"][data-ready]')
        self.assertIn("没有待处理的离线冲突",
                      self.wait_for("#today-conflicts-line").text)
        item = self.get("/api/v1/items?limit=1")["items"][0]
        card = self.get("/api/v1/households?limit=1")["items"][0]
        st, c = self.api("POST", "/api/v1/offline-conflicts", token=self.token,
                         body={"client_id": "c-today-1", "till_id": "T1",
                               "local_no": "L-T1-7",
                               "household_card": card.get("card_code", "X"),
                               "lines": [{"item_id": item["id"],
                                          "quantity": 2}],
                               "refusal": {"code": "limit_exceeded"}})
        self.assertEqual(st, 201, c)
        self.goto("goods")
        self.goto("today")
        self.assertIn("1 笔离线冲突待店长处理",
                      self.wait_for("#today-conflicts-line").text)
        rows = self.wait_for("#today-conflicts").text
        self.assertIn("L-T1-7", rows)
        self.assertIn("超过本月限量", rows)
        self.assertIn(item["name"] + " ×2", rows)
        self.assertNotIn("limit_exceeded", rows)

    def conflict(self, cid, local_no):
        """An open offline conflict of two of an item in stock, on a
        household's card (so that 按原单补记 can post it)."""
        stock = self.get("/api/v1/stock?limit=500")["items"]
        item = next(r for r in stock if r["on_hand"] >= 10)
        st, c = self.api("POST", "/api/v1/offline-conflicts", token=self.token,
                         body={"client_id": cid, "till_id": "T1",
                               "local_no": local_no,
                               "household_card": "HH0001",
                               "lines": [{"item_id": item.get(
                                   "item_id", item.get("id")),
                                   "quantity": 2}],
                               "refusal": {"code": "limit_exceeded"}})
        self.assertEqual(st, 201, c)
        return c

    def resolve_in_page(self, c, as_, reason):
        pre = "#conflict-%d" % c["id"]
        Select(self.wait_for(pre + "-as")).select_by_value(as_)
        r = self.wait_for(pre + "-reason")
        r.clear()
        r.send_keys(reason)
        self.driver.find_element(By.CSS_SELECTOR, pre + "-resolve").click()

    def test_resolve_conflicts(self):
        over = self.conflict("c-today-over", "L-T1-21")
        lost = self.conflict("c-today-lost", "L-T1-22")
        self.open_console(1280)
        self.console_login("manager")
        self.wait_for('#main[data-page="today"][data-ready]')
        for w in (1280, 768):
            self.screenshot("today-conflicts", w)
        self.driver.set_window_size(1280, 900)
        # A reason is required: nothing is sent without one.
        self.resolve_in_page(over, "override", "   ")
        self.wait_text("#conflict-%d .form-error" % over["id"], "请填写原因")
        self.assertIn(over["id"], [c["id"] for c in self.get(
            "/api/v1/offline-conflicts?limit=500")["items"]])
        self.resolve_in_page(over, "override", "停电时发放，店长确认")
        self.wait_text("#flash", "L-T1-21 已按原单补记，小票 ")
        flash = self.wait_for("#flash").text
        self.assertEqual(self.driver.find_elements(
            By.CSS_SELECTOR, "#conflict-%d" % over["id"]), [])
        self.resolve_in_page(lost, "write_off", "<b>货已丢失</b>")
        self.wait_text("#flash", "L-T1-22 已记为离线损耗")
        self.assertEqual(self.driver.find_elements(
            By.CSS_SELECTOR, "#conflict-%d" % lost["id"]), [])
        done = {c["id"]: c for c in self.get(
            "/api/v1/offline-conflicts?status=resolved&limit=500")["items"]}
        r = done[over["id"]]["resolution"]
        self.assertEqual((r["as"], r["reason"]),
                         ("override", "停电时发放，店长确认"))
        self.assertIn("小票 " + r["receipt_no"], flash)
        d = self.get("/api/v1/distributions/%d" % r["distribution_id"])
        self.assertEqual(d["receipt_no"], r["receipt_no"])
        r = done[lost["id"]]["resolution"]
        self.assertEqual((r["as"], r["reason"]),
                         ("write_off", "<b>货已丢失</b>"))
        self.assertIsNone(r.get("distribution_id"))
        self.screenshot("today-conflicts-resolved", 1280)

    def test_auditor_reads_only(self):
        c = self.conflict("c-today-audit", "L-T1-20")
        self.open_console(1280)
        self.console_login("auditor")
        self.wait_for('#main[data-page="today"][data-ready]')
        self.assertIn("L-T1-20", self.wait_for("#today-conflicts").text)
        self.assertNotEqual(self.figure("dist-count"), "—")
        self.assertNotEqual(self.figure("low-count"), "—")
        for css in ("#main form", "#main button", "#main input",
                    "#main select", "#main textarea"):
            self.assertEqual(self.driver.find_elements(By.CSS_SELECTOR, css),
                             [], css)
        for w in (1280, 768):
            self.screenshot("today-auditor", w)
        # Leave no conflict open for the other tests.
        st, j = self.api("POST", "/api/v1/offline-conflicts/%d/resolve"
                         % c["id"], token=self.token,
                         body={"as": "write_off", "reason": "测试"})
        self.assertEqual(st, 200, j)


if __name__ == "__main__":
    unittest.main()
