"""Check that an offering's contact values appear in the quotes of its sources.

Editors copy a short quote from each cited page.  A phone number, e-mail address or
street address that appears in none of the entry's quotes is not backed by its
sources, and ``make validate`` reports it.  The comparison forgives only what differs
between pages and our format: spacing and separators in phone numbers, "(at)" in
e-mail addresses, "Straße"/"Str." and punctuation in addresses.
"""
from __future__ import annotations

import re
from typing import Iterable

_PHONE_RUN = re.compile(r"\+?\d[\d\s/()\-.–]*\d")


def _digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return "0" + digits[2:] if text.strip().startswith("+49") else digits


def phone_in(phone: str, quotes: Iterable[str]) -> bool:
    """The phone number's digits form one number written in a quote ('+49 …' counts as '0 …')."""
    wanted = _digits(phone)
    if not wanted:
        return True
    for quote in quotes:
        for run in _PHONE_RUN.findall(quote):
            if wanted in _digits(run) or wanted in re.sub(r"\D", "", run):
                return True
    return False


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


def _plain_url(url: str) -> str:
    return url.strip().split("://", 1)[-1].rstrip("/").lower()


def web_in(web: str, urls: Iterable[str], quotes: Iterable[str]) -> bool:
    """The web address is a cited page, written in a quote, or the site or folder a cited page lies in."""
    wanted = _plain_url(web)
    if any(wanted in q.lower() for q in quotes):
        return True
    return any(_plain_url(u) == wanted or _plain_url(u).startswith(wanted + "/") for u in urls)
