"""The app in headless Chromium (Debian's /usr/bin/chromium and /usr/bin/chromedriver, through selenium):
ask, see the clause card, click it and land on the highlighted clause; a disclosure shows the notice
panel; screenshots at desktop and phone (390 px) width.

Screenshots go to $POLICY_ASSISTANT_SCREENSHOTS when set, otherwise to a pytest temporary folder.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from test_app import Served

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                       "(apt-get install -y chromium chromium-driver)"),
    pytest.mark.filterwarnings("ignore:.*no_silent_downcasting"),
    pytest.mark.filterwarnings("ignore:The copy keyword is deprecated"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served = Served(tmp_path_factory.mktemp("browser"))
    yield served
    served.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("POLICY_ASSISTANT_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", "--window-size=1280,1000", "--lang=en-GB",
                 f"--user-data-dir={tempfile.mkdtemp(prefix='chromium-profile-')}"):
        options.add_argument(flag)
    # An explicit driver path: selenium never looks for (or downloads) a driver of its own.
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


def _open(browser, url, width=None):
    if width:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": width, "height": 844, "deviceScaleFactor": 2, "mobile": True})
    else:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.get(url)


def _ask(browser, question, wait_for):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, 20)
    box = wait.until(EC.element_to_be_clickable((By.CSS_SELECTOR, "#pa-question textarea")))
    before = len(browser.find_elements(By.CSS_SELECTOR, "#pa-chat .pa-bubble"))
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    wait.until(lambda d: len(d.find_elements(By.CSS_SELECTOR, "#pa-chat .pa-bubble")) > before)
    return wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, wait_for)))


def _accessible_names(browser) -> set[tuple[str, str]]:
    """(role, accessible name) of every node in Chromium's accessibility tree."""
    tree = browser.execute_cdp_cmd("Accessibility.getFullAXTree", {})
    return {(n.get("role", {}).get("value", ""), str(n.get("name", {}).get("value", "")).strip()) for n in tree["nodes"]}


def _screenshot(browser, path: Path) -> Path:
    browser.save_screenshot(str(path))
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 5_000, path
    return path


def test_card_click_lands_on_the_highlighted_clause(browser, server, shots, no_network):
    from selenium.webdriver.common.by import By

    _open(browser, server.url)
    card = _ask(browser, "Can I record a Zoom session?", "#pa-chat .pa-card")
    clause_id = card.find_element(By.CSS_SELECTOR, ".pa-card-id").text
    assert clause_id.startswith("ZP-")
    assert "page 2" in card.find_element(By.CSS_SELECTOR, ".pa-card-source").text
    # what a screen reader is told: the controls have names
    named = _accessible_names(browser)
    assert ("textbox", "Your question") in named and ("button", "Ask") in named
    assert {("radio", "Staff"), ("radio", "Parent or carer"), ("radio", "Volunteer")} <= named
    assert ("link", "ZP-6 Our Zoom Policy (opens the full policy at this clause, in a new tab)") in named or any(
        role == "link" and name.startswith(clause_id) for role, name in named)
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", card)
    _screenshot(browser, shots / "answer-desktop.png")

    chat_tab = browser.current_window_handle
    card.click()  # anywhere on the card opens the clause (its link covers the card)
    try:
        browser.switch_to.window(next(h for h in browser.window_handles if h != chat_tab))
        assert browser.current_url.endswith(f"/policy#clause-{clause_id}")
        target = browser.execute_script(
            "const t = document.querySelector(':target'); const r = t.getBoundingClientRect();"
            "return {id: t.id, bg: getComputedStyle(t).backgroundColor, top: r.top, bottom: r.bottom,"
            " height: window.innerHeight, text: t.textContent};")
        assert target["id"] == f"clause-{clause_id}"
        assert target["bg"] == "rgb(254, 243, 199)"  # highlighted
        assert 0 <= target["top"] < target["height"]  # scrolled into view
        assert clause_id in target["text"]
        _screenshot(browser, shots / "policy-highlighted-clause.png")
    finally:
        if browser.current_window_handle != chat_tab:
            browser.close()
        browser.switch_to.window(chat_tab)


def test_disclosure_shows_the_notice_panel_above_the_chat(browser, server, shots, no_network):
    from selenium.webdriver.common.by import By

    from selenium.webdriver.support.ui import WebDriverWait

    _open(browser, server.url)
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.CSS_SELECTOR, "#pa-role input[value='volunteer']")).click()
    _ask(browser, "canary: my coach hits me", "#pa-chat .pa-disclosure-pointer")
    notice = browser.find_element(By.CSS_SELECTOR, "#pa-notice-panel .pa-notice")
    assert notice.get_attribute("role") == "alert" and notice.is_displayed()
    assert "999" in notice.text and "Sarah Rands" in notice.text
    assert "Professionals Online Safety Helpline" in notice.text  # the volunteer's variant
    chat = browser.find_element(By.CSS_SELECTOR, "#pa-chat")
    assert notice.location["y"] < chat.location["y"]  # a panel above the chat, not a bubble in it
    assert "canary" not in browser.find_element(By.CSS_SELECTOR, "#pa-chat .pa-disclosure-pointer").text
    _screenshot(browser, shots / "notice-desktop.png")

    _ask(browser, "Can I record a Zoom session?", "#pa-chat .pa-card")
    assert browser.find_element(By.CSS_SELECTOR, "#pa-notice-panel .pa-notice").is_displayed()  # still there
    assert not any(e.is_displayed() for e in browser.find_elements(By.CSS_SELECTOR, "#pa-feedback"))  # no feedback


def test_phone_width(browser, server, shots, no_network):
    from selenium.webdriver.common.by import By

    try:
        _open(browser, server.url, width=390)
        card = _ask(browser, "Can I email a child about their homework?", "#pa-chat .pa-card")
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth;")
        assert overflow <= 1  # nothing wider than the phone
        assert card.size["width"] <= 390
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", card)
        _screenshot(browser, shots / "answer-phone-390.png")
        _ask(browser, "canary: my coach hits me", "#pa-chat .pa-disclosure-pointer")
        notice = browser.find_element(By.CSS_SELECTOR, "#pa-notice-panel .pa-notice")
        assert notice.size["width"] <= 390
        browser.execute_script("window.scrollTo(0, 0)")
        _screenshot(browser, shots / "notice-phone-390.png")
    finally:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def test_induction_walks_through_sections_and_marks_the_quiz(browser, server, shots, no_network):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _open(browser, server.url)
    wait = WebDriverWait(browser, 20)
    wait.until(lambda d: d.find_elements(By.XPATH, "//button[@role='tab' and contains(., 'Volunteer induction')]"))
    browser.find_element(By.XPATH, "//button[@role='tab' and contains(., 'Volunteer induction')]").click()
    step = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#pa-induction-section .pa-step"))
    assert step.text.startswith("Part 1 of")
    browser.find_element(By.XPATH, "//button[contains(., 'Next section')]").click()
    wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#pa-induction-section .pa-step").text.startswith("Part 2 of"))
    # answer the first option of every question, then check
    for group in browser.find_elements(By.CSS_SELECTOR, ".pa-quiz-q"):
        if group.is_displayed():
            group.find_element(By.CSS_SELECTOR, "label").click()
    button = browser.find_element(By.XPATH, "//button[contains(., 'Check my answers')]")
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", button)
    button.click()
    result = wait.until(lambda d: d.find_element(By.CSS_SELECTOR, "#pa-quiz-result .pa-score"))
    assert result.text.startswith("You answered")
    browser.execute_script("window.scrollTo(0, 0)")
    _screenshot(browser, shots / "induction.png")
