"""The chat page at `/` of `tern serve`, driven in headless Chromium: a streamed two-turn chat
whose second request carries the whole conversation, Markdown rendering and escaping, Stop
(which the server answers by cancelling the request), errors, the API key, and a screenshot.

Needs Chromium and chromedriver (Debian: chromium, chromium-driver) and selenium
(Tests/requirements.txt). Without the browser the tests skip, except under CI.
Screenshots go to $TERN_WEB_SCREENSHOTS (a directory), default .build/.
"""
import os
import pathlib
import shutil
import time

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
MODEL = "smollm2-135m"
BROWSER = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
DRIVER = shutil.which("chromedriver")
SCREENSHOTS = pathlib.Path(os.environ.get("TERN_WEB_SCREENSHOTS") or ROOT / ".build")

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

# Records every chat request body and its headers as the page sends them.
RECORD_REQUESTS = """
window.sentRequests = [];
const realFetch = window.fetch;
window.fetch = (url, init) => {
  if (String(url).endsWith("/v1/chat/completions")) {
    window.sentRequests.push({ body: JSON.parse(init.body), headers: init.headers });
  }
  return realFetch(url, init);
};
"""


def make_browser(width=1280, height=1000):
    """Headless Chromium; skips without it, except under CI, which must run these tests."""
    if not (BROWSER and DRIVER):
        reason = "Chromium and chromedriver are needed (apt-get install chromium chromium-driver)"
        if os.environ.get("CI"):
            pytest.fail(f"{reason}; CI must run the web page tests")
        pytest.skip(reason)
    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     f"--window-size={width},{height}", "--force-device-scale-factor=1", "--lang=en-US"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service(DRIVER), options=options)


@pytest.fixture(scope="module")
def browser():
    driver = make_browser()
    yield driver
    driver.quit()


def wait(driver, condition, timeout=120, message=""):
    return WebDriverWait(driver, timeout, poll_frequency=0.05).until(lambda d: condition(d), message)


def open_page(driver, server, max_tokens=None, temperature=None):
    """Loads `/` afresh (settings cleared), waits for the model's name, records requests."""
    driver.get(server.url + "/")
    driver.execute_script("localStorage.clear();")
    driver.get(server.url + "/")
    wait(driver, lambda d: d.find_element(By.ID, "model").get_attribute("data-kind") == "ready", 60,
         "the page never showed the model as ready")
    driver.execute_script(RECORD_REQUESTS)
    if max_tokens is not None:
        field = driver.find_element(By.ID, "max-tokens")
        field.clear()
        field.send_keys(str(max_tokens))
    if temperature is not None:
        driver.execute_script("const t = document.getElementById('temperature'); t.value = arguments[0];"
                              "t.dispatchEvent(new Event('change'));", temperature)


def type_and_send(driver, text):
    box = driver.find_element(By.ID, "input")
    box.send_keys(text)
    box.send_keys(Keys.ENTER)


def wait_for_reply(driver, count):
    """Waits until `count` replies have finished streaming; returns the conversation state."""
    wait(driver, lambda d: d.execute_script(
        "return tern.state.streaming === null && document.querySelectorAll('.msg.assistant').length === arguments[0]",
        count), 120, f"reply {count} did not finish")
    return driver.execute_script("return tern.state.messages")


def screenshot(driver, name):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / name
    driver.save_screenshot(str(path))
    return path


def test_page_is_self_contained(tern_server):
    status, html = tern_server.get("/")
    assert status == 200
    assert "<script>" in html and "renderMarkdown" in html
    # Nothing is loaded from anywhere else: no external scripts, styles, fonts or images.
    for attribute in ('src="http', "src='http", 'href="http', "@import", "url(http"):
        assert attribute not in html


def test_two_turn_chat_streams_and_sends_the_whole_conversation(tern_server, browser):
    open_page(browser, tern_server, max_tokens=96, temperature=0)
    assert browser.find_element(By.ID, "model").text == MODEL

    type_and_send(browser, "Write a Python function that adds two numbers.")
    first = wait_for_reply(browser, 1)
    assert [m["role"] for m in first] == ["user", "assistant"]
    assert first[1]["content"].strip(), "the first reply is empty"
    rendered = browser.find_elements(By.CSS_SELECTOR, ".msg.assistant .body")[0].text
    assert rendered.strip(), "the first reply was not rendered"

    type_and_send(browser, "Now explain it in one sentence.")
    second = wait_for_reply(browser, 2)
    assert second[1]["content"].strip() and second[3]["content"].strip()

    sent = browser.execute_script("return window.sentRequests")
    assert len(sent) == 2
    body = sent[1]["body"]
    assert body["stream"] is True
    assert body["max_tokens"] == 96 and body["temperature"] == 0
    assert body["model"] == MODEL
    assert body["messages"] == [
        {"role": "user", "content": "Write a Python function that adds two numbers."},
        {"role": "assistant", "content": first[1]["content"]},
        {"role": "user", "content": "Now explain it in one sentence."},
    ]
    meta = browser.find_elements(By.CSS_SELECTOR, ".msg.assistant .meta")[1].text
    assert " tokens" in meta
    print("screenshot:", screenshot(browser, "web-chat.png"))


