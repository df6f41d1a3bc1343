"""The moderator page in a real headless Chromium against the service on a loopback port."""
import json
import shutil
import socket
import threading

import pytest
from werkzeug.serving import make_server

from detector.settings import Settings
from service.app import create_app
from tests.test_detector import SPUN

CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")
pytestmark = [pytest.mark.integration,
              pytest.mark.skipif(not (CHROMIUM and CHROMEDRIVER),
                                 reason="Debian packages chromium and chromium-driver are not installed")]


@pytest.fixture(scope="module")
def server(tiny_model):
    app = create_app(Settings(model_path=str(tiny_model)))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    http = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    http.shutdown()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={tmp_path_factory.mktemp('chrome')}",
                 "--window-size=1280,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def test_paste_analyze_and_see_highlights(server, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/")
    textarea = browser.find_element(By.ID, "text")
    textarea.send_keys(SPUN)
    textarea.send_keys(Keys.TAB)  # keyboard only: details summary, then the button
    browser.find_element(By.ID, "analyze").click()
    WebDriverWait(browser, 20).until(ready.visibility_of_element_located((By.CSS_SELECTOR, "#highlighted mark")))
    marks = browser.find_elements(By.CSS_SELECTOR, "#highlighted mark")
    assert any(m.text.startswith("officers") for m in marks)
    first = next(m for m in marks if m.text.startswith("officers"))
    assert "officials" in first.get_attribute("title")
    assert first.get_attribute("tabindex") == "0"
    assert browser.find_element(By.ID, "highlighted").text.replace("\n", "").startswith("American and European")
    assert browser.find_element(By.ID, "verdict").text
    summary = browser.find_element(By.ID, "summary").text
    assert "spun_text score" in summary and "machine_paraphrase score" in summary
    browser.save_screenshot(str(tmp_path / "page.png"))


def paste(browser, text):
    """Put text in the textarea as a paste would; ChromeDriver cannot type characters outside the
    Basic Multilingual Plane such as emoji."""
    from selenium.webdriver.common.by import By

    textarea = browser.find_element(By.ID, "text")
    browser.execute_script("arguments[0].value = arguments[1];"
                           "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));", textarea, text)
    return textarea


def without_tips(browser, selector):
    """The text of each element matching selector, without the tooltips inside. Passed back as JSON
    because WebDriver cannot pass a string with half of a UTF-16 surrogate pair."""
    return json.loads(browser.execute_script(
        "return JSON.stringify([...document.querySelectorAll(arguments[0])].map((node) => {"
        "  const copy = node.cloneNode(true);"
        "  copy.querySelectorAll('.tip').forEach((tip) => tip.remove());"
        "  return copy.textContent; }));", selector))


def marked(browser):
    """Each highlight's text, and the word the API named for it (the start of its aria-label)."""
    from selenium.webdriver.common.by import By

    words = [m.get_attribute("aria-label").split(": ")[0]
             for m in browser.find_elements(By.CSS_SELECTOR, "#highlighted mark")]
    return list(zip(without_tips(browser, "#highlighted mark"), words))


def shown_text(browser):
    """The article text as the highlighted view shows it."""
    return without_tips(browser, "#highlighted")[0]


