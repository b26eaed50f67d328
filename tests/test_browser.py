"""The app in headless Chromium (Debian's /usr/bin/chromium and /usr/bin/chromedriver, through selenium),
as its users meet it: at 1280 px and on a 390 px phone, in light and dark mode (the colour scheme
emulated through the DevTools protocol).

Checked here: computed colours meet WCAG AA contrast everywhere on the page, the safeguarding notice
included; the newest answer is scrolled into view; on a phone the question box is on the first
screen; no scrolling box inside the page and nothing wider than the screen; Get help now; Quick exit;
the young person's notice kept for the rest of the conversation; feedback under every answer with
text labels; arrow keys and a focus ring on the role choice; a card click lands on the highlighted
clause. The induction, the admin area and the policy page are tests/test_browser_areas.py.

Screenshots go to $POLICY_ASSISTANT_SCREENSHOTS when set, otherwise to a pytest temporary folder.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

from assistant.feedback import read_feedback
from test_app import Served
from test_handlers import ChildRouter

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PHONE = (390, 844)
NEUTRAL = "about:blank"  # where Quick exit goes in these tests (offline); the product's default is a public page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium "
                       "(apt-get install -y chromium chromium-driver)"),
]

# Every visible element with text of its own: its colour against the background it is painted on
# (semi-transparent layers blended), and the ratio WCAG AA asks of it (3:1 for large text, else 4.5:1).
CONTRAST_JS = r"""
const parse = (c) => { const m = c && c.match(/rgba?\(([^)]+)\)/); if (!m) return null;
  const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(parseFloat); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
const lum = (c) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
const blend = (top, under) => ({r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
  b: top.b * top.a + under.b * (1 - top.a), a: 1});
const background = (el) => { const layers = [];
  for (let e = el; e; e = e.parentElement) { const bg = parse(getComputedStyle(e).backgroundColor);
    if (bg && bg.a > 0) { layers.push(bg); if (bg.a >= 1) break; } }
  let c = {r: 255, g: 255, b: 255, a: 1}; for (const layer of layers.reverse()) c = blend(layer, c); return c; };
const shown = (el) => { for (let e = el; e; e = e.parentElement) { const s = getComputedStyle(e);
  if (s.display === 'none' || s.visibility === 'hidden' || s.opacity === '0') return false; } return el.getClientRects().length > 0; };
const out = [];
for (const el of document.querySelectorAll(arguments[0])) {
  const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent).join('').trim();
  if (!text || !shown(el)) continue;
  const s = getComputedStyle(el); const box = el.getBoundingClientRect();
  if (box.width < 2 || box.height < 2 || s.clip === 'rect(0px, 0px, 0px, 0px)') continue;
  const bg = background(el); const fg = blend(parse(s.color), bg);
  const ratio = (Math.max(lum(fg), lum(bg)) + 0.05) / (Math.min(lum(fg), lum(bg)) + 0.05);
  const size = parseFloat(s.fontSize); const large = size >= 24 || (size >= 18.66 && parseInt(s.fontWeight) >= 700);
  out.push({text: text.slice(0, 50), ratio: Math.round(ratio * 100) / 100, needed: large ? 3 : 4.5,
            color: s.color, background: `rgb(${Math.round(bg.r)}, ${Math.round(bg.g)}, ${Math.round(bg.b)})`});
}
return out;
"""

# Elements that scroll on their own inside the page (the page itself excepted), and how much wider
# than the screen the page is.
SCROLL_BOXES_JS = r"""
const boxes = [];
for (const e of document.querySelectorAll('body *')) { const s = getComputedStyle(e);
  if (['auto', 'scroll'].includes(s.overflowY) && e.scrollHeight > e.clientHeight + 1 && e.clientHeight > 0)
    boxes.push(e.tagName + '#' + e.id + '.' + String(e.className).slice(0, 40)); }
return {boxes, wider: document.documentElement.scrollWidth - window.innerWidth};
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    served = Served(tmp_path_factory.mktemp("browser"), admin_password="browser-admin-pw", router=ChildRouter,
                    quick_exit_url=NEUTRAL)
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