def test_system_prompt_leads_the_request(tern_server, browser):
    open_page(browser, tern_server, max_tokens=4)
    browser.find_element(By.ID, "system").send_keys("You are terse.")
    type_and_send(browser, "Hi")
    wait_for_reply(browser, 1)
    sent = browser.execute_script("return window.sentRequests")
    assert sent[0]["body"]["messages"] == [{"role": "system", "content": "You are terse."},
                                           {"role": "user", "content": "Hi"}]


MARKDOWN_SAMPLE = """# Title

Some **bold**, *italic*, `inline <code>` and a [link](https://example.com/?a=1&b=2).

```python
x = 1 < 2
```

- one
- two
  - nested

1. first
2. second

<script>window.injected = 1</script>
<img src=x onerror="window.injected = 2">
[bad](javascript:alert(1)) [worse](javascript:window.injected=3)
"""


def test_markdown_rendering(tern_server, browser):
    open_page(browser, tern_server)
    render = lambda text: browser.execute_script("return renderMarkdown(arguments[0])", text)  # noqa: E731
    assert render("**b**") == "<p><strong>b</strong></p>"
    assert render("*i* and _j_") == "<p><em>i</em> and <em>j</em></p>"
    assert render("`a<b`") == "<p><code>a&lt;b</code></p>"
    assert render("```\nx = 1\n```") == "<pre><code>x = 1</code></pre>"
    assert render("```swift\nlet a = [1]\n```").startswith('<pre class="language-swift"')
    assert render("## Head") == "<h2>Head</h2>"
    assert render("- a\n- b") == "<ul>\n<li>a</li>\n<li>b</li>\n</ul>"
    assert render("1. a\n2. b") == "<ol>\n<li>a</li>\n<li>b</li>\n</ol>"
    assert render("one\n\ntwo") == "<p>one</p>\n<p>two</p>"
    assert render("[t](https://x.org)") == '<p><a href="https://x.org" target="_blank" rel="noopener noreferrer">t</a></p>'
    assert render("snake_case_name stays") == "<p>snake_case_name stays</p>"

    # The same through the DOM, as a reply is shown: structure present, nothing injected.
    structure = browser.execute_script("""
        const box = document.createElement("div");
        box.innerHTML = renderMarkdown(arguments[0]);
        document.body.append(box);
        const q = (s) => box.querySelectorAll(s).length;
        return { h1: q("h1"), strong: q("strong"), em: q("em"), code: q(":not(pre) > code"), pre: q("pre > code"),
                 ul: q("ul > li"), ol: q("ol > li"), nestedList: q("li > ul > li"), links: [...box.querySelectorAll("a")].map(a => a.href),
                 script: q("script"), img: q("img"), onAttributes: [...box.querySelectorAll("*")].filter(e =>
                   [...e.attributes].some(a => a.name.startsWith("on"))).length,
                 preText: box.querySelector("pre > code").textContent, text: box.textContent };
    """, MARKDOWN_SAMPLE)
    assert structure["h1"] == 1 and structure["strong"] == 1 and structure["em"] == 1
    assert structure["code"] == 1 and structure["pre"] == 1 and structure["preText"] == "x = 1 < 2"
    assert structure["ul"] == 3 and structure["nestedList"] == 1 and structure["ol"] == 2
    assert structure["links"] == ["https://example.com/?a=1&b=2"]
    assert structure["script"] == 0 and structure["img"] == 0 and structure["onAttributes"] == 0
    assert "<script>window.injected = 1</script>" in structure["text"]
    assert '<img src=x onerror="window.injected = 2">' in structure["text"]
    time.sleep(0.3)
    assert browser.execute_script("return window.injected") is None


def test_reply_markup_is_shown_as_text(tern_server, browser):
    """A reply is rendered through renderMarkdown: markup the model writes stays text."""
    open_page(browser, tern_server, max_tokens=24, temperature=0)
    type_and_send(browser, "Repeat exactly: <b>bold</b> <script>window.injected=1</script>")
    wait_for_reply(browser, 1)
    body = browser.find_element(By.CSS_SELECTOR, ".msg.assistant .body")
    assert body.find_elements(By.CSS_SELECTOR, "script, b, img, iframe") == []
    user = browser.find_element(By.CSS_SELECTOR, ".msg.user .body")
    assert user.text == "Repeat exactly: <b>bold</b> <script>window.injected=1</script>"
    assert browser.execute_script("return window.injected") is None


def running_requests(server):
    for line in server.get("/metrics")[1].splitlines():
        if line.startswith("tern_requests_running "):
            return float(line.split()[1])
    raise AssertionError("no tern_requests_running in /metrics")


