"""Every main page, read by Chromium the way an accessibility checker would: each form control
has a label, one h1 and no skipped heading level, text contrast at WCAG AA, a focus ring that
stands out (3:1) wherever it lands, keyboard order from the skip link, no positive tabindex."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import Site
from tests.e2e.test_journeys import ANA, GOAL, MARIA, sign_in

pytestmark = pytest.mark.slow

TAB_STOPS = 25  # how many times the focus test presses Tab on each page

# Colour arithmetic of WCAG 2.x: relative luminance and contrast ratio, the background being
# the nearest opaque one behind the element (translucent layers blended over it).
COLOURS = """
const rgb = s => { const m = (s.match(/[\\d.]+/g) || [0, 0, 0, 0]).map(Number);
                   return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
const lum = c => { const f = v => {
                     v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
                   return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
const ratio = (a, b) => { const x = lum(a), y = lum(b);
                          return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05); };
const behind = el => { const layers = [];
  for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.a > 0) { layers.push(c); if (c.a >= 1) break; } }
  let base = {r: 255, g: 255, b: 255};
  for (const c of layers.reverse()) base = {r: c.r * c.a + base.r * (1 - c.a),
    g: c.g * c.a + base.g * (1 - c.a), b: c.b * c.a + base.b * (1 - c.a)};
  return base; };
"""

PAGE_PROBLEMS = (
    "() => {"
    + COLOURS
    + """
  const problems = [];
  const shown = el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
                        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; };
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    if (!(el.labels.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
      problems.push('no label: ' + el.outerHTML.slice(0, 100));
  }
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')];
  const h1s = headings.filter(h => h.tagName === 'H1').length;
  if (h1s !== 1) problems.push(h1s + ' h1 headings');
  let level = 0;
  for (const h of headings) { const l = Number(h.tagName[1]);
    if (l > level + 1) problems.push(`h${level} then h${l}: ${h.textContent.trim().slice(0, 50)}`);
    level = l; }
  for (const el of document.querySelectorAll('[tabindex]'))
    if (Number(el.getAttribute('tabindex')) > 0)
      problems.push('tabindex > 0: ' + el.outerHTML.slice(0, 80));
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const checked = new Set();
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!n.textContent.trim() || checked.has(el) || !shown(el) || el.closest('svg')) continue;
    checked.add(el);
    const s = getComputedStyle(el), size = parseFloat(s.fontSize);
    const large = size >= 24 || (Number(s.fontWeight) >= 700 && size >= 18.66);
    const r = ratio(rgb(s.color), behind(el));
    if (r < (large ? 3 : 4.5))
      problems.push(`contrast ${r.toFixed(2)}: "${n.textContent.trim().slice(0, 40)}"`);
  }
  for (const t of document.querySelectorAll('svg text')) {
    const r = ratio(rgb(getComputedStyle(t).fill), behind(t.closest('svg')));
    if (r < 4.5) problems.push(`chart text contrast ${r.toFixed(2)}: ${t.textContent}`);
  }
  return problems;
}"""
)

FOCUS_RING = (
    "() => {"
    + COLOURS
    + """
  const el = document.activeElement, s = getComputedStyle(el);
  if (el === document.body) return null;  // tabbed past the last stop, out of the page
  // A date field's calendar button has the focus: Chromium draws that ring, not our CSS.
  if (!el.matches(':focus')) return {what: 'built-in', width: 3, ratio: 21};
  const width = s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth);
  // The ring is drawn just outside the element: compare it with what shows there.
  const box = el.getBoundingClientRect(), gap = parseFloat(s.outlineOffset) + width / 2;
  const there = document.elementsFromPoint(Math.max(0, box.left - gap), box.top + box.height / 2)
    .find(e => e !== el && !el.contains(e)) || el.parentElement;
  const r = ratio(rgb(s.outlineColor), behind(there));
  return {what: el.tagName + ' ' + (el.textContent || el.name || '').trim().slice(0, 30),
          width: width, ratio: Number(r.toFixed(2))};
}"""
)


def pages_of(page: Any, site: Site) -> list[str]:
    """Ana's pages: her plan, a goal, its editors, the history pages, check-ins, account."""
    page.goto(f"{site.url}/plans/{ANA}")
    goal = page.get_by_role("link", name=GOAL).first.get_attribute("href")
    page.goto(f"{site.url}/plans/{ANA}/check-ins")
    check_in = page.locator("tbody tr", has_text="Held").first.locator("a").get_attribute("href")
    plan = f"/plans/{ANA}"
    return [
        plan,
        f"{plan}/sections/self_assessment/edit",
        goal,
        f"{goal}/revise",
        f"{plan}/goals/new",
        f"{plan}/timeline",
        f"{plan}/as-of",
        f"{plan}/diff",
        f"{plan}/roadmap",
        f"{plan}/check-ins",
        check_in,
        "/account",
    ]


def problems_on(page: Any) -> list[str]:
    """What an accessibility check finds on the page, and on the focus ring at each tab stop."""
    found: list[str] = page.evaluate(PAGE_PROBLEMS)
    page.locator("body").focus()
    for _ in range(TAB_STOPS):
        page.keyboard.press("Tab")
        ring = page.evaluate(FOCUS_RING)
        if ring is None:
            break
        if ring["width"] < 2 or ring["ratio"] < 3:
            found.append(f"focus ring on {ring['what']}: {ring['width']}px, {ring['ratio']}:1")
    return found


def test_the_signed_out_and_mentee_pages_pass_an_accessibility_check(page: Any, site: Site) -> None:
    elsewhere: list[str] = []  # the chart, styles and fonts come from the app, never a CDN

    def outside(request: Any) -> None:
        if not request.url.startswith(site.url):
            elsewhere.append(request.url)

    page.on("request", outside)
    page.goto(f"{site.url}/sign-in")
    found = {"/sign-in": problems_on(page)}
    sign_in(page, site, ANA)
    for path in pages_of(page, site):
        page.goto(site.url + path)
        assert page.get_by_role("heading", level=1).is_visible(), path
        found[path] = problems_on(page)
    assert {path: problems for path, problems in found.items() if problems} == {}
    assert elsewhere == []


def test_the_mentor_pages_pass_an_accessibility_check(page: Any, site: Site) -> None:
    sign_in(page, site, MARIA)
    found = {"/dashboard": problems_on(page)}
    # Each click waits for the next page to load: checking as it comes found no body yet.
    page.get_by_role("link", name="Ana Ribeiro", exact=True).first.click()
    page.wait_for_url(f"**/plans/{ANA}")
    page.get_by_role("link", name=GOAL).first.click()
    page.wait_for_url("**/goals/*")
    found[page.url] = problems_on(page)
    page.get_by_role("link", name="Propose a change").click()
    page.wait_for_url("**/goals/*/revise")
    found[page.url] = problems_on(page)
    assert {path: problems for path, problems in found.items() if problems} == {}


def test_the_first_tab_reaches_the_skip_link_and_it_moves_the_focus_to_the_content(
    page: Any, site: Site
) -> None:
    sign_in(page, site, ANA)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => el === document.activeElement")
    assert skip.is_visible()  # shown while focused
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert not re.fullmatch("My plan|Ana Ribeiro|Sign out|Plan|Roadmap", focused)
