"""Article bytes to text: UTF-8 as is, other encodings decoded with a :class:`DecodingWarning` naming them, binary
refused with a :class:`~auditor.errors.DocumentError`.

* UTF-8, with or without a byte-order mark;
* UTF-16 or UTF-32 with a byte-order mark, and UTF-16 without one (Latin text: every other byte NUL);
* mostly UTF-8 with a few bytes of another encoding (a mixed file): those bytes become U+FFFD;
* otherwise the encoding charset-normalizer detects (Windows-1252 among equally clean ones), or an error when it
  finds none; NUL bytes in anything but UTF-16 mean a binary file.
"""

from __future__ import annotations

import codecs
import re
import warnings
from typing import Final

from auditor.errors import DocumentError

_UTF32_BOMS: Final = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)
_UTF16_BOMS: Final = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# A multi-byte UTF-8 sequence: a file holding one and failing to decode as UTF-8 mixes encodings.
_UTF8_SEQUENCE: Final = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


class DecodingWarning(UserWarning):
    """A document was not UTF-8 and was decoded from a detected encoding (the message names both)."""


def decode(data: bytes, where: str) -> str:
    """UTF-8 (BOM dropped) as is; UTF-16/32 with a BOM or a confidently detected encoding with a warning."""
    if data.startswith(codecs.BOM_UTF8):
        text = _strict(data[len(codecs.BOM_UTF8) :], "utf-8", where)
    elif data.startswith(_UTF32_BOMS + _UTF16_BOMS):
        encoding = "utf-32" if data.startswith(_UTF32_BOMS) else "utf-16"
        text = _strict(data, encoding, where)
        _warn_decoded(where, encoding)
    elif (nul := data.find(b"\x00")) >= 0:
        utf16 = _bomless_utf16(data)
        if utf16 is None:
            raise DocumentError(where, f"binary file (NUL byte at offset {nul}); expected text in UTF-8")
        _warn_decoded(where, "utf-16 without a byte-order mark")
        text = utf16
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            text = _mixed(data, where, exc) if _UTF8_SEQUENCE.search(data) else _detected(data, where, exc)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _bomless_utf16(data: bytes) -> str | None:
    """``data`` read as UTF-16 without a byte-order mark, when it is that: an even length, the high bytes of its
    code units mostly NUL (Latin text), the low bytes never, and only printable text once decoded."""
    if len(data) < 2 or len(data) % 2:
        return None
    for encoding, high, low in (("utf-16-le", data[1::2], data[0::2]), ("utf-16-be", data[0::2], data[1::2])):
        if low.count(0) == 0 and high.count(0) * 2 >= len(high):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                return None
            return None if _CONTROL.search(text) else text
    return None


def _mixed(data: bytes, where: str, exc: UnicodeDecodeError) -> str:
    """Text that is mostly UTF-8 (it holds valid multi-byte sequences) with some bytes in another encoding: those
    bytes become U+FFFD, with a warning naming the first one and how many there are."""
    text = data.decode("utf-8", errors="replace")
    line = data.count(b"\n", 0, exc.start) + 1
    message = (
        f"{where}:{line}: mixed encodings: UTF-8 text with {text.count(chr(0xFFFD))} byte(s) that are not UTF-8 "
        f"(the first 0x{data[exc.start]:02x} at offset {exc.start}); they were replaced with U+FFFD, re-save the "
        "file as UTF-8"
    )
    warnings.warn(message, DecodingWarning, stacklevel=2)
    return text


def _strict(data: bytes, encoding: str, where: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DocumentError(
            where, f"not valid {encoding} despite its byte-order mark (offset {exc.start})"
        ) from None


def _detected(data: bytes, where: str, exc: UnicodeDecodeError) -> str:
    """``data`` decoded from the encoding charset-normalizer finds; among the encodings it finds equally clean,
    Windows-1252 (Latin-1's superset, the commonest legacy encoding of Western news) is preferred, since short
    texts fit several code pages ("São" in Latin-1 also decodes as Baltic "Sćo")."""
    import charset_normalizer

    matches = charset_normalizer.from_bytes(data)
    best = matches.best()
    if best is not None:
        best = next((m for m in matches if m.encoding == "cp1252" and m.chaos <= best.chaos), best)
    if best is None:
        reason = (
            f"not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}) and its encoding cannot be "
            "detected with confidence; re-save it as UTF-8"
        )
        raise DocumentError(where, reason) from None
    _warn_decoded(where, best.encoding)
    return str(best)


def _warn_decoded(where: str, encoding: str) -> None:
    message = f"{where}: not UTF-8; decoded as {encoding}, check the text"
    warnings.warn(message, DecodingWarning, stacklevel=2)