def _open(browser, url, width=None, dark=False):
    """Load the page at a desktop width (None) or as a phone of that width, in the colour scheme asked for."""
    if width:
        browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                {"width": width, "height": PHONE[1], "deviceScaleFactor": 2, "mobile": True})
    else:
        browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {
        "media": "", "features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})
    browser.get(url)
    _wait(browser, lambda d: d.find_elements("css selector", "#pa-question textarea"))
    if dark:
        assert browser.execute_script("return document.body.classList.contains('dark')")


def _wait(browser, condition, timeout=20):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, timeout).until(condition)


def _ask(browser, question, wait_for):
    from selenium.webdriver.common.keys import Keys

    box = _wait(browser, lambda d: d.find_element("css selector", "#pa-question textarea"))
    before = len(browser.find_elements("css selector", "#pa-chat .pa-bubble"))
    box.send_keys(question)
    box.send_keys(Keys.ENTER)
    _wait(browser, lambda d: len(d.find_elements("css selector", "#pa-chat .pa-bubble")) > before)
    found = _wait(browser, lambda d: d.find_elements("css selector", wait_for))
    browser.execute_script("return new Promise((done) => setTimeout(done, 250))")  # the scroll after the answer
    return found[-1]


def _click(browser, element):
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def _choose_role(browser, role):
    _click(browser, _wait(browser, lambda d: d.find_element("css selector", f"#pa-role input[value='{role}']")))


def _bubble_text(browser, index: int) -> str:
    """The text of one answer as shown now (read in the page: the chat re-renders as it updates)."""
    return browser.execute_script(
        "const b = document.querySelectorAll('#pa-chat .pa-bubble')[arguments[0]]; return b ? b.innerText : '';", index)


def _accessible_names(browser) -> set[tuple[str, str]]:
    """(role, accessible name) of every node in Chromium's accessibility tree."""
    tree = browser.execute_cdp_cmd("Accessibility.getFullAXTree", {})
    return {(n.get("role", {}).get("value", ""), str(n.get("name", {}).get("value", "")).strip()) for n in tree["nodes"]}


def _screenshot(browser, path: Path) -> Path:
    browser.save_screenshot(str(path))
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 5_000, path
    return path


def _contrast_failures(browser, selector="body *") -> list[dict]:
    return [r for r in browser.execute_script(CONTRAST_JS, selector) if r["ratio"] < r["needed"]]


def _in_view(browser, element) -> dict:
    return browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(); const bar = document.querySelector('#pa-toolbar')"
        ".getBoundingClientRect(); return {top: r.top, bottom: r.bottom, height: window.innerHeight, bar: bar.bottom};",
        element)


# --- as a user meets it: desktop and phone, light and dark ------------------------------------------------


@pytest.mark.parametrize("width,dark", [(None, False), (None, True), (PHONE[0], False), (PHONE[0], True)],
                         ids=["desktop-light", "desktop-dark", "phone-light", "phone-dark"])
def test_readable_in_view_and_without_inner_scrolling_in_light_and_dark(browser, server, shots, no_network, width, dark):
    name = f"{'phone' if width else 'desktop'}-{'dark' if dark else 'light'}"
    _open(browser, server.url, width, dark)
    if width:  # on a phone the question box and Get help now are on the first screen
        for selector in ("#pa-question textarea", "#pa-help", "#pa-exit"):
            box = _in_view(browser, browser.find_element("css selector", selector))
            assert 0 <= box["top"] and box["bottom"] <= box["height"], (selector, box)
        _screenshot(browser, shots / f"start-{name}.png")
    _ask(browser, "What is the capital of France?", "#pa-chat .pa-not-covered")  # first: nothing to lean on
    _ask(browser, "Can I record a Zoom session?", "#pa-chat .pa-card")
    newest = _ask(browser, "Can I email a child about their homework?", "#pa-chat .pa-answer")
    box = _in_view(browser, newest)  # the newest answer in view, below the bar that stays at the top
    assert box["bar"] <= box["top"] < box["height"] * 0.8, box
    question = _in_view(browser, browser.find_element("css selector", "#pa-question textarea"))
    assert question["bottom"] <= question["height"]  # the question box stays on screen
    layout = browser.execute_script(SCROLL_BOXES_JS)
    assert layout["boxes"] == [] and layout["wider"] <= 0, layout
    _screenshot(browser, shots / f"answers-{name}.png")
    assert _contrast_failures(browser) == []

    _ask(browser, "canary: my coach hits me", "#pa-chat .pa-disclosure-pointer")
    notice = browser.find_element("css selector", "#pa-notice-panel .pa-notice")
    assert notice.get_attribute("role") == "alert" and "999" in notice.text and "Sarah Rands" in notice.text
    assert browser.execute_script("return document.activeElement === arguments[0]", notice)  # moved to, for a reader
    box = _in_view(browser, notice)
    assert box["top"] < box["height"] / 2, box
    browser.execute_script("window.scrollBy(0, -60)")  # the bar's own space shown above the notice
    _screenshot(browser, shots / f"notice-{name}.png")
    failures = _contrast_failures(browser)
    assert failures == [], json.dumps(failures, indent=1)
    names = browser.execute_script(CONTRAST_JS, "#pa-notice-panel strong, #pa-header .pa-urgent, #pa-header .pa-urgent *")
    assert any(r["text"].startswith("Designated Safeguarding Lead") or r["text"] == "Sarah Rands" for r in names)
    assert browser.execute_script(SCROLL_BOXES_JS)["wider"] <= 0


