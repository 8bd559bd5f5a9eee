"""Numbers in SVG are read by the browser, not by a person: never localised ("10,0" is no number)."""

import re
from html.parser import HTMLParser

NUMBER = r"-?\d+(?:\.\d+)?"
# An attribute and what its value must look like.
SHAPES = {
    **dict.fromkeys(["x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height"], rf"{NUMBER}%?"),
    "viewBox": rf"{NUMBER}(?: {NUMBER}){{3}}",
    "points": rf"{NUMBER},{NUMBER}(?: {NUMBER},{NUMBER})*",
}


class _SvgAttributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.depth = 0
        self.found: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.depth += 1
        if self.depth:
            self.found += [(tag, name, value or "") for name, value in attrs if name.lower() in SHAPES_LOWER]

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self.depth -= 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self.depth -= 1


SHAPES_LOWER = {name.lower(): shape for name, shape in SHAPES.items()}


def svg_numbers(html: str) -> list[tuple[str, str, str]]:
    """Every (element, attribute, value) with a number inside an <svg> of the page; fails on a
    value that is not written as a browser reads numbers."""
    parser = _SvgAttributes()
    parser.feed(html)
    wrong = [f for f in parser.found if not re.fullmatch(SHAPES_LOWER[f[1]], f[2])]
    assert wrong == [], wrong
    return parser.found
