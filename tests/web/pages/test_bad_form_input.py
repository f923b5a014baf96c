"""Bad input through the pages' forms: every post form a page shows, each of its fields sent
a bad value (the other fields plausible), is answered with a 4xx page that says what is
wrong beside the form, and writes nothing. The API's corpus is tests/reliability; this is
the same promise for people using the pages.

The forms are found by walking the app's URL map as Ada and as Grace, so a form added later
is covered the day a page shows it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from flask import Flask

from tests.web.pages.conftest import Story, Visitor
from tests.web.pages.test_csrf_every_form import address, page_rules
from tracker.application import TrackerApplication

# A field's value that no form may take, and what is wrong with it.
BAD_TEXT = {
    "a control character": "Plain \x07 words",
    "a NUL": "Plain\x00words",
    "a C1 control character": "Plain \x85 words",
    "20 001 characters": "x" * 20_001,
}
BAD_DATES = {
    "year 10000": "10000-01-01",
    "year 0": "0000-06-01",
    "30 February": "2025-02-30",
    "month 13": "2025-13-01",
    "not a date": "soon",
}
BAD_NUMBERS = {"negative": "-1", "huge": "9" * 40, "a fraction": "1.5", "words": "thirty"}
PLAUSIBLE = {"date": "2025-06-02", "number": "30"}
FORM = "application/x-www-form-urlencoded"
MESSAGE = ('class="form-errors"', 'class="field-error"')


@dataclass
class Form:
    """One post form of a page: where it posts, and its fields (name -> type, value)."""

    page: str
    action: str
    fields: dict[str, tuple[str, str]] = field(default_factory=dict)

    def plausible(self) -> dict[str, str]:
        """Each field's own value, else something ordinary for its type."""
        return {
            name: value or PLAUSIBLE.get(kind, "Plain words")
            for name, (kind, value) in self.fields.items()
            if kind not in ("hidden", "checkbox", "submit") or value
        }

    def cases(self) -> list[tuple[str, dict[str, str]]]:
        """(what is wrong, the form's data) for every bad value of every field."""
        found = []
        for name, (kind, _) in self.fields.items():
            bad = {"date": BAD_DATES, "number": BAD_NUMBERS}.get(kind, BAD_TEXT)
            if kind in ("hidden", "checkbox", "submit", "select", "password"):
                continue
            for what, value in bad.items():
                found.append((f"{name}: {what}", {**self.plausible(), name: value}))
        return found


class FormParser(HTMLParser):
    """The post forms of a page and their fields."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self.current: Form | None = None
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "option" and self.current and self.select:
            kind, value = self.current.fields[self.select]
            if not value and a.get("value"):
                self.current.fields[self.select] = (kind, a["value"])
        if tag == "form" and a.get("method", "").lower() == "post":
            self.current = Form(self.page, a.get("action") or self.page)
            self.forms.append(self.current)
        elif self.current is None or not a.get("name") or a["name"] == "csrf_token":
            return
        elif tag == "input":
            self.current.fields[a["name"]] = (a.get("type", "text"), a.get("value", ""))
        elif tag == "textarea":
            self.current.fields[a["name"]] = ("textarea", "")
        elif tag == "select":
            self.select = a["name"]
            self.current.fields[a["name"]] = ("select", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def forms_of(browser: Visitor, app: Flask, story: Story) -> list[Form]:
    """Every post form with fields to get wrong, on every page `browser` may see."""
    return [
        form for rule in page_rules(app, "GET") for form in on_page(browser, address(rule, story))
    ]


def on_page(browser: Visitor, page: str) -> list[Form]:
    """The page's post forms with fields to get wrong, as it shows them now."""
    response = browser.get(page)
    if response.status_code != 200 or response.mimetype != "text/html":
        return []
    parser = FormParser(page)
    parser.feed(response.get_data(as_text=True))
    return [form for form in parser.forms if form.cases()]