def test_card_click_lands_on_the_highlighted_clause(browser, server, shots, no_network):
    _open(browser, server.url)
    card = _ask(browser, "Can I record a Zoom session?", "#pa-chat .pa-card")
    clause_id = card.find_element("css selector", ".pa-card-id").text
    assert clause_id.startswith("ZP-")
    assert "page 2" in card.find_element("css selector", ".pa-card-source").text
    # what a screen reader is told: the controls have names
    named = _accessible_names(browser)
    assert ("textbox", "Your question") in named and ("button", "Ask") in named
    assert {("radio", "Staff"), ("radio", "Parent or carer"), ("radio", "Volunteer")} <= named
    assert {("button", "Get help now"), ("button", "Quick exit"), ("button", "Helpful")} <= named
    assert ("link", "ZP-6 Our Zoom Policy (opens the full policy at this clause, in a new tab)") in named or any(
        role == "link" and name.startswith(clause_id) for role, name in named)
    chat_tab = browser.current_window_handle
    _click(browser, card)  # anywhere on the card opens the clause (its link covers the card)
    try:
        browser.switch_to.window(next(h for h in browser.window_handles if h != chat_tab))
        assert browser.current_url.endswith(f"/policy#clause-{clause_id}")
        target = browser.execute_script(
            "const t = document.querySelector(':target'); const r = t.getBoundingClientRect();"
            "return {id: t.id, bg: getComputedStyle(t).backgroundColor, top: r.top, bottom: r.bottom,"
            " height: window.innerHeight, text: t.textContent, title: document.title};")
        assert target["id"] == f"clause-{clause_id}"
        assert target["bg"] == "rgb(254, 243, 199)"  # highlighted
        assert 0 <= target["top"] < target["height"]  # scrolled into view
        assert clause_id in target["text"]
        assert target["title"].startswith("Online safety policy: every clause")  # not just "Policy"
        _screenshot(browser, shots / "policy-highlighted-clause.png")
    finally:
        if browser.current_window_handle != chat_tab:
            browser.close()
        browser.switch_to.window(chat_tab)


# --- the notice -----------------------------------------------------------------------------------------


def test_a_young_persons_notice_is_kept_and_a_new_conversation_starts_clean(browser, server, shots, no_network):
    _open(browser, server.url, PHONE[0])
    _choose_role(browser, "participant")
    _ask(browser, "child-canary my stepdad hits me", "#pa-chat .pa-disclosure-pointer")
    notice = browser.find_element("css selector", "#pa-notice-panel .pa-notice")
    assert "Childline" in notice.text and "0800 1111" in notice.text
    _ask(browser, "Can I share my screen in a session?", "#pa-chat .pa-notice-reminder")
    assert "Childline" in browser.find_element("css selector", "#pa-notice-panel .pa-notice").text
    _choose_role(browser, "staff")  # another role: still the young person's words
    _wait(browser, lambda d: "Professionals" not in d.find_element("css selector", "#pa-notice-panel").text)
    assert "Childline" in browser.find_element("css selector", "#pa-notice-panel .pa-notice").text
    _screenshot(browser, shots / "young-person-notice-phone.png")
    # one "start again" control: the chat's own clear button is not offered
    assert not [b for b in browser.find_elements("css selector", "#pa-chat .top-panel button, #pa-chat .top-panel")
                if b.is_displayed()]
    _click(browser, browser.find_element("css selector", "#pa-new"))
    _wait(browser, lambda d: not d.find_elements("css selector", "#pa-notice-panel .pa-notice")
          and not d.find_elements("css selector", "#pa-chat .pa-bubble"))


