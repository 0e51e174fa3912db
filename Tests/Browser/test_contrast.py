"""WCAG AA contrast of the colours in styles.css, in the light and the dark theme.

Reads the custom properties of `:root` and of the dark `prefers-color-scheme`
block and checks each pair used for text (4.5:1) and for status badges and
dots that carry meaning without text (3:1, WCAG 1.4.11). No browser needed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

CSS = Path(__file__).resolve().parents[2] / "Sources/WebApp/Public/assets/styles.css"

# (foreground, background) pairs of custom properties (or literal colours).
TEXT_PAIRS = [
    ("--text", "--bg"), ("--text", "--surface"), ("--text", "--surface-2"), ("--text", "--surface-3"),
    ("--muted", "--bg"), ("--muted", "--surface"), ("--muted", "--surface-2"),
    ("--accent", "--surface"), ("--accent", "--bg"), ("--accent-ink", "--accent"),
    ("--accent-soft-ink", "--accent-soft"),
    ("--danger", "--surface"), ("--danger", "--bg"), ("--danger", "--danger-soft"), ("--danger-ink", "--danger"),
    # Presence ("Online", "In a meeting"), notes and "Ready" labels are status text.
    ("--success", "--surface"), ("--success", "--bg"), ("--success", "--success-soft"),
    ("--warning", "--surface"), ("--warning", "--bg"), ("--warning", "--warning-soft"),
]
BADGE_PAIRS = [
    # Presence dots and the live/recording dots against the cards they sit on.
    ("--success", "--surface"), ("--warning", "--surface"), ("--danger", "--surface"),
    ("--success", "--surface-2"), ("--warning", "--surface-2"),
]


def variables(block: str) -> dict[str, str]:
    return {m.group(1): m.group(2).lower() for m in re.finditer(r"(--[a-z0-9-]+)\s*:\s*(#[0-9a-fA-F]{6})\b", block)}


def themes() -> dict[str, dict[str, str]]:
    css = CSS.read_text()
    light_block = re.search(r":root\s*\{(.*?)\n\}", css, re.S)
    dark_block = re.search(r"@media \(prefers-color-scheme: dark\)\s*\{\s*:root\s*\{(.*?)\}", css, re.S)
    assert light_block and dark_block, "styles.css: :root or its dark-theme block was not found"
    light = variables(light_block.group(1))
    dark = {**light, **variables(dark_block.group(1))}
    return {"light": light, "dark": dark}


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_ratio_matches_the_wcag_examples():
    assert ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_text_and_badge_colours_pass_wcag_aa(theme):
    colours = themes()[theme]
    failures = []
    for pairs, minimum in ((TEXT_PAIRS, 4.5), (BADGE_PAIRS, 3.0)):
        for fg, bg in pairs:
            assert fg in colours and bg in colours, f"{theme}: {fg} or {bg} is not defined as a #rrggbb colour"
            r = ratio(colours[fg], colours[bg])
            if r < minimum:
                failures.append(f"{fg} {colours[fg]} on {bg} {colours[bg]}: {r:.2f}:1 < {minimum}:1")
    assert not failures, f"{theme} theme:\n" + "\n".join(failures)
