"""Numbers in SVG are read by the browser, not by a person: never localised ("10,0" is no number).

The same holds for every number the browser reads from the page rather than shows: in style
attributes and <style> (CSS custom properties for sizes as well) and in data-* attributes, which
scripts read. Django's localisation (USE_L10N, Dutch) writes 10.5 as "10,5" in a template unless
the value goes through `|unlocalize`, `|stringformat` or `{% localize off %}`.
"""

import re
from html.parser import HTMLParser

NUMBER = r"-?(?:\d+(?:\.\d+)?|\.\d+)"
# An attribute and what its value must look like.
SHAPES = {
    **dict.fromkeys(
        [
            *["x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "dx", "dy", "width", "height"],
            *["stroke-width", "stroke-opacity", "fill-opacity", "opacity", "font-size", "offset"],
        ],
        rf"{NUMBER}(?:%|px|em|rem)?",
    ),
    "viewBox": rf"{NUMBER}(?: {NUMBER}){{3}}",
    "points": rf"{NUMBER},{NUMBER}(?: {NUMBER},{NUMBER})*",
}
SHAPES_LOWER = {name.lower(): shape for name, shape in SHAPES.items()}
# A decimal comma: digits, a comma, digits, not part of a list written with ", " (rgb(1, 2, 3)).
DECIMAL_COMMA = re.compile(r"(?<![\d.,])\d+,\d+(?![\d,])")
# CSS functions whose arguments are lists: rgb(10,88,202) is not a localised number.
CSS_LISTS = re.compile(r"\b(?:rgba?|hsla?|url|var|cubic-bezier|steps)\([^)]*\)")


def _css_wrong(css: str) -> bool:
    return bool(DECIMAL_COMMA.search(CSS_LISTS.sub("", css)))


class _Attributes(HTMLParser):
    """(element, attribute, value) of every SVG shape attribute, style and data-* attribute,
    and the text of every <style>."""

    def __init__(self):
        super().__init__()
        self.depth = 0
        self.in_style = False
        self.shapes: list[tuple[str, str, str]] = []
        self.other: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "svg":
            self.depth += 1
        self.in_style = tag == "style"
        for name, value in attrs:
            value = value or ""
            if self.depth and name.lower() in SHAPES_LOWER:
                self.shapes.append((tag, name, value))
            elif name == "style" or name.startswith("data-"):
                self.other.append((tag, name, value))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag == "svg":
            self.depth -= 1

    def handle_endtag(self, tag):
        if tag == "svg":
            self.depth -= 1
        if tag == "style":
            self.in_style = False

    def handle_data(self, data):
        if self.in_style:
            self.other.append(("style", "", data))


def _parse(html: str) -> _Attributes:
    parser = _Attributes()
    parser.feed(html)
    return parser


def localised_numbers(html: str) -> list[tuple[str, str, str]]:
    """Every (element, attribute, value) of the page with a number the browser cannot read:
    an SVG shape attribute that is not a number as SVG writes it, a style attribute or <style>
    with a decimal comma, a data-* attribute whose value is a number with a decimal comma."""
    parser = _parse(html)
    wrong = [found for found in parser.shapes if not re.fullmatch(SHAPES_LOWER[found[1].lower()], found[2])]
    for tag, name, value in parser.other:
        if name.startswith("data-"):
            if re.fullmatch(r"\s*-?\d+,\d+(?:%|px|em|rem)?\s*", value):
                wrong.append((tag, name, value))
        elif _css_wrong(value):
            wrong.append((tag, name, value))
    return wrong


def svg_numbers(html: str) -> list[tuple[str, str, str]]:
    """Every (element, attribute, value) with a number inside an <svg> of the page; fails on a
    value that is not written as a browser reads numbers."""
    wrong = localised_numbers(html)
    assert wrong == [], wrong
    return _parse(html).shapes
