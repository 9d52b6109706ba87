"""Bytes to clean text: encoding detection and the normalisation every format shares."""

import bisect
import os
import re
import unicodedata

from ingest.errors import IngestError

# Latin words spelled partly with Cyrillic letters ("varместuen") come from copy-paste
# through some editors. Each Cyrillic letter may stand for the Latin letter it looks like
# or the one it sounds like (с looks like c but is an s); the document's own vocabulary
# decides, and where it cannot, the look-alike wins.
CYRILLIC_READINGS = {
    "а": "a", "в": "bv", "г": "rg", "д": "d", "е": "e", "ё": "e", "з": "z", "и": "ui", "й": "i",
    "к": "k", "л": "l", "м": "m", "н": "hn", "о": "o", "п": "np", "р": "pr", "с": "cs",
    "т": "t", "у": "yu", "х": "xh", "ь": "b", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
    "А": "A", "В": "BV", "Е": "E", "К": "K", "М": "M", "Н": "HN", "О": "O", "Р": "PR",
    "С": "CS", "Т": "T", "Х": "XH", "У": "YU", "І": "I", "Ј": "J", "Ѕ": "S",
}  # fmt: skip
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN_LETTER = re.compile(r"[A-Za-zÆØÅæøåÉéÜüÖöÄä]")
WORD = re.compile(r"\w+")
# C0/C1 control characters except tab and newline; NUL included.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
# Typographic ligatures (Word and PDF exports): "ﬁnansiering" must read, and match, as
# "finansiering".
LIGATURES = str.maketrans({"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬆ": "st"})


def decode(data: bytes) -> tuple[str, str]:
    """Decode document bytes exactly; return (text, encoding name).

    UTF-8 (with or without BOM) is tried strictly first. Text that is not UTF-8 is
    Windows-1252 in practice (Danish Office exports); bytes that cp1252 leaves undefined
    fall back to Latin-1, which maps every byte.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data[3:], "utf-8"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _strict(data, encoding):
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"Filen er ikke gyldig {encoding} (the file is not valid {encoding}): {exc.reason}"
        ) from exc


def repair_lookalikes(text: str) -> str:
    """Turn Cyrillic letters back into Latin ones inside otherwise Latin words.

    Only words that mix both scripts are touched, so genuine Cyrillic text stays as it is.
    """
    if not CYRILLIC.search(text):
        return text
    vocabulary = sorted({w.lower() for w in WORD.findall(text) if not CYRILLIC.search(w)})

    def fix(match):
        word = match.group(0)
        if not (CYRILLIC.search(word) and LATIN_LETTER.search(word)):
            return word
        candidates = _readings(word)
        # The reading sharing the longest start with a word the document spells in Latin
        # ("varmestuen" ~ "varmestue"); ties keep the look-alike reading.
        return max(candidates, key=lambda c: _shared_start(c.lower(), vocabulary))

    return WORD.sub(fix, text)


def _shared_start(word: str, vocabulary: list[str]) -> int:
    at = bisect.bisect_left(vocabulary, word)
    neighbours = vocabulary[max(0, at - 1) : at + 1]
    return max((len(os.path.commonprefix([word, n])) for n in neighbours), default=0)


def _readings(word: str) -> list[str]:
    readings = [""]
    for char in word:
        options = CYRILLIC_READINGS.get(char, char) if CYRILLIC.match(char) else char
        readings = [r + o for r in readings for o in options][:64]
    return readings


def normalize(text: str) -> str:
    """Unicode NFC, Unix newlines, no control characters, no odd spaces or trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text).translate(LIGATURES)
    text = CONTROL.sub("", text)
    text = INVISIBLE.sub("", text)
    text = ODD_SPACES.sub(" ", text)
    text = repair_lookalikes(text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n") + "\n"
