"""Checks every page in the browser tests must pass: no horizontal scrolling
at phone width and no console errors."""

from __future__ import annotations

# No horizontal scrolling: the document is not wider than the viewport.
OVERFLOW_JS = """
() => {
  const d = document.documentElement;
  const wide = [];
  if (d.scrollWidth > d.clientWidth + 1) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > d.clientWidth + 1 && r.width > 0) wide.push(`${el.tagName.toLowerCase()}.${el.className}`.slice(0, 80) + ` right=${Math.round(r.right)}`);
      if (wide.length > 8) break;
    }
  }
  return { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth, wide };
}
"""


def page_problems(page, person, label: str, *, phone: bool) -> list[str]:
    """Horizontal scrolling (at phone width) and console errors so far, which are then forgotten."""
    problems = []
    if phone:
        o = page.evaluate(OVERFLOW_JS)
        if o["scrollWidth"] > o["clientWidth"] + 1:
            problems.append(f"{label}: scrolls horizontally at phone width "
                            f"(scrollWidth {o['scrollWidth']} > clientWidth {o['clientWidth']}): {o['wide']}")
    errors = person.unexpected_errors()
    if errors:
        problems.append(f"{label}: console errors: {errors}")
    person.console_errors.clear()
    return problems