def test_stop_ends_the_stream_and_the_server_cancels(tern_server, browser):
    open_page(browser, tern_server, max_tokens=4000, temperature=0.8)
    # Past end-of-generation tokens: the reply cannot finish on its own before Stop.
    browser.execute_script("tern.state.extraBody = { ignore_eos: true };")
    type_and_send(browser, "Tell me a very long story.")
    wait(browser, lambda d: d.find_element(By.ID, "stop").is_displayed(), 10, "no Stop button while streaming")
    # Text appears while the reply is still streaming: deltas are appended live.
    wait(browser, lambda d: d.execute_script(
        "const m = document.querySelector('.msg.assistant.streaming .body'); return m && m.textContent.length > 20"),
        60, "no streamed text")
    assert running_requests(tern_server) == 1
    browser.find_element(By.ID, "stop").click()
    wait(browser, lambda d: d.execute_script("return tern.state.streaming === null"), 10, "Stop did not end the stream")
    article = browser.find_element(By.CSS_SELECTOR, ".msg.assistant")
    assert "stopped" in article.get_attribute("class")
    assert "stopped" in article.find_element(By.CLASS_NAME, "meta").text
    assert browser.find_element(By.ID, "send").is_displayed()
    assert not browser.find_element(By.ID, "stop").is_displayed()
    partial = browser.execute_script("return tern.state.messages")
    assert [m["role"] for m in partial] == ["user", "assistant"] and partial[1]["content"]
    # The server noticed the closed connection and stopped decoding.
    deadline = time.monotonic() + 10
    while running_requests(tern_server) != 0:
        assert time.monotonic() < deadline, "the server kept decoding after Stop"
        time.sleep(0.1)


def test_error_body_is_shown_and_the_turn_given_back(tern_server, browser):
    open_page(browser, tern_server, max_tokens=8)
    browser.execute_script("tern.state.extraBody = { temperature: 7 };")
    type_and_send(browser, "Hello")
    error = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".msg .error"), 30, "no error shown")[0]
    assert error.text.startswith("400: ") and "temperature" in error.text
    assert "{" not in error.text  # the message, not the JSON body
    assert browser.execute_script("return tern.state.messages") == []
    assert browser.find_element(By.ID, "input").get_attribute("value") == "Hello"
    assert "unsent" in browser.find_element(By.CSS_SELECTOR, ".msg.user").get_attribute("class")


def test_api_key_is_kept_and_sent(keyed_tern_server, browser):
    server = keyed_tern_server
    driver = browser
    driver.get(server.url + "/")
    driver.execute_script("localStorage.clear();")
    driver.get(server.url + "/")
    model = driver.find_element(By.ID, "model")
    wait(driver, lambda d: model.get_attribute("data-kind") == "error", 30, "no error without a key")
    assert "API key" in model.text

    # Settings sit in the sidebar at this width; the key is saved on change.
    key = driver.find_element(By.ID, "api-key")
    key.send_keys("test-key")
    key.send_keys(Keys.TAB)
    wait(driver, lambda d: model.get_attribute("data-kind") == "ready", 30, "the key was not used for /v1/models")
    assert driver.execute_script("return localStorage.getItem('tern.apiKey')") == "test-key"

    driver.refresh()  # a new visit keeps the key
    wait(driver, lambda d: d.find_element(By.ID, "model").get_attribute("data-kind") == "ready", 30)
    assert driver.find_element(By.ID, "api-key").get_attribute("value") == "test-key"
    driver.execute_script(RECORD_REQUESTS)
    field = driver.find_element(By.ID, "max-tokens")
    field.clear()
    field.send_keys("4")
    type_and_send(driver, "Hi")
    wait_for_reply(driver, 1)
    assert driver.execute_script("return window.sentRequests")[0]["headers"]["Authorization"] == "Bearer test-key"
    assert driver.find_elements(By.CSS_SELECTOR, ".msg .error") == []
    driver.execute_script("localStorage.clear();")


def test_narrow_layout(tern_server):
    """At phone width: one column, settings behind a button, nothing wider than the screen."""
    driver = make_browser()
    # A phone's viewport (headless windows do not shrink below 500 px).
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": 390, "height": 760, "deviceScaleFactor": 1, "mobile": True})
    try:
        open_page(driver, tern_server)
        settings = driver.find_element(By.ID, "settings")
        assert not settings.is_displayed()
        driver.find_element(By.ID, "settings-toggle").click()
        assert settings.is_displayed()
        field = driver.find_element(By.ID, "max-tokens")
        field.clear()
        field.send_keys("24")
        driver.find_element(By.ID, "settings-toggle").click()
        assert not settings.is_displayed()
        type_and_send(driver, "Say hello in three languages.")
        wait_for_reply(driver, 1)
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        print("screenshot:", screenshot(driver, "web-chat-narrow.png"))
    finally:
        driver.quit()
