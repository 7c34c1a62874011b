"""Masks personal data in what users type, before it is stored.

Patterns, in the order they are applied (an e-mail address must be masked before its
digits could be mistaken for a phone number):

* e-mail addresses                     -> ``[E-MAIL]``
* IBANs (DE and other countries)       -> ``[IBAN]``
* full dates such as a date of birth   -> ``[DATUM]``
* phone numbers (6 or more digits)     -> ``[TELEFON]``
* street and house number              -> ``[ADRESSE]``
* a name the user introduces           -> ``[NAME]``
  ("ich heiße …", "mein Name ist …", "Name: …", "my name is …", "call me …": the next
  word, and up to two more if they start with a capital letter)

Postal codes (5 digits), years and short numbers such as 112 stay, so that the stored
conversation still shows what was asked. Names elsewhere in a text ("Frau Yilmaz hat
gesagt …") cannot be found reliably without a named-entity model and are not masked
(see docs/datenschutz.md).
"""
from __future__ import annotations

import re
from typing import List, Pattern, Tuple

EMAIL = re.compile(r"[\w.%+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# Country code, check digits, then groups of four (spaces optional) and a short last group;
# a word after the IBAN ("... 00 bitte") is not taken for part of it.
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b", re.IGNORECASE)
DATE = re.compile(r"\b\d{1,2}\s?[./-]\s?\d{1,2}\s?[./-]\s?(?:19|20)\d{2}\b")
# A run of digits, spaces and phone punctuation, optionally starting with + or (;
# counted as a phone number only if it holds at least 6 digits (see _phone).
PHONE = re.compile(r"(?<![\w+])(?:\+|\(\+?)?\d[\d\s/().-]*\d(?!\w)")
# "Hauptstraße 5", "Frankfurter Str. 12a", "Goetheplatz 3"; a bare "Platz 2" or "weg 5" is no address.
STREET = re.compile(
    r"\b(?:[A-ZÄÖÜ][\wäöüß-]*[ -])?"
    r"(?:[\wäöüß-]*(?:stra(?:ß|ss)e|str\.)|[\wäöüß-]+(?:weg|gasse|allee|platz|chaussee))"
    r"\s*\d{1,4}(?:\s?[a-zA-Z]\b)?",
    re.IGNORECASE,
)
# The intro is matched in any case; the name is its next word, plus up to two capitalised ones.
NAME = re.compile(
    r"(?P<intro>\b(?i:ich\s+hei(?:ß|ss|s)e?|mein(?:\s+(?:vor|nach|familien))?\s*name\s+(?:ist|lautet)|"
    r"(?:vor|nach|familien)?name\s*:|my\s+(?:first\s+|last\s+|full\s+)?name\s+is|i\s+am\s+called|"
    r"i'?m\s+called|call\s+me))\s+"
    r"(?P<name>[^\W\d_][\w'-]*(?:\s+[A-ZÄÖÜ][\w'-]*){0,2})"
)
MIN_PHONE_DIGITS = 6

SIMPLE: List[Tuple[Pattern[str], str]] = [(EMAIL, "[E-MAIL]"), (IBAN, "[IBAN]"), (DATE, "[DATUM]")]


def is_phone(match: "re.Match[str]") -> bool:
    """A ``PHONE`` match with enough digits to be a phone number (not a year or 112)."""
    return sum(ch.isdigit() for ch in match.group(0)) >= MIN_PHONE_DIGITS


def _phone(match: "re.Match[str]") -> str:
    return "[TELEFON]" if is_phone(match) else match.group(0)


def mask(text: str) -> str:
    """``text`` with e-mail addresses, IBANs, dates, phone numbers, street addresses and
    introduced names masked."""
    if not text:
        return text
    for pattern, placeholder in SIMPLE:
        text = pattern.sub(placeholder, text)
    text = PHONE.sub(_phone, text)
    text = STREET.sub("[ADRESSE]", text)
    return NAME.sub(lambda m: f"{m.group('intro')} [NAME]", text)


def cap(text: str, max_chars: int) -> str:
    """``text`` cut to ``max_chars`` characters (marked with "…"), so a huge paste is not stored."""
    if max_chars > 0 and text and len(text) > max_chars:
        return text[:max_chars] + "…"
    return text
