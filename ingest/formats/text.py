"""Bytes to clean text: encoding detection and the normalisation every format shares."""

import re
import unicodedata

from ingest.errors import IngestError

# Cyrillic letters that look exactly like Latin ones. Minutes copied through some editors
# come back with them mixed into Danish words ("varместuen"), which breaks search.
CYRILLIC_LOOKALIKES = str.maketrans(
    "АВЕКМНОРСТХаеорсухіјѕԁԛԝ",
    "ABEKMHOPCTXaeopcyxijsdqw",
)
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN_LETTER = re.compile(r"[A-Za-zÆØÅæøåÉéÜüÖöÄä]")
WORD = re.compile(r"\w+")
# C0/C1 control characters except tab and newline; NUL included.
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
ODD_SPACES = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000]")
INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")


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
    """Turn Cyrillic look-alike letters back into Latin ones inside Latin words.

    Only words that mix both scripts are touched, so genuine Cyrillic text stays as it is.
    """
    if not CYRILLIC.search(text):
        return text

    def fix(match):
        word = match.group(0)
        if CYRILLIC.search(word) and LATIN_LETTER.search(word):
            return word.translate(CYRILLIC_LOOKALIKES)
        return word

    return WORD.sub(fix, text)


def normalize(text: str) -> str:
    """Unicode NFC, Unix newlines, no control characters, no odd spaces or trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFC", text)
    text = CONTROL.sub("", text)
    text = INVISIBLE.sub("", text)
    text = ODD_SPACES.sub(" ", text)
    text = repair_lookalikes(text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip("\n") + "\n"
