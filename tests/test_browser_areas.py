"""The app's other areas in headless Chromium, as in tests/test_browser.py (whose browser, server and
helpers these share): the volunteer induction and its printed quiz result, the admin area on a phone
with document names shown as text, and the policy page wrapping a 120,000-character line.
"""

from __future__ import annotations

from dataclasses import replace

from assistant.ui.pages import policy_page_html
from test_app import Served
from test_browser import (PHONE, SCROLL_BOXES_JS, _click, _contrast_failures, _open, _screenshot, _wait,  # noqa: F401
                          browser, pytestmark, server, shots)


# --- induction and admin ------------------------------------------------------------------------------


def test_induction_walks_through_sections_and_the_quiz_result_prints(browser, server, shots, no_network):  # noqa: F811 (fixtures imported from test_browser)
    _open(browser, server.url)
    tab = _wait(browser, lambda d: d.find_element("xpath", "//button[@role='tab' and contains(., 'Volunteer induction')]"))
    _click(browser, tab)
    step = _wait(browser, lambda d: d.find_element("css selector", "#pa-induction-section .pa-step"))
    assert step.text.startswith("Part 1 of")
    assert browser.find_element("css selector", "#pa-induction-section .pa-induction-title").text == "Introduction"
    _click(browser, browser.find_element("xpath", "//button[contains(., 'Next section')]"))
    _wait(browser, lambda d: d.find_element("css selector", "#pa-induction-section .pa-step").text.startswith("Part 2 of"))
    groups = [g for g in browser.find_elements("css selector", ".pa-quiz-q") if g.is_displayed()]
    assert groups and all("What does the policy say?" in g.text for g in groups)
    for group in groups:  # the first option of every question
        _click(browser, group.find_element("css selector", "label"))
    _click(browser, browser.find_element("css selector", "#pa-quiz-check"))
    result = _wait(browser, lambda d: d.find_element("css selector", "#pa-quiz-result .pa-score"))
    assert result.text.startswith("You answered")
    assert _wait(browser, lambda d: d.find_element("css selector", "#pa-quiz-print")).is_displayed()
    assert browser.find_element("css selector", "#pa-quiz-download").is_displayed()
    assert _contrast_failures(browser) == []
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        printed = browser.execute_script(
            "const v = (s) => { const e = document.querySelector(s); return e && getComputedStyle(e).visibility; };"
            "return {result: v('#pa-quiz-result .pa-score'), header: v('#pa-header h1'), sign: v('.pa-sign'),"
            " signShown: getComputedStyle(document.querySelector('.pa-quiz-print .pa-print-only')).display};")
    finally:
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert printed == {"result": "visible", "header": "hidden", "sign": "visible", "signShown": "block"}
    _screenshot(browser, shots / "induction-quiz.png")


def test_admin_area_on_a_phone_shows_file_names_as_text(browser, tmp_path, shots, no_network):  # noqa: F811
    from selenium.webdriver.common.keys import Keys

    odd = "![x](http:127.0.0.1:9 x.png) [click](http:example.org).txt"
    served = Served(tmp_path, admin_password="phone-admin-pw",
                    extra_files={odd: "Visitors\nVisitors must sign in at the front desk.\n"})
    try:
        _open(browser, served.url, PHONE[0], dark=True)
        _click(browser, _wait(browser, lambda d: d.find_element("xpath", "//button[@role='tab' and contains(., 'Admin')]")))
        password = _wait(browser, lambda d: d.find_element("css selector", "input[type='password']"))
        password.send_keys("wrong")
        password.send_keys(Keys.ENTER)
        _wait(browser, lambda d: "not right" in d.find_element("css selector", "#pa-admin-status").text)
        browser.execute_script("return new Promise((done) => setTimeout(done, 1100))")  # the delay after a wrong try
        password.clear()
        password.send_keys("phone-admin-pw")
        password.send_keys(Keys.ENTER)
        docs = _wait(browser, lambda d: d.find_element("css selector", "#pa-admin-docs .pa-admin-docs"))
        assert odd in docs.text  # the name as written, as text
        assert not docs.find_elements("css selector", "img, a")  # never a live link or an image
        layout = browser.execute_script(SCROLL_BOXES_JS)
        assert layout["wider"] <= 0, layout  # nothing cut off or wider than the phone
        assert _contrast_failures(browser, "#pa-admin-area *") == []
        browser.execute_script("arguments[0].scrollIntoView({block: 'start'}); window.scrollBy(0, -120)", docs)
        _screenshot(browser, shots / "admin-phone-dark.png")
    finally:
        served.close()


def test_policy_page_wraps_a_very_long_line(browser, tmp_path, no_network):  # noqa: F811
    from ingest.clauses import build_clauses
    from ingest.load import load_document

    from conftest import POLICY_PDF

    clause = build_clauses(load_document(POLICY_PDF))[0]
    page = tmp_path / "policy.html"
    page.write_text(policy_page_html([replace(clause, text="x" * 120_000)]), encoding="utf-8")
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.get(page.as_uri())
    wider = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    assert wider <= 0
