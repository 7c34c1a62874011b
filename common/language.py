"""Tell English from German messages, so English writers get English replies.

A small function-word count is enough here: the bot only needs to decide between
German (default) and English, and its users' German is often imperfect, so any
German function word keeps the conversation German.
"""
from __future__ import annotations

import re
from typing import Optional

GERMAN = "de"
ENGLISH = "en"

_ENGLISH_WORDS = frozenset("""
the a an is are am was i you my me we our your what where who how when which can could would should
do does did have has need want find help please thanks thank hello hi hey bye goodbye yes no not
with for of to in at from this that there here it its about course courses refugee refugees
citizenship naturalisation naturalization recognition degree volunteer counselling counseling
advice discrimination job apprenticeship plan phone number address live
""".split())
_GERMAN_WORDS = frozenset("""
der die das den dem des ein eine einen einem einer ist sind bin bist war ich du sie wir ihr mein
meine mich mir wo wie was wer wann welche kann können koennen kannst möchte moechte will brauche
suche gibt es für fuer mit und oder nicht kein keine bitte danke hallo tschüss tschuess ja nein
in im auf bei nach von zu zum zur hilfe beratung kurs deutsch wohne
""".split())
# Words both languages share ("in", "hallo/hello" differ, but "in", "so", "also") count for neither.
_SHARED = _ENGLISH_WORDS & _GERMAN_WORDS


def detect(text: Optional[str]) -> Optional[str]:
    """'en' or 'de' for a message; None when it says nothing about the language.

    A button payload ("/ask_help") is no text the user wrote: None."""
    if (text or "").startswith("/"):
        return None
    words = re.findall(r"[a-zäöüß']+", (text or "").lower())
    english = sum(1 for w in words if w in _ENGLISH_WORDS and w not in _SHARED)
    german = sum(1 for w in words if w in _GERMAN_WORDS and w not in _SHARED)
    if english == german == 0:
        return None
    return ENGLISH if english > german else GERMAN
