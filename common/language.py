"""Which of the bot's seven languages a message is written in.

The bot answers in German (default), English, Turkish, Ukrainian, Russian, Arabic and
Persian (Farsi and Dari). A message decides the language only when it clearly says
something about it; a town name, "ok" or a number keeps the language as it was (None).

How:
1. The script: two or more words in Cyrillic or Arabic letters, or one beside Latin words
   (German official words like "Integrationskurs" are often mixed in), decide the script;
   langid then only chooses between the script's languages. Latin letters otherwise.
2. Letters only one language uses: і ї є ґ (Ukrainian), ы э ъ ё (Russian), ğ ş ı (Turkish).
3. Common short words ("wo", "where", "nerede", "где", "وين", "کجا", …), also in Latin
   transliteration, as before for German and English: any German function word keeps a
   German conversation German.
4. Cyrillic or Arabic script without such letters or words: langid.py (pinned in
   requirements.lock; its model ships inside the package, nothing is downloaded) decides
   between the script's languages. Latin script without known words: Turkish verb endings,
   else no decision (noise like "qqq vvv" must not switch the language).
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Dict, FrozenSet, Iterable, List, Optional, Tuple

GERMAN = "de"
ENGLISH = "en"
TURKISH = "tr"
UKRAINIAN = "uk"
RUSSIAN = "ru"
ARABIC = "ar"
PERSIAN = "fa"
LANGUAGES: Tuple[str, ...] = (GERMAN, ENGLISH, TURKISH, UKRAINIAN, RUSSIAN, ARABIC, PERSIAN)
RIGHT_TO_LEFT = frozenset({ARABIC, PERSIAN})
#: Key in a user message's metadata with the language the channel knows (Telegram's
#: ``language_code``, the widget's language switch); used until a message says otherwise.
LANGUAGE_HINT = "language_hint"

LATIN, CYRILLIC, ARABIC_SCRIPT = "latin", "cyrillic", "arabic"
_FAMILY = {LATIN: (GERMAN, ENGLISH, TURKISH), CYRILLIC: (RUSSIAN, UKRAINIAN), ARABIC_SCRIPT: (ARABIC, PERSIAN)}

# Letters that only one of the bot's languages uses.
_MARKERS = {UKRAINIAN: set("іїєґ"), RUSSIAN: set("ыэъё"), TURKISH: set("ğşı"), PERSIAN: set("پچژگ"), ARABIC: set("ة")}

# Short words that say which language a message is in (lower case). Words two languages share
# ("in", "so", "man") count for neither. Transliterated Russian, Arabic and Persian (Latin
# letters) are counted for their language, too.
_WORDS: Dict[str, FrozenSet[str]] = {k: frozenset(v.split()) for k, v in {
    ENGLISH: """the a an is are am was i you my me we our your what where who how when which can could would
        should do does did have has need want find help please thanks thank hello hi hey bye goodbye yes no not
        with for of to in at from this that there here it its about course courses refugee refugees citizenship
        naturalisation naturalization recognition degree volunteer counselling counseling advice discrimination
        job apprenticeship plan phone number address live""",
    GERMAN: """der die das den dem des ein eine einen einem einer ist sind bin bist war ich du sie wir ihr mein
        meine mich mir wo wie was wer wann welche kann können koennen kannst möchte moechte will brauche suche
        gibt es für fuer mit und oder nicht kein keine bitte danke hallo tschüss tschuess ja nein in im auf bei
        nach von zu zum zur hilfe beratung kurs deutsch wohne""",
    TURKISH: """ve bir bu ne nerede nerde nasıl nasil neden ben sen biz siz benim bana beni var yok mi mı mu mü
        için icin ile merhaba selam teşekkürler tesekkurler teşekkür tesekkur sağol sagol evet hayır hayir
        lütfen lutfen istiyorum arıyorum ariyorum yardım yardim kursu almanca türkçe turkce nereye kimse
        yapabilirim yaşıyorum yasiyorum oturuyorum kurs""",
    RUSSIAN: """и в на не что где как мне я вы мы это есть нет да у по для с о или здравствуйте привет спасибо
        пожалуйста помогите помощь хочу нужно нужен нужна курс немецкий живу можно какой какие меня мой моя
        мои его её ее он она они муж жена сын дочь если когда найти помочь получить во ищу место работу
        gde kak mne nuzhno nuzhen hochu khochu pomogite pozhaluysta spasibo privet zdravstvuyte nayti
        nemeckogo nemetskogo""",
    UKRAINIAN: """і й в у на не що де як мені я ви ми це є немає так та для з або привіт дякую будь ласка
        допоможіть допомога хочу потрібно потрібен курс німецької живу можна який які мене мій моя мої
        його її він вона вони чоловік дружина син донька якщо коли знайти отримати допомогти потрібна мови
        мова""",
    ARABIC: """في من على أين اين وين انا أنا أريد اريد بدي عندي هل ما ماذا كيف شلون شو مرحبا السلام شكرا
        لو سمحت من فضلك مساعدة ساعدني دورة كورس الألمانية الالمانية اسكن أسكن ساكن
        ana bdi biddi wein shu marhaba shukran almani""",
    PERSIAN: """در از به با را که است هست کجا كجا چطور چگونه من شما ما می میخواهم می‌خواهم ميخواهم
        سلام ممنون مرسی لطفا لطفاً کمک كمك کورس كورس کلاس كلاس زبان آلمانی زندگی میکنم می‌کنم
        کجاست كجاست mikham mikhaham kojast komak salam merci lotfan kelas almani beram""",
}.items()}
_SHARED = frozenset(w for a in _WORDS for b in _WORDS if a < b for w in _WORDS[a] & _WORDS[b])

_WORD = re.compile(r"[^\W\d_]+(?:['’‌][^\W\d_]+)*")
# Turkish verb endings ("arıyorum", "gidebilir", "yapmalı"), also typed without Turkish letters.
_TURKISH_ENDING = re.compile(r"(iyor|ıyor|uyor|üyor|yorum|yoruz|yorsun|abilir|ebilir|malı|meli|mısın|misin|musun)\w*$")
# Arabic short vowels, shadda, sukun and the tatweel stretch: not part of the word.
_DIACRITICS = re.compile("[\u0640\u064b-\u065f\u0670]")


def _script(word: str) -> str:
    first = word[0]
    if "\u0400" <= first <= "\u04ff":
        return CYRILLIC
    if "\u0600" <= first <= "\u06ff" or "\ufb50" <= first <= "\ufeff":
        return ARABIC_SCRIPT
    return LATIN


def _word_votes(words: Iterable[str], candidates: Iterable[str]) -> Dict[str, int]:
    words = list(words)
    return {lang: sum(1 for w in words if w in _WORDS[lang] and w not in _SHARED) for lang in candidates}


def prepare() -> None:
    """Load langid's model now (about 2 s), so that the first user does not wait for it."""
    _identifier()


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    """langid.py's identifier with its bundled model (loaded once, about 2 s)."""
    from langid.langid import LanguageIdentifier, model

    return LanguageIdentifier.from_modelstring(model, norm_probs=True)


