"""Publication dates as newsrooms export them, read into calendar dates.

:func:`read_date` accepts, in this order (the first that applies decides):

1. ISO 8601 (``2015-10-01``, ``2015-10-01T08:30:00+02:00``, ``2015-10-01 08:30``, ``...Z``), read with
   :meth:`datetime.fromisoformat`, the fast path most exports take;
2. all-numeric dates with ``/``, ``.`` or ``-`` (``01/10/2015``, ``1.10.15``, ``2015/10/01``), optionally followed
   by a time: year first is always year/month/day; otherwise ``order`` (``dmy`` or ``mdy``) says which number is the
   day. Without ``order`` a date is read only when a single reading exists (``25/10/2015``, ``10/25/2015``,
   ``05/05/2015``); ``01/10/2015`` could be 1 October or 10 January and is refused rather than guessed. Two-digit
   years are 1969-2068 (POSIX ``%y``);
3. English month names, with or without a weekday and a time zone (the commonest forms first with ``strptime``) (``October 1, 2015``, ``1 Oct 2015``,
   ``Thu, 01 Oct 2015 08:30:00 +0200``), read by ``dateparser`` (English only, absolute dates only: "yesterday" is
   not a publication date), configured once.

A date and time is its calendar date as written: ``2015-10-01T23:30:00-05:00`` is 1 October, not converted to UTC.
A value without a day (``October 2015``) is not a publication date. Anything else raises
:class:`~auditor.errors.DateError`, whose message names the value and what is allowed. :func:`as_date` is the
same for the Python API's date arguments, with errors that name the argument.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Final

from auditor.errors import ArgumentTypeError, ArgumentValueError, DateError

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

#: What ``--date-order`` (and ``date_order=``) accept: the order of day and month in numeric dates.
DATE_ORDERS: Final = ("dmy", "mdy")
#: The accepted forms, for messages.
DATE_FORMS: Final = (
    "YYYY-MM-DD, an ISO 8601 date and time (2015-10-01T08:30:00+02:00), DD/MM/YYYY or MM/DD/YYYY with a date "
    "order (dmy or mdy), or a date with an English month name (October 1, 2015; 1 Oct 2015)"
)

_TIME: Final = r"\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:[ap]\.?m\.?)?\s*(?:z|utc|gmt|[+-]\d{2}(?::?\d{2})?|[a-z]{3,4})?"
_NUMERIC: Final = re.compile(
    rf"(?P<a>\d{{1,4}})(?P<sep>[/.\-])(?P<b>\d{{1,2}})(?P=sep)(?P<c>\d{{2}}|\d{{4}})\.?(?:(?:\s+|T)(?:{_TIME}))?",
    re.IGNORECASE,
)
_NUMERIC_PART: Final = re.compile(
    r"(?<![\d/.\-])(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{4}|\d{2})(?![\d/.\-])"
)
_NAMED_FORMS: Final = ("%d %b %Y", "%d %B %Y", "%B %d, %Y", "%b %d, %Y", "%B %d %Y", "%b %d %Y")
_NAMES: Final = {"dmy": "day/month/year", "mdy": "month/day/year"}


def check_order(order: object, argument: str = "date_order") -> str | None:
    """``order`` when it is one of :data:`DATE_ORDERS` or None; else an :class:`ArgumentValueError` naming
    ``argument`` (or :class:`ArgumentTypeError` for a non-string)."""
    if order is None:
        return None
    if not isinstance(order, str):
        raise ArgumentTypeError(argument, order, "'dmy', 'mdy' or None")
    if order not in DATE_ORDERS:
        raise ArgumentValueError(argument, order, f"allowed: {', '.join(DATE_ORDERS)}")
    return order


def as_date(value: object, argument: str, *, order: str | None = None) -> date | None:
    """A date argument of the Python API as a calendar date: a :class:`date` (a datetime gives its date), a
    string in a form :func:`read_date` accepts, or None; refuses anything else naming ``argument``."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if isinstance(value, datetime):
        return value.date()
    if not isinstance(value, str):
        raise ArgumentTypeError(
            argument, value, "a datetime.date, a date string such as '2015-10-01', or None"
        )
    try:
        return read_date(value, order=check_order(order))
    except DateError as exc:
        raise ArgumentValueError(argument, value, exc.reason) from None