def reloaded(browser: Visitor, form: Form) -> Form:
    """The same form as its page shows it now (its version, its CSRF token).

    Read again only after an answer that was not a clean refusal: one that wrote nothing
    leaves the page, its form's version and the session's CSRF token as they were."""
    same = [f for f in on_page(browser, form.page) if f.action == form.action]
    assert same, f"{form.page} no longer shows its form to {form.action}"
    return same[0]


def judged(response: object, text: str) -> str | None:
    status = getattr(response, "status_code", 0)
    mimetype = getattr(response, "mimetype", "")
    if not 400 <= status < 500:
        return f"status {status}"
    if mimetype != "text/html":
        return f"{status} as {mimetype}, not a page"
    if not any(marker in text for marker in MESSAGE) or "Traceback" in text:
        return f"{status} with no message beside the form"
    return None


def test_every_bad_field_of_every_page_form_is_a_4xx_with_a_message_and_writes_nothing(
    ada: Visitor, grace: Visitor, app: Flask, story: Story, capsys: pytest.CaptureFixture[str]
) -> None:
    tracker: TrackerApplication = app.extensions["tracker"]
    failures, tried, forms = [], 0, 0
    for browser in (ada, grace):
        for form in forms_of(browser, app, story):
            forms += 1
            shown: tuple[Form, str] | None = None
            for n, (what, _) in enumerate(form.cases()):
                tried += 1
                head = tracker.recorder.max_notification_id()
                if shown is None:
                    shown = reloaded(browser, form), browser.token()
                now, token = shown
                _, data = now.cases()[n]
                response = browser.submit(form.action, {**data, "csrf_token": token})
                verdict = judged(response, browser.last)
                if tracker.recorder.max_notification_id() != head:
                    verdict = f"WROTE; {verdict or 'answered ' + str(response.status_code)}"
                if verdict:
                    failures.append(f"{form.page} -> {form.action} {what}: {verdict}")
                    shown = None  # the page may show the form otherwise now: read it again
    assert not failures, f"{len(failures)} of {tried}:\n" + "\n".join(failures)
    assert forms >= 10, "the pages' forms were not found"
    assert tried >= 200, tried
    with capsys.disabled():
        print(f"\nbad form input: {tried} inputs over {forms} forms (as Ada and as Grace)")


def test_invalid_utf8_in_a_form_is_refused_and_writes_nothing(
    ada: Visitor, app: Flask, story: Story
) -> None:
    """Bytes that are not UTF-8 in a text field (browsers send forms as UTF-8): a 400 page
    saying so, not the text stored with U+FFFD in their place."""
    tracker: TrackerApplication = app.extensions["tracker"]
    failures: list[str] = []
    tried = 0
    for form in forms_of(ada, app, story):
        shown: dict[str, str] | None = None
        for name, (kind, _) in form.fields.items():
            if kind not in ("text", "textarea"):
                continue
            tried += 1
            head = tracker.recorder.max_notification_id()
            if shown is None:
                shown = {**reloaded(ada, form).plausible(), "csrf_token": ada.token()}
            data, failed = shown, len(failures)
            body = "&".join(f"{quote(k)}={quote(v)}" for k, v in data.items() if k != name)
            body += f"&{quote(name)}=Plain%FF%FE%C3words"
            response = ada.client.post(
                form.action, data=body, content_type=FORM, headers={"Accept": "text/html"}
            )
            said = ada.text(response)
            if tracker.recorder.max_notification_id() != head:
                failures.append(f"{form.action} {name}: WROTE, answered {response.status_code}")
            elif response.status_code != 400 or "not UTF-8" not in said:
                failures.append(f"{form.action} {name}: {response.status_code} {said[:200]}")
            if len(failures) > failed:
                shown = None  # the page may show the form otherwise now: read it again
    assert not failures, "\n".join(failures)
    assert tried >= 15, tried