def _langid(text: str, candidates: Tuple[str, ...]) -> Tuple[str, float]:
    identifier = _identifier()
    identifier.set_languages(list(candidates))
    language, probability = identifier.classify(text)
    return str(language), float(probability)


def _decide(words: List[str], family: str) -> Optional[str]:
    candidates = _FAMILY[family]
    letters = set("".join(words))
    marked = [lang for lang in candidates if _MARKERS.get(lang, set()) & letters]
    if len(marked) == 1:
        return marked[0]
    # Latin letters: also transliterated Russian, Arabic and Persian.
    votes = _word_votes(words, candidates + ((RUSSIAN, ARABIC, PERSIAN) if family == LATIN else ()))
    best = max(votes.values())
    if best and family == LATIN and votes[GERMAN] == best:
        return GERMAN  # any German function word keeps it German when no language has more
    leaders = [lang for lang, n in votes.items() if n == best]
    if best and len(leaders) == 1:
        return leaders[0]
    if family != LATIN:  # the script is clear (see detect): langid only chooses within it
        return _langid(" ".join(words), candidates)[0]
    # Latin letters without a known word: a town, "ok", noise ("qqq vvv xyxy") or a Turkish
    # sentence without listed words, recognised by its verb endings. langid is not asked here:
    # it is sure of a language even for noise.
    turkish = sum(1 for w in words if _TURKISH_ENDING.search(w))
    return TURKISH if turkish else None


def detect(text: Optional[str]) -> Optional[str]:
    """The language code of a message, or None when it says nothing clear about the language.

    A button payload ("/ask_help") is no text the user wrote: None."""
    if not text or text.startswith("/"):
        return None
    words = [w.lower() for w in _WORD.findall(_DIACRITICS.sub("", text))]
    if not words:
        return None
    by_script: Dict[str, List[str]] = {}
    for word in words:
        by_script.setdefault(_script(word), []).append(word)
    for family in (CYRILLIC, ARABIC_SCRIPT):
        own = by_script.get(family, [])
        # Two words in the script, a known word of it, or one such word beside Latin ones
        # ("WIR-Vielfaltszentrum کجاست"); one word alone is probably a town ("Франкфурт").
        if len(own) >= 2 or (own and (any(_word_votes(own, _FAMILY[family]).values()) or len(words) > len(own))):
            return _decide(own, family)
    if LATIN in by_script and len(by_script) == 1:
        return _decide(by_script[LATIN], LATIN)
    return None


# Typing variants that change the length: zero-width non-joiner and apostrophe forms.
_FOLD_MORE = str.maketrans({"\u200c": "", "ʼ": "'", "’": "'"})


# One-to-one: the text keeps its length (entity positions stay valid).
_UNIFY = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "ة": "ه", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})


def unify_letters(text: str) -> str:
    """Arabic-script letter variants made one (ي/ی, ك/ک, ة/ه, أ/إ/آ/ا), character for character:
    the length stays the same."""
    return text.translate(_UNIFY)


def fold_letters(text: str) -> str:
    """Arabic-script letter variants made one (ي/ی, ك/ک, ة/ه, أ/إ/آ/ا), without short vowels,
    tatweel and zero-width non-joiner; apostrophes made one. Case is kept, so that regular
    expressions stay intact (``\\S`` is not ``\\s``)."""
    return unify_letters(_DIACRITICS.sub("", text)).translate(_FOLD_MORE)


def fold(text: str) -> str:
    """``fold_letters`` and lower case: for matching words typed with different keyboards."""
    return fold_letters(text).lower()


def supported(code: Optional[str]) -> Optional[str]:
    """The bot's language for a code such as "uk", "pt-BR" or "fa-AF"; None if it has none."""
    base = (code or "").strip().lower().replace("_", "-").split("-")[0]
    return {"prs": PERSIAN, "per": PERSIAN}.get(base, base) if base in LANGUAGES or base in ("prs", "per") else None


def has_other_script(text: Optional[str]) -> bool:
    """True if the text has Cyrillic or Arabic letters."""
    return any(_script(word) != LATIN for word in _WORD.findall(text or ""))


def direction(language: Optional[str]) -> str:
    """'rtl' for Arabic and Persian, 'ltr' for the others."""
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"
