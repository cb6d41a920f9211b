"""公示 in a browser: this month live, a closed month's summary, its
publishing behind the confirm dialog (checked through /public/notices),
the warning on a month without figures, the auditor's read-only view;
screenshots at 1280 and 768 px.

The demo store is made as if a month ago (libfaketime on `cishan-server
demo` only, the server itself runs on the real clock), so last month has
figures, and so may the month before (a donation counts in the month it
was received, and the demo's are dated up to a few weeks back); the month
three back has none. libfaketime is required (`make
deps` installs it); without it the suite fails rather than skip. Under
ASan the preloaded library comes before the sanitizer's runtime, which
is harmless here and is allowed by ASAN_OPTIONS.
"""

import datetime
import os
import unittest

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

import harness
from harness import ConsoleCase

FAKETIME_LIBS = ("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
                 "/usr/lib/faketime/libfaketime.so.1")
FAKETIME = next((p for p in FAKETIME_LIBS if os.path.exists(p)), None)


def add_months(period, n):
    m = int(period[:4]) * 12 + int(period[5:7]) - 1 + n
    return "%04d-%02d" % (m // 12, m % 12 + 1)


def yuan(fen):
    s = "%d" % abs(fen)
    s = s.rjust(3, "0")
    return ("-" if fen < 0 else "") + "¥" + \
        "{:,}".format(int(s[:-2])) + "." + s[-2:]


def a_month_ago():
    """The 15th of last month: far from either end, whatever the zone."""
    t = datetime.datetime.now(datetime.timezone.utc)
    first = t.replace(day=1)
    mid = (first - datetime.timedelta(days=1)).replace(day=15, hour=4,
                                                       minute=0, second=0)
    return mid.strftime("@%Y-%m-%d %H:%M:%S")


def no_figures(n):
    s, u, p = n["sources"], n["uses"], n["points"]
    return (s["cash_total_fen"] == 0 and s["in_kind_total_fen"] == 0 and
            s["purchased_total_fen"] == 0 and
            u["goods_distributed_quantity"] == 0 and
            u["fund_expenses_total_fen"] == 0 and
            u["write_offs_total_fen"] == 0 and
            n["households_served"]["households"] == 0 and
            p["granted"] == 0)


class NoticesTest(ConsoleCase):

    @classmethod
    def setUpClass(cls):
        if FAKETIME is None:
            raise RuntimeError("libfaketime is missing: apt-get install"
                               " faketime (make deps does)")
        real_call = harness.subprocess.call

        def demo_a_month_ago(args, **kw):
            asan = os.environ.get("ASAN_OPTIONS", "")
            env = dict(os.environ, LD_PRELOAD=FAKETIME,
                       FAKETIME=a_month_ago(),
                       ASAN_OPTIONS=(asan + ":" if asan else "") +
                       "verify_asan_link_order=0")
            return real_call(args, env=env, **kw)

        harness.subprocess.call = demo_a_month_ago
        try:
            super().setUpClass()
        finally:
            harness.subprocess.call = real_call

    def periods(self):
        status, j = self.api("GET", "/public/notices")
        self.assertEqual(status, 200)
        now = j["items"][0]["period"]
        return now, add_months(now, -1), add_months(now, -2), j["items"]

    def listed(self, period):
        for it in self.api("GET", "/public/notices")[1]["items"]:
            if it["period"] == period:
                return it
        return None

    def open_as(self, user, hash_, width=1280):
        self.open_console(width)
        self.console_login(user)
        self.driver.get(self.server.url + "/console/" + hash_)
        self.wait_for("#main[data-ready]")
        return self.wait_for("#notices-summary")

    def test_this_month_live(self):
        now, _, _, _ = self.periods()
        tok = self.login_api("manager")
        status, n = self.api("GET", "/api/v1/notices/" + now, token=tok)
        self.assertEqual(status, 200)
        self.open_as("manager", "#/notices")
        self.wait_text("#notices-status", "本月进行中")
        self.assertEqual(Select(self.driver.find_element(
            By.CSS_SELECTOR, "#notices-period")).first_selected_option
            .get_attribute("value"), now)
        self.assertIn(yuan(n["sources"]["cash_total_fen"]),
                      self.driver.find_element(
                          By.CSS_SELECTOR, "#notices-cash").text)
        self.assertEqual(self.driver.find_element(
            By.CSS_SELECTOR, "#notices-head").text,
            n["ledger_head"] or "（尚无记录）")
        # This month cannot be published yet: no button, a note instead.
        self.wait_for("#notices-open")
        self.assertEqual(
            self.driver.find_elements(By.CSS_SELECTOR, "#notices-publish"),
            [])
        # The public page is linked.
        self.assertTrue(self.driver.find_element(
            By.CSS_SELECTOR, "#notices-public").get_attribute("href")
            .endswith("/"))
        for w in (1280, 768):
            self.screenshot("notices", w)

    def test_publish_last_month(self):
        now, last, _, _ = self.periods()
        tok = self.login_api("manager")
        status, n = self.api("GET", "/api/v1/notices/" + last, token=tok)
        self.assertEqual(status, 200)
        self.assertFalse(no_figures(n), "the demo left %s empty" % last)
        self.assertFalse(self.listed(last)["published"])
        self.open_as("manager", "#/notices")
        # Picked from the month list, as a person would.
        Select(self.driver.find_element(By.CSS_SELECTOR, "#notices-period")
               ).select_by_value(last)
        self.wait_text("#notices-status", "未发布")
        self.wait_for("#notices-publish")
        self.assertIn(yuan(n["sources"]["cash_total_fen"]),
                      self.driver.find_element(
                          By.CSS_SELECTOR, "#notices-cash").text)
        self.assertEqual(self.driver.find_elements(
            By.CSS_SELECTOR, "#notices-empty-warning"), [])
        self.screenshot("notices-publish", 768)
        self.screenshot("notices-publish", 1280)
        # Cancelled: nothing published.
        self.driver.find_element(By.CSS_SELECTOR, "#notices-publish").click()
        self.wait_for("dialog.confirm")
        self.driver.find_element(By.CSS_SELECTOR, "#confirm-cancel").click()
        self.wait_gone("dialog.confirm")
        self.assertFalse(self.listed(last)["published"])
        # Confirmed: published, and the page says so.
        self.driver.find_element(By.CSS_SELECTOR, "#notices-publish").click()
        self.wait_for("#confirm-ok").click()
        self.wait_for("#notices-done")
        self.wait_text("#notices-status", "已发布")
        self.wait_text("#flash", "已发布 " + last)
        it = self.listed(last)
        self.assertIsNotNone(it)
        self.assertTrue(it["published"])
        status, pub = self.api("GET", "/public/notices/" + last)
        self.assertEqual(status, 200)
        self.assertFalse(pub["provisional"])
        self.assertIn("published_at", pub)
        self.assertEqual(pub["sources"]["cash_total_fen"],
                         n["sources"]["cash_total_fen"])
        # The published list links to what the public sees.
        row = self.wait_for('#notices-published tr[data-period="%s"]' % last)
        self.assertEqual(row.get_attribute("data-published"), "1")
        hrefs = [a.get_attribute("href")
                 for a in row.find_elements(By.TAG_NAME, "a")]
        self.assertIn(self.server.url + "/public/notices/" + last, hrefs)

    def test_month_without_figures(self):
        now, _, _, _ = self.periods()
        empty = add_months(now, -3)
        tok = self.login_api("manager")
        status, n = self.api("GET", "/api/v1/notices/" + empty, token=tok)
        self.assertEqual(status, 200)
        self.assertTrue(no_figures(n), "%s has figures: %s" % (empty, n))
        self.open_as("manager", "#/notices?period=" + empty)
        warn = self.wait_for("#notices-empty-warning")
        self.assertIn("没有任何收支记录", warn.text)
        self.assertIn(empty, warn.text)
        for w in (1280, 768):
            self.screenshot("notices-empty", w)
        # The dialog repeats the warning; published anyway, it is listed.
        self.driver.find_element(By.CSS_SELECTOR, "#notices-publish").click()
        dlg = self.wait_for("dialog.confirm")
        self.assertIn("没有任何收支记录", dlg.text)
        self.driver.find_element(By.CSS_SELECTOR, "#confirm-ok").click()
        self.wait_for("#notices-done")
        self.assertTrue(self.listed(empty)["published"])

    def test_this_month_refused(self):
        # Should the page offer it, the server refuses: period_open.
        now, _, _, _ = self.periods()
        tok = self.login_api("manager")
        status, j = self.api("POST", "/api/v1/notices/%s/publish" % now,
                             token=tok)
        self.assertEqual(status, 422)
        self.assertEqual(j["error"]["code"], "period_open")
        self.assertFalse(self.listed(now)["published"])

    def test_auditor_reads_only(self):
        # No test publishes the month before last (unlisted: no figures).
        _, _, p, _ = self.periods()
        self.assertFalse((self.listed(p) or {}).get("published"))
        self.open_as("auditor", "#/notices?period=" + p)
        self.wait_text("#notices-status", "未发布")
        self.assertEqual(
            self.driver.find_elements(By.CSS_SELECTOR, "#notices-publish"),
            [])
        self.assertEqual(self.driver.find_elements(
            By.CSS_SELECTOR, "#main button"), [])
        self.screenshot("notices-auditor", 1280)


if __name__ == "__main__":
    unittest.main()