def test_get_help_now_opens_the_notice_and_quick_exit_leaves_nothing(browser, server, shots, no_network):
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
    browser.get("data:text/html,<title>before</title><p>the page before</p>")
    _open(browser, server.url)
    _ask(browser, "Can I record a Zoom session?", "#pa-chat .pa-card")
    assert not browser.find_elements("css selector", "#pa-notice-panel .pa-notice")
    _click(browser, browser.find_element("css selector", "#pa-help"))
    notice = _wait(browser, lambda d: d.find_element("css selector", "#pa-notice-panel .pa-notice"))
    assert "Get help now" in notice.text and "999" in notice.text and notice.is_displayed()
    _wait(browser, lambda d: not d.find_elements("css selector", "#pa-chat .pa-fb-btn"))  # no feedback once open
    _screenshot(browser, shots / "get-help-now-desktop.png")
    browser.execute_script("window.scrollTo(0, document.body.scrollHeight)")
    _click(browser, browser.find_element("css selector", "#pa-exit"))  # reachable from anywhere on the page
    _wait(browser, lambda d: d.current_url == NEUTRAL, timeout=10)
    browser.back()  # the app was replaced in the tab's history: back goes to the page before it
    _wait(browser, lambda d: d.current_url.startswith("data:"), timeout=10)
    assert "the page before" in browser.page_source


# --- feedback, keyboard ---------------------------------------------------------------------------------


def test_feedback_under_every_answer_with_text_labels(browser, server, no_network):
    _open(browser, server.url)
    _ask(browser, "Can I record a Zoom session?", "#pa-chat .pa-card")
    _ask(browser, "Can I use my phone during a session?", "#pa-chat .pa-answer:nth-of-type(1)")
    answers = browser.find_elements("css selector", "#pa-chat .pa-bubble")
    assert len(answers) == 2
    for answer in answers:  # under each answer, inside it, in words
        labels = [b.text for b in answer.find_elements("css selector", ".pa-feedback .pa-fb-btn")]
        assert labels == ["Helpful", "Not helpful", "Wrong clause"]
    before = len(read_feedback(server.settings.data_dir))
    _click(browser, answers[0].find_element("css selector", ".pa-fb-down"))
    _wait(browser, lambda d: "marked not helpful" in _bubble_text(d, 0))
    second = browser.find_elements("css selector", "#pa-chat .pa-bubble")[1]
    _click(browser, second.find_element("css selector", ".pa-fb-include-box"))
    _click(browser, second.find_element("css selector", ".pa-fb-up"))
    _wait(browser, lambda d: "marked helpful" in _bubble_text(d, 1))
    entries = read_feedback(server.settings.data_dir)[before:]
    assert [(e.rating, e.question) for e in entries] == [("down", ""), ("up", "Can I use my phone during a session?")]


def test_role_choice_moves_with_the_arrow_keys_and_shows_where_the_focus_is(browser, server, no_network):
    from selenium.webdriver.common.keys import Keys

    _open(browser, server.url)
    staff = browser.find_element("css selector", "#pa-role input[value='staff']")
    browser.execute_script("arguments[0].focus()", staff)
    staff.send_keys(Keys.ARROW_RIGHT)
    _wait(browser, lambda d: d.find_element("css selector", "#pa-role input[value='parent']").is_selected())
    ring = browser.execute_script(
        "const l = document.activeElement.closest('label'); const s = getComputedStyle(l);"
        "return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), value: document.activeElement.value};")
    assert ring["value"] == "parent" and ring["style"] != "none" and ring["width"] >= 2
    staff_examples = "Will you ask before posting photos of my child?"
    _wait(browser, lambda d: any(b.text == staff_examples for b in d.find_elements("css selector", ".pa-example")))