def test_highlights_land_on_the_words_after_emoji(server, browser):
    """The API counts span offsets in code points, JavaScript strings in UTF-16 units: every emoji
    before a span would shift its highlight by one character (issue 30, item 10)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    text = "😀🎉 " * 5 + SPUN + " 🇪🇺👍🏽 " + SPUN + " 😀"
    browser.get(server + "/")
    paste(browser, text)
    browser.find_element(By.ID, "analyze").click()
    WebDriverWait(browser, 20).until(ready.visibility_of_element_located((By.CSS_SELECTOR, "#highlighted mark")))
    marks = marked(browser)
    assert [shown for shown, _ in marks].count("officers") == 2
    assert all(shown == word for shown, word in marks), marks
    assert shown_text(browser) == text


def test_hidden_characters_are_marked_and_reported(server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    text = SPUN.replace("European", "Europ\u200bean").replace("Geneva", "Gеnеva")  # zero-width space, Cyrillic е
    browser.get(server + "/")
    paste(browser, text)
    browser.find_element(By.ID, "analyze").click()
    WebDriverWait(browser, 20).until(ready.visibility_of_element_located((By.CSS_SELECTOR, "#highlighted mark")))
    assert "2 words hold hidden characters or look-alike letters" in browser.find_element(By.ID, "summary").text
    listed = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#span-list li")]
    assert "“Gеnеva”: hidden characters; reads as “Geneva” (hidden_characters, 0.10)" in listed
    assert any("Europ\u200bean" in shown for shown, _ in marked(browser))
    assert shown_text(browser) == text


@pytest.mark.parametrize("text, spans, expected", [
    ("a😀b officers", [(1, 2), (4, 12)], ["😀", "officers"]),                  # emoji as and before a span
    ("x 👩‍👩‍👧 officers 🎉 may", [(8, 16), (19, 22)], ["officers", "may"]),      # ZWJ sequence, emoji between
    ("cafe\u0301 😀 nai\u0308ve", [(0, 5), (8, 14)], ["cafe\u0301", "nai\u0308ve"]),  # combining accents
    ("😀🎉👍🏽🇪🇺", [(1, 2), (2, 4), (4, 6)], ["🎉", "👍🏽", "🇪🇺"]),  # astral only, adjacent spans
    ("officers😀", [(0, 8), (8, 9)], ["officers", "😀"]),                      # span at the very end
])
def test_highlight_counts_offsets_in_code_points(server, browser, text, spans, expected):
    """Spans placed by hand, in the code points the API counts, show exactly their characters."""
    assert [text[begin:end] for begin, end in spans] == expected  # offsets are Python indexes
    browser.get(server + "/")
    browser.execute_script("highlight(arguments[0], arguments[1]);", text, [
        {"begin": begin, "end": end, "text": text[begin:end], "kind": "synonym", "score": 0.5,
         "likely_original": "x"} for begin, end in spans])
    browser.execute_script("document.getElementById('result').hidden = false;")
    assert marked(browser) == [(word, word) for word in expected]
    assert shown_text(browser) == text


def test_tooltips_stay_inside_a_narrow_window(server, browser):
    """Tooltips wrap and move left rather than run past the window's right edge."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    browser.set_window_size(420, 900)
    try:
        browser.get(server + "/")
        browser.execute_script("document.getElementById('result').hidden = false;"
                               "highlight(arguments[0], arguments[1]);", SPUN, [
            {"begin": SPUN.index(word), "end": SPUN.index(word) + len(word), "text": word, "kind": "synonym",
             "score": 0.95, "likely_original": "a rather long original wording " * 3} for word in ("in", "Geneva")])
        inside = ("const tip = arguments[0].querySelector('.tip').getBoundingClientRect();"
                  "return [tip.width > 0, tip.left >= 0, tip.right <= document.documentElement.clientWidth,"
                  "        document.documentElement.scrollWidth <= document.documentElement.clientWidth];")
        for mark in browser.find_elements(By.CSS_SELECTOR, "#highlighted mark"):
            browser.execute_script("arguments[0].focus();", mark)
            assert browser.execute_script(inside, mark) == [True] * 4, mark.text
            browser.execute_script("arguments[0].blur();", mark)
            ActionChains(browser).move_to_element(browser.find_element(By.TAG_NAME, "h1")).perform()
            ActionChains(browser).move_to_element(mark).perform()  # away first: the last tip may cover it
            assert browser.execute_script(inside, mark) == [True] * 4, mark.text
    finally:
        browser.set_window_size(1280, 900)


@pytest.fixture(scope="module")
def indexed_server(tiny_model, tmp_path_factory):
    from detector.reference import open_index
    from tests.test_reference import articles
    from tests.test_reference_alignment import BRIDGE

    location = str(tmp_path_factory.mktemp("index") / "refs.db")
    open_index(location, create=True).add_many(articles(5) + [("bridge", BRIDGE)])
    app = create_app(Settings(model_path=str(tiny_model), index=location))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    http = make_server("127.0.0.1", port, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}"
    http.shutdown()


def analyzed(browser, server, text):
    """The page after analysing ``text``, once the result is shown."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(server + "/")
    paste(browser, text)
    browser.find_element(By.ID, "analyze").click()
    WebDriverWait(browser, 20).until(ready.visibility_of_element_located((By.ID, "verdict")))
    return browser


def passage_cells(browser):
    """Each row of each match's table: (this text's sentence, the source's sentence)."""
    return json.loads(browser.execute_script(
        "return JSON.stringify([...document.querySelectorAll('#match-list tbody tr')].map((row) =>"
        "  [...row.querySelectorAll('td')].slice(0, 2).map((cell) => cell.textContent)));"))


def test_matches_show_their_source_kind_coverage_and_sentences_side_by_side(indexed_server, browser):
    from selenium.webdriver.common.by import By

    from tests.test_reference_alignment import BRIDGE, BRIDGE_PARAPHRASE

    analyzed(browser, indexed_server, BRIDGE_PARAPHRASE)
    heading = browser.find_element(By.CSS_SELECTOR, "#match-list li h4").text
    assert heading.startswith("bridge: paraphrased") and "% of this text" in heading and "of the source" in heading
    rows = passage_cells(browser)
    assert len(rows) >= 8
    assert rows[0][0].startswith("On Tuesday, Northbridge's") and rows[0][1].startswith("The city council")
    assert all(here in BRIDGE_PARAPHRASE and there in BRIDGE for here, there in rows)
    analyzed(browser, indexed_server, "A short note about the weather in the valley this spring, and nothing else.")
    assert not browser.find_element(By.ID, "matches").is_displayed()


def test_swaps_are_marked_on_both_sides_after_emoji(indexed_server, browser):
    """Passage and swap offsets are code points: emoji before them must not shift the marks."""
    from tests.test_reference_alignment import BRIDGE

    spun = "😀🎉 " * 3 + BRIDGE.replace("warned", "cautioned").replace("promised", "pledged")
    analyzed(browser, indexed_server, spun)
    marks = json.loads(browser.execute_script(
        "return JSON.stringify([...document.querySelectorAll('#match-list tbody tr')].map((row) =>"
        "  [...row.querySelectorAll('td')].slice(0, 2).map((cell) =>"
        "    [...cell.querySelectorAll('mark')].map((mark) => mark.textContent))).filter((pair) => pair[0].length));"))
    assert marks == [[["cautioned"], ["warned"]], [["pledged"], ["promised"]]]
    assert all(here in spun for here, _ in passage_cells(browser))
