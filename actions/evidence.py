"""Check that an offering's contact values appear in the quotes of its sources.

Editors copy a short quote from each cited page.  A phone number, e-mail address or
street address that appears in none of the entry's quotes is not backed by its
sources, and ``make validate`` reports it; so are opening hours whose weekdays or times
no quote names, and web addresses that are neither cited nor quoted.  The comparison
forgives only what differs between pages and our format: spacing and separators in
phone numbers, "(at)" in e-mail addresses, "Straße"/"Str." and punctuation in addresses,
"Mo"/"montags"/"Montag" and "08.00"/"8" in opening hours.
"""
from __future__ import annotations

import re
from typing import Iterable

_PHONE_RUN = re.compile(r"\+?\(?\d[\d\s/()\-.–]*\d")
_COUNTRY_CODE = re.compile(r"^\+49\s*(\(0\)\s*)?")


def _phone_digits(text: str) -> str:
    """Digits of a number as dialled in Germany: '+49 (0)611 1-2' and '0611/12' -> '061112'."""
    text = text.strip()
    if _COUNTRY_CODE.match(text):
        text = "0" + _COUNTRY_CODE.sub("", text)
    return re.sub(r"\D", "", text)


def phone_in(phone: str, quotes: Iterable[str]) -> bool:
    """The phone number is written, whole, in a quote (spacing, '/', '-', '+49 (0)' may differ)."""
    wanted = _phone_digits(phone)
    return not wanted or any(wanted == _phone_digits(run) for q in quotes for run in _PHONE_RUN.findall(q))


def _email_text(text: str) -> str:
    text = text.lower()
    return re.sub(r"\s*[\(\[\{]\s*at\s*[\)\]\}]\s*", "@", text).replace(" @ ", "@")


def email_in(email: str, quotes: Iterable[str]) -> bool:
    """The e-mail address occurs in a quote; '(at)' and '[at]' count as '@'."""
    return any(email.lower() in _email_text(q) for q in quotes)


def _address_key(text: str) -> str:
    text = text.lower().replace("ß", "ss")
    text = re.sub(r"stra(ss|s)e\b", "str", text)
    text = re.sub(r"str\.", "str", text)
    return re.sub(r"[^0-9a-zäöü]", "", text)


def address_in(address: str, quotes: Iterable[str]) -> bool:
    """Every comma-separated part of the address ('Street 1', '12345 Town') occurs in one quote."""
    keys = [_address_key(part) for part in address.split(",") if part.strip()]
    return any(all(k in _address_key(q) for k in keys) for q in quotes)


_WEEKDAYS = {"mo": "montag", "di": "dienstag", "mi": "mittwoch", "do": "donnerstag", "fr": "freitag",
             "sa": "samstag", "so": "sonntag"}
_WEEKDAY = re.compile(r"\b(montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag|mo|di|mi|do|fr|sa|so)s?\b")
_STAND = re.compile(r"\(\s*stand[^)]*\)")


def _times(text: str) -> set:
    """Weekdays and numbers (as values: '08.00' gives 8 and 0) that a text of opening hours names."""
    text = _STAND.sub(" ", text.lower())
    days = {_WEEKDAYS.get(d, d) for d in _WEEKDAY.findall(text)}
    return days | {int(n) for n in re.findall(r"\d+", text)}


def hours_in(hours: str, quotes: Iterable[str]) -> bool:
    """Every weekday and number of the hours is named in one quote ('Mo-Sa 14-20 Uhr' backs
    'Montag bis Samstag 14 bis 20 Uhr'); hours without either ('nach Vereinbarung') pass."""
    wanted = _times(hours)
    return not wanted or any(wanted <= _times(q) for q in quotes)


def _plain_url(url: str) -> str:
    return url.strip().split("://", 1)[-1].rstrip("/").lower()


def web_in(web: str, urls: Iterable[str], quotes: Iterable[str]) -> bool:
    """The web address is a cited page, written in a quote, or the start page of a cited site.

    A folder between the two is not accepted: nobody saw that it is a page."""
    wanted = _plain_url(web)
    if any(wanted in q.lower() for q in quotes):
        return True
    return any(_plain_url(u) == wanted or ("/" not in wanted and _plain_url(u).startswith(wanted + "/"))
               for u in urls)
