"""What the tests of the households, grants, distributions and funds pages
share: navigating within the console and waiting for the page drawn
anew, the confirm dialog, resident id numbers with their check digit,
and households registered through the API."""

import datetime

from selenium.webdriver.common.by import By

WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def id_number(seq, born="19800101", area="310101"):
    """An 18-character resident id with the right ISO 7064 MOD 11-2
    check character."""
    body = area + born + "%03d" % seq
    s = sum(int(c) * w for c, w in zip(body, WEIGHTS))
    return body + "10X98765432"[s % 11]


def wrong_check(idn):
    """The same id with another check character."""
    return idn[:17] + ("1" if idn[17] != "1" else "2")


def mark_main(case):
    """Mark the page on show, so a wait can tell the next one from it."""
    case.driver.execute_script(
        "var m = document.getElementById('main');"
        "if (m) m.setAttribute('data-old', '1');")


def wait_page(case, page=None):
    """The page drawn anew (after mark_main) and ready."""
    sel = "#main[data-ready]:not([data-old])"
    if page:
        sel = '#main[data-page="%s"][data-ready]:not([data-old])' % page
    return case.wait_for(sel, visible=False)


def goto(case, hash_):
    """Go to #/HASH as a link would (or reload, as F5 would, when the page
    is there already), and wait for the page."""
    mark_main(case)
    if case.driver.execute_script("return location.hash;") == "#/" + hash_:
        case.driver.refresh()
    else:
        case.driver.execute_script("location.hash = arguments[0];",
                                   "#/" + hash_)
    return wait_page(case)


def login(case, user, width=1280):
    case.open_console(width)
    case.console_login(user)
    case.wait_for("#main[data-ready]", visible=False)


def confirm_dialog(case, ok=True):
    case.wait_for("dialog.confirm[open]")
    case.driver.find_element(
        By.CSS_SELECTOR, "#confirm-ok" if ok else "#confirm-cancel").click()
    case.wait_gone("dialog.confirm")


def type_into(case, css, text, clear=True):
    e = case.wait_for(css)
    if clear:
        e.clear()
    e.send_keys(text)
    return e


def set_value(case, css, value):
    """A date or month control's value, as its picker would set it (the
    typed form of a date depends on the browser's locale)."""
    e = case.wait_for(css)
    case.driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
        e, value)
    return e


def store_today(case):
    """The store's today: a session lasts 12 hours, and its expires_at is
    written in the store's zone."""
    st, j = case.api("POST", "/api/v1/sessions",
                     {"username": "auditor", "password": "auditor-demo"})
    assert st == 201, (st, j)
    t = datetime.datetime.fromisoformat(j["expires_at"])
    return (t - datetime.timedelta(hours=12)).date().isoformat()


def new_household(case, token, seq, **kw):
    """A household registered through the API; its JSON."""
    body = {"card_code": "PB%04d" % seq, "head_name": "测试户%d" % seq,
            "id_number": id_number(seq), "members": 2,
            "category": "low_income", "street": "测试街道",
            "valid_from": "2020-01-01", "valid_to": "2099-12-31"}
    body.update(kw)
    st, j = case.api("POST", "/api/v1/households", body, token=token)
    if st != 201:
        raise AssertionError("register %s: %d %s" % (body, st, j))
    return j
