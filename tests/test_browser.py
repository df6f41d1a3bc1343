"""The moderator page in a real headless Chromium against the service on a loopback port."""
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