def read_date(value: str, *, order: str | None = None) -> date:
    """The calendar date ``value`` states (see the module doc; ``order`` is ``dmy``, ``mdy`` or None); raises
    :class:`~auditor.errors.DateError`."""
    return _read(value.strip(), order)


@lru_cache(maxsize=4096)
def _read(text: str, order: str | None) -> date:
    # exports repeat the same date string across many articles: each distinct one is read once
    if not text:
        raise DateError(text, "it is empty")
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    numeric = _NUMERIC.fullmatch(text) or _NUMERIC_PART.search(text)
    if numeric is not None:
        # a numeric date inside other words ("Thu 01/10/2015") is read by the same rules, never guessed
        return _numeric(text, numeric, order)
    if not any(ch.isalpha() for ch in text):
        raise DateError(text, f"allowed: {DATE_FORMS}")
    for form in _NAMED_FORMS:
        # the commonest month-name forms, ~1000 times faster than dateparser (English names: C locale)
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    parsed = _parser().get_date_data(text).date_obj
    if parsed is None:
        raise DateError(text, f"no day, month and year could be read; allowed: {DATE_FORMS}")
    return parsed.date()


def _numeric(text: str, match: re.Match[str], order: str | None) -> date:
    """An all-numeric date: year first, or day and month in ``order`` (or the only valid reading)."""
    a, b, c = match["a"], int(match["b"]), match["c"]
    if len(a) == 4:
        return _valid(text, int(a), b, int(c), "year/month/day")
    if len(a) == 3:
        raise DateError(text, f"allowed: {DATE_FORMS}")
    year = _year(c)
    first = int(a)
    if order is not None:
        day, month = (first, b) if order == "dmy" else (b, first)
        return _valid(text, year, month, day, _NAMES[order])
    readings = {(d, m) for d, m in ((first, b), (b, first)) if _exists(year, m, d)}
    if len(readings) == 1:
        day, month = readings.pop()
        return date(year, month, day)
    if not readings:
        raise DateError(text, "no day and month read either way are a calendar date")
    raise DateError(
        text,
        f"it could be {_spelled(date(year, b, first))} (day/month/year) or {_spelled(date(year, first, b))} "
        "(month/day/year); give the order with --date-order dmy|mdy (date_order= in Python)",
    )


def _spelled(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _year(digits: str) -> int:
    """A four-digit year as it is; a two-digit one the way POSIX ``%y`` reads it (69-99: 1900s, 00-68: 2000s)."""
    year = int(digits)
    if len(digits) == 4:
        return year
    return year + (1900 if year >= 69 else 2000)


def _exists(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _valid(text: str, year: int, month: int, day: int, order_name: str) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise DateError(text, f"not a calendar date when read as {order_name}") from None


@cache
def _parser() -> DateDataParser:
    """The dateparser parser for dates with month names: English, absolute dates with day, month and year, no
    locale detection (numeric dates never reach it). Loading its language data is the slow part, done once."""
    from dateparser.date import DateDataParser

    settings = {
        "PARSERS": ["absolute-time"],
        "REQUIRE_PARTS": ["day", "month", "year"],
        "PREFER_DAY_OF_MONTH": "first",
        # the default TIMEZONE ("local") keeps a stated zone's wall-clock time, so the date stays as written
        # (a named zone such as "UTC" would convert 23:30 -05:00 to the next day)
        "RETURN_AS_TIMEZONE_AWARE": False,
    }
    return DateDataParser(languages=["en"], settings=settings, try_previous_locales=False)
