"""Markdown to the shared structured text: markup goes, blocks and lists stay."""

import html
import re

HEADING = re.compile(r"^\s{0,3}#{1,6}\s*(.*?)\s*#*\s*$")
EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1|(?<![\w*])\*(?!\s)([^*\n]+?)\*(?!\w)")
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
TAG = re.compile(r"</?[a-zA-Z][^>\n]*>")
ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])")
RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
TABLE_DIVIDER = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def to_plain(text: str) -> str:
    """Strip Markdown syntax line by line; headings become plain lines of their own."""
    out = []
    for line in text.splitlines():
        if RULE.match(line) or TABLE_DIVIDER.match(line):
            continue
        heading = HEADING.match(line)
        if heading:
            out.extend(["", _inline(heading.group(1)), ""])
            continue
        if line.strip().startswith("|") and line.strip().endswith("|"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            line = "\t".join(cells)
        out.append(_inline(line))
    return "\n".join(out)


def _inline(line: str) -> str:
    previous = None
    while previous != line:
        previous = line
        line = EMPHASIS.sub(lambda m: m.group(2) or m.group(3), line)
    line = LINK.sub(r"\1", line)
    line = TAG.sub("", line)
    line = ESCAPE.sub(r"\1", line)
    return html.unescape(line)
