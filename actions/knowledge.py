"""Load and validate the knowledge files into typed records.

Bad content never takes the bot down: an entry that fails validation is skipped
and logged, the rest stays usable.  ``KnowledgeStore`` loads once and reloads
when a file changes, so editors' changes go live without a restart.
"""
from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

import yaml

from actions import evidence
from actions.links import PLACEHOLDERS, Link, pattern_matches, placeholders
from actions.naturalisation import NaturalisationRules, load_rules
from actions.naturalisation import check as check_naturalisation
from actions.places import Gazetteer
from actions.translations import Translation, load_translations
from actions.translations import check as check_translations
from common import yaml_files

logger = logging.getLogger(__name__)

STATE_WIDE = "hessen"
FEDERAL = "bund"
CONTACT_FIELDS = ("phone", "email", "web", "address", "hours")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PHONE_RE = re.compile(r"^(\+|\()?[0-9][0-9 /()\-]{1,30}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$", re.IGNORECASE)
URL_RE = re.compile(r"^https?://[^\s]+\.[^\s]+$")
PUBLISHED_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
RETRIEVED_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s*,\s*(\S.*)$")
#: Longest quote accepted (the guide asks for about 300 characters).
MAX_QUOTE = 360
#: Longest summary accepted (the guide asks for about 110 characters).
MAX_SUMMARY = 130
#: Abbreviations with a full stop, which learners stumble over; the guide asks for the full words.
ABBREVIATION_RE = re.compile(r"(?<!\w)(z\. ?B\.|u\. ?a\.|d\. ?h\.|z\. ?T\.|o\. ?Ä\.|u\. ?U\.|ca\.|bzw\.|usw\.|"
                             r"ggf\.|evtl\.|inkl\.|etc\.|bspw\.|vgl\.|sog\.)", re.IGNORECASE)
#: Fields an offering may have (knowledge/README.md explains each).
OFFERING_FIELDS = ("id", "name", "topic", "also_for", "summary", "description", "audience", "languages", "cost",
                   "contact", "serves", "items", "sources")
SOURCE_FIELDS = ("url", "published", "retrieved", "quote")
#: Fields a topic in topics.yml may have.
TOPIC_FIELDS = ("id", "label", "intents", "by_place", "in_menu", "fixed_reply")


@dataclass(frozen=True)
class Problem:
    """One validation problem, precise enough for an editor to fix it."""

    file: str
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: Eintrag '{self.entry}', Feld '{self.field}': {self.message}"


@dataclass(frozen=True)
class Contact:
    phone: str = ""
    email: str = ""
    web: str = ""
    address: str = ""
    hours: str = ""


@dataclass(frozen=True)
class Source:
    """A page an entry's facts come from.

    ``published`` is the page's own date ("2024", "2024-09" or "2024-09-18"; "" if the page
    shows none); ``retrieved`` is when we read it and ``retrieved_how`` how (live page,
    stored copy).  Users see only ``published``.
    """

    url: str
    retrieved: dt.date
    retrieved_how: str = ""
    published: str = ""
    quote: str = ""

    @property
    def published_date(self) -> Optional[dt.date]:
        return page_date(self.published)


def page_date(text: str) -> Optional[dt.date]:
    """A page's own date ("2024", "2024-09", "2024-09-18"), a missing month or day read as the first."""
    if not PUBLISHED_RE.match(text):
        return None
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        return dt.date(parts[0], parts[1], parts[2])
    except ValueError:
        return None


@dataclass(frozen=True)
class Offering:
    id: str
    name: str
    topic: str
    description: str
    serves: Tuple[str, ...]
    sources: Tuple[Source, ...]
    contact: Contact = field(default_factory=Contact)
    #: One short sentence on what the offering does: the answer card shows it.
    summary: str = ""
    audience: str = ""
    languages: Tuple[str, ...] = ()
    cost: str = ""
    items: Tuple[str, ...] = ()
    also_for: Tuple[str, ...] = ()
    file: str = ""
    #: The summary in the other languages (from translations/<language>.yml), by language code.
    summary_translations: Mapping[str, str] = field(default_factory=dict)

    def summary_in(self, language: Optional[str]) -> str:
        """The summary in the user's language; German where there is no translation."""
        return self.summary_translations.get(language or "") or self.summary

    @property
    def newest_source(self) -> Optional[Source]:
        """The source with the newest own date, or None if no source shows a date."""
        dated = [s for s in self.sources if s.published_date]
        return max(dated, key=lambda s: s.published_date) if dated else None

    @property
    def has_contact(self) -> bool:
        """Something to act on: a phone number, e-mail address or street address."""
        return bool(self.contact.phone or self.contact.email or self.contact.address)

    def is_about(self, topic_id: str) -> bool:
        return self.topic == topic_id or topic_id in self.also_for


@dataclass(frozen=True)
class Topic:
    """One topic of knowledge/topics.yml (the fields are explained in its header)."""

    id: str
    #: German menu label; the other languages' labels are in translations/<language>.yml.
    label: str
    intents: Tuple[str, ...]
    by_place: bool
    #: A button in the topic menu and offered when the bot is unsure what the user meant.
    in_menu: bool = True
    #: Response in domain.yml that answers the topic's intents instead of the offering search.
    fixed_reply: str = ""


@dataclass(frozen=True)
class Roles:
    """Topics with a special task (``roles`` in topics.yml); each value is a topic id."""

    #: After two misunderstandings in a row the bot shows offerings of this topic (people who advise).
    human_fallback: str = ""
    #: Answers to this topic also say which office takes the application (naturalisation.yml).
    naturalisation: str = ""


#: Keys under ``roles`` in topics.yml.
ROLE_NAMES = tuple(f.name for f in fields(Roles))


@dataclass
class Knowledge:
    """Everything the actions know, plus the problems found while loading it."""

    topics: Dict[str, Topic]
    questions: Dict[str, Tuple[str, ...]]
    offerings: Dict[str, Offering]
    gazetteer: Gazetteer
    problems: List[Problem] = field(default_factory=list)
    links: List[Link] = field(default_factory=list)
    naturalisation: NaturalisationRules = field(default_factory=NaturalisationRules)
    roles: Roles = field(default_factory=Roles)
    translations: Dict[str, Translation] = field(default_factory=dict)

    def label(self, topic: Topic, language: Optional[str]) -> str:
        """The topic's menu label in the user's language (German if there is none)."""
        translation = self.translations.get(language or "")
        return (translation.topics.get(topic.id) if translation else None) or topic.label

    def text(self, german: str, language: Optional[str]) -> str:
        """A summary or link description in the user's language (German if there is none)."""
        translation = self.translations.get(language or "")
        return (translation.summaries.get(german) if translation else None) or german

    def topic_for_intent(self, intent: Optional[str]) -> Optional[Topic]:
        for topic in self.topics.values():
            if intent in topic.intents:
                return topic
        for offering_id in self.questions.get(intent or "", ()):
            offering = self.offerings.get(offering_id)
            if offering:
                return self.topics.get(offering.topic)
        return None

    def by_topic(self, topic_id: str) -> List[Offering]:
        return [o for o in self.offerings.values() if o.is_about(topic_id)]

    def links_for(self, topic_id: str) -> List[Link]:
        return [link for link in self.links if link.topic == topic_id]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _as_date(value: Any) -> Optional[dt.date]:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def parse_offering(raw: Any, file: str, topics: Mapping[str, Topic], gazetteer: Gazetteer,
                   today: Optional[dt.date] = None) -> Tuple[Optional[Offering], List[Problem]]:
    """Check one entry; return it as a record, or None and the reasons."""
    today = today or dt.date.today()
    if not isinstance(raw, dict):
        return None, [Problem(file, "?", "-", "Eintrag ist keine Zuordnung (key: value)")]
    oid = _text(raw.get("id")) or "?"
    problems: List[Problem] = []

    def bad(fld: str, msg: str) -> None:
        problems.append(Problem(file, oid, fld, msg))

    if not ID_RE.match(oid):
        bad("id", "fehlt oder enthält andere Zeichen als a-z, 0-9 und '-'")
    for unknown in sorted(set(map(str, raw)) - set(OFFERING_FIELDS)):
        bad(unknown, f"unbekanntes Feld (erlaubt: {', '.join(OFFERING_FIELDS)})")
    for required in ("name", "summary", "description"):
        if not _text(raw.get(required)):
            bad(required, "Pflichtfeld fehlt")
    if len(_text(raw.get("summary"))) > MAX_SUMMARY:
        bad("summary", f"zu lang ({len(_text(raw.get('summary')))} Zeichen, höchstens {MAX_SUMMARY})")
    for text_field in ("summary", "description"):
        found = ABBREVIATION_RE.findall(_text(raw.get(text_field)))
        if found:
            bad(text_field, f"Abkürzung '{found[0]}': bitte ausschreiben (zum Beispiel, etwa, beziehungsweise …)")
    topic = _text(raw.get("topic"))
    if topic not in topics:
        bad("topic", f"'{topic}' ist kein Thema aus topics.yml ({', '.join(topics)})")
    elif file_topic(file) and file_topic(file) != topic:
        bad("topic", f"'{topic}' passt nicht zum Dateinamen (erwartet: '{file_topic(file)}')")
    also_for = [_text(t) for t in (raw.get("also_for") or [])]
    for extra in also_for:
        if extra not in topics:
            bad("also_for", f"'{extra}' ist kein Thema aus topics.yml")

    contact_raw = raw.get("contact")
    if not isinstance(contact_raw, dict):
        bad("contact", "Pflichtfeld fehlt oder ist keine Zuordnung (phone, email, web, address, hours)")
        contact_raw = {}
    for key in contact_raw:
        if key not in CONTACT_FIELDS:
            bad(f"contact.{key}", f"unbekanntes Feld (erlaubt: {', '.join(CONTACT_FIELDS)})")
    for key in CONTACT_FIELDS:
        if contact_raw and key not in contact_raw:
            bad(f"contact.{key}", "fehlt (alle fünf Unterfelder angeben; unbekannt = \"\")")
    contact = Contact(**{k: _text(contact_raw.get(k)) for k in CONTACT_FIELDS})
    if contact.phone and not PHONE_RE.match(contact.phone):
        bad("contact.phone", f"'{contact.phone}' ist keine Telefonnummer (nur Ziffern, Leerzeichen, + / - ( ))")
    if contact.email and not EMAIL_RE.match(contact.email):
        bad("contact.email", f"'{contact.email}' ist keine E-Mail-Adresse")
    if contact.web and not URL_RE.match(contact.web):
        bad("contact.web", f"'{contact.web}' ist keine Web-Adresse (http:// oder https://)")

    serves_raw = raw.get("serves")
    serves: List[str] = []
    if not isinstance(serves_raw, list) or not serves_raw:
        bad("serves", "Liste der Orte fehlt (z. B. [hessen], [bund], [rb-kassel], [kassel])")
    else:
        for place in map(_text, serves_raw):
            if place in (STATE_WIDE, FEDERAL) or gazetteer.get(place):
                serves.append(place)
            else:
                bad("serves", f"Ort '{place}' gibt es nicht in places.yml")

    sources = _parse_sources(raw.get("sources"), bad, today)
    quotes = [src.quote for src in sources]
    if contact.phone and not evidence.phone_in(contact.phone, quotes):
        bad("contact.phone", f"'{contact.phone}' steht in keinem Zitat (quote) der Quellen")
    if contact.email and not evidence.email_in(contact.email, quotes):
        bad("contact.email", f"'{contact.email}' steht in keinem Zitat (quote) der Quellen")
    if contact.address and not evidence.address_in(contact.address, quotes):
        bad("contact.address", f"'{contact.address}' steht in keinem Zitat (quote) der Quellen")
    if contact.hours and not evidence.hours_in(contact.hours, quotes):
        bad("contact.hours", f"Tage oder Uhrzeiten von '{contact.hours}' stehen in keinem Zitat (quote) der Quellen")
    if contact.web and sources and not evidence.web_in(contact.web, [src.url for src in sources], quotes):
        bad("contact.web", f"'{contact.web}' ist weder eine Quelle noch steht sie in einem Zitat "
                           "noch ist sie die Startseite einer Quelle")

    for list_field in ("languages", "items"):
        value = raw.get(list_field) or []
        if not isinstance(value, list):
            bad(list_field, "muss eine Liste sein")
    if problems:
        return None, problems
    return Offering(
        id=oid, name=_text(raw["name"]), topic=topic, description=_text(raw["description"]),
        summary=_text(raw.get("summary")),
        serves=tuple(serves), sources=tuple(sources), contact=contact,
        audience=_text(raw.get("audience")), cost=_text(raw.get("cost")),
        languages=tuple(map(_text, raw.get("languages") or [])),
        items=tuple(map(_text, raw.get("items") or [])), also_for=tuple(also_for), file=file,
    ), []


def file_topic(file: str) -> str:
    """Topic a file name promises: 'offerings/psz.yml' and 'offerings/psz.nord.yml' -> 'psz'."""
    return Path(file).name.split(".")[0] if file.startswith("offerings/") else ""


def _parse_sources(sources_raw: Any, bad: Callable[[str, str], None], today: dt.date) -> List[Source]:
    """Check the ``sources`` list: url, published, retrieved ("JJJJ-MM-TT, wie gelesen"), quote."""
    sources: List[Source] = []
    if not isinstance(sources_raw, list) or not sources_raw:
        bad("sources", "mindestens eine Quelle (url, published, retrieved, quote) ist Pflicht")
        return sources
    for i, src in enumerate(sources_raw):
        src = src if isinstance(src, dict) else {}
        url, published, quote = _text(src.get("url")), _text(src.get("published")), _text(src.get("quote"))
        retrieved = RETRIEVED_RE.match(_text(src.get("retrieved")))
        day = _as_date(retrieved.group(1)) if retrieved else None
        if not URL_RE.match(url):
            bad(f"sources[{i}].url", f"'{url}' ist keine Web-Adresse")
        if "published" not in src:
            bad(f"sources[{i}].published", "fehlt (Datum der Seite, oder \"\" wenn die Seite keins zeigt)")
        elif published and not page_date(published):
            bad(f"sources[{i}].published", f"'{published}' ist kein Datum (JJJJ, JJJJ-MM oder JJJJ-MM-TT) und nicht leer")
        if day is None:
            bad(f"sources[{i}].retrieved", "fehlt oder nicht im Format \"JJJJ-MM-TT, wie gelesen\"")
        elif day > today:
            bad(f"sources[{i}].retrieved", f"{day} liegt in der Zukunft")
        if len(quote) > MAX_QUOTE:
            bad(f"sources[{i}].quote", f"zu lang ({len(quote)} Zeichen, höchstens {MAX_QUOTE})")
        for key in sorted(set(map(str, src)) - set(SOURCE_FIELDS)):
            bad(f"sources[{i}].{key}", "veraltetes Feld: bitte 'retrieved' verwenden" if key == "checked"
                else f"unbekanntes Feld (erlaubt: {', '.join(SOURCE_FIELDS)})")
        if url and day:
            sources.append(Source(url, day, retrieved.group(2).strip() if retrieved else "", published, quote))
    return sources


def _read_yaml(path: Path, problems: List[Problem]) -> Any:
    try:
        return yaml_files.read(path)
    except (OSError, yaml.YAMLError) as exc:
        problems.append(Problem(path.name, "-", "-", f"Datei kann nicht gelesen werden: {exc}"))
        return None


def parse_topic(raw: Any, bad: Callable[[str, str], None]) -> Optional[Topic]:
    """Check one topic of topics.yml; return it as a record, or None (the reasons went to ``bad``)."""
    raw = raw if isinstance(raw, dict) else {}
    found: List[str] = []

    def wrong(fld: str, msg: str) -> None:
        found.append(fld)
        bad(fld, msg)

    if not ID_RE.match(_text(raw.get("id"))):
        wrong("id", "fehlt oder enthält andere Zeichen als a-z, 0-9 und '-'")
    for unknown in sorted(set(map(str, raw)) - set(TOPIC_FIELDS)):
        wrong(unknown, f"unbekanntes Feld (erlaubt: {', '.join(TOPIC_FIELDS)})")
    if not _text(raw.get("label")):
        wrong("label", "Pflichtfeld fehlt")
    intents = raw.get("intents")
    if not isinstance(intents, list) or not intents:
        wrong("intents", "Liste der Intents fehlt")
    if not isinstance(raw.get("by_place"), bool):
        wrong("by_place", "Pflichtfeld: true oder false")
    if not isinstance(raw.get("in_menu", True), bool):
        wrong("in_menu", "muss true oder false sein")
    if "fixed_reply" in raw and not re.fullmatch(r"utter_[a-z_]+", _text(raw["fixed_reply"])):
        wrong("fixed_reply", "muss der Name einer Antwort aus domain.yml sein (utter_…)")
    if found:
        return None
    return Topic(_text(raw["id"]), _text(raw["label"]), tuple(map(_text, intents)),
                 raw["by_place"], raw.get("in_menu", True), _text(raw.get("fixed_reply")))


def load_topics(path: Path, problems: List[Problem]
                ) -> Tuple[Dict[str, Topic], Dict[str, Tuple[str, ...]], Roles]:
    """Read topics.yml: the topics, the one-fact ``questions`` and the ``roles``; report what is wrong."""
    data = _read_yaml(path, problems)
    data = data if isinstance(data, dict) else {}
    topics: Dict[str, Topic] = {}
    owner: Dict[str, str] = {}  # intent -> the topic id it belongs to, or "questions"

    def bad(entry: str) -> Callable[[str, str], None]:
        return lambda fld, msg: problems.append(Problem("topics.yml", entry, fld, msg))

    def claim(intent: str, by: str, fld: str) -> bool:
        if intent in owner:
            bad(by if fld == "intents" else intent)(fld, f"Intent '{intent}' gehört schon zu '{owner[intent]}'")
            return False
        owner[intent] = by
        return True

    for raw in data.get("topics") or []:
        tid = _text(raw.get("id") if isinstance(raw, dict) else None) or "?"
        topic = parse_topic(raw, bad(tid))
        if topic and topic.id in topics:
            bad(tid)("id", "doppelt")
        elif topic and all([claim(intent, topic.id, "intents") for intent in topic.intents]):
            topics[topic.id] = topic
    questions = {}
    for intent, ids in (data.get("questions") or {}).items():
        if claim(str(intent), "questions", "questions"):
            questions[str(intent)] = tuple(map(_text, ids if isinstance(ids, list) else [ids]))
    raw_roles = data.get("roles") if isinstance(data.get("roles"), dict) else {}
    for role in ROLE_NAMES:
        if _text(raw_roles.get(role)) not in topics:
            bad("roles")(role, f"'{_text(raw_roles.get(role))}' ist kein Thema aus der Liste 'topics'")
    for role in sorted(set(map(str, raw_roles)) - set(ROLE_NAMES)):
        bad("roles")(role, f"unbekannte Rolle (erlaubt: {', '.join(ROLE_NAMES)})")
    return topics, questions, Roles(**{role: _text(raw_roles.get(role)) for role in ROLE_NAMES})


def load_knowledge(directory: Path, today: Optional[dt.date] = None) -> Knowledge:
    """Read topics.yml, places.yml and offerings/*.yml; skip and report broken entries."""
    problems: List[Problem] = []
    topics, questions, roles = load_topics(directory / "topics.yml", problems)
    gazetteer = Gazetteer.from_file(directory / "places.yml")
    offerings: Dict[str, Offering] = {}
    for path in sorted((directory / "offerings").glob("*.yml")):
        rel = f"offerings/{path.name}"
        data = _read_yaml(path, problems)
        if data is None:
            continue
        entries = data.get("offerings") if isinstance(data, dict) else None
        if not isinstance(entries, list):
            problems.append(Problem(rel, "-", "offerings", "Liste 'offerings:' fehlt"))
            continue
        for raw in entries:
            offering, found = parse_offering(raw, rel, topics, gazetteer, today)
            problems.extend(found)
            if offering is None:
                continue
            if offering.id in offerings:
                problems.append(Problem(rel, offering.id, "id",
                                        f"doppelt (schon in {offerings[offering.id].file})"))
                continue
            offerings[offering.id] = offering
    links = load_links(directory / "links.yml", topics, problems, today)
    rules = load_rules(directory)
    problems.extend(Problem("naturalisation.yml", entry, "-", msg) for entry, msg in check_naturalisation(rules, gazetteer))
    for intent, ids in questions.items():
        for oid in ids:
            if oid not in offerings:
                problems.append(Problem("topics.yml", intent, "questions", f"Angebot '{oid}' fehlt"))
    translations = load_translations(directory / "translations")
    german_texts = [o.summary for o in offerings.values() if o.summary] + [li.description for li in links if li.description]
    problems.extend(Problem(*found) for found in check_translations(
        directory / "translations", translations, topics, german_texts, gazetteer.ids()))

    def translated(german: str) -> Dict[str, str]:
        return {lang: t.summaries[german] for lang, t in translations.items() if t.summaries.get(german)}

    offerings = {oid: replace(o, summary_translations=translated(o.summary)) for oid, o in offerings.items()}
    links = [replace(li, description_translations=translated(li.description)) for li in links]
    for problem in problems:
        logger.warning("Wissensbasis: %s (Eintrag übersprungen)", problem)
    return Knowledge(topics, questions, offerings, gazetteer, problems, links, rules, roles, translations)


def load_links(path: Path, topics: Mapping[str, Topic], problems: List[Problem],
               today: Optional[dt.date] = None) -> List[Link]:
    """Read links.yml: each link's pattern must have been seen on a real page (a source URL)."""
    if not path.exists():
        return []
    today = today or dt.date.today()
    data = _read_yaml(path, problems) or {}
    links: List[Link] = []
    for raw in data.get("links") or []:
        raw = raw if isinstance(raw, dict) else {}
        lid = _text(raw.get("id")) or "?"
        found: List[Problem] = []

        def bad(fld: str, msg: str) -> None:
            found.append(Problem("links.yml", lid, fld, msg))

        url, topic = _text(raw.get("url")), _text(raw.get("topic"))
        if not ID_RE.match(lid):
            bad("id", "fehlt oder enthält andere Zeichen als a-z, 0-9 und '-'")
        if topic not in topics:
            bad("topic", f"'{topic}' ist kein Thema aus topics.yml")
        if not _text(raw.get("name")):
            bad("name", "Pflichtfeld fehlt")
        if not URL_RE.match(url):
            bad("url", f"'{url}' ist keine Web-Adresse")
        unknown = [p for p in placeholders(url) if p not in PLACEHOLDERS]
        if unknown:
            bad("url", f"unbekannte Platzhalter {unknown} (erlaubt: {', '.join(PLACEHOLDERS)})")
        sources = _parse_sources(raw.get("sources"), bad, today)
        if url and sources and placeholders(url) and not any(pattern_matches(url, s.url) for s in sources):
            bad("sources", "keine Quelle ist eine echte Seite dieser Form (url mit eingesetzten Werten)")
        if url and sources and not placeholders(url) and not any(url == s.url or url in s.quote for s in sources):
            bad("sources", "der Link ist weder selbst eine Quelle noch steht er in einem Zitat (quote)")
        problems.extend(found)
        if not found:
            links.append(Link(lid, topic, _text(raw["name"]), url, _text(raw.get("description"))))
    return links


class KnowledgeStore:
    """Holds the loaded knowledge and reloads it when any file under the folder changes."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        self._lock = threading.Lock()
        self._stamp: Tuple[Tuple[str, float], ...] = ()
        self._knowledge: Optional[Knowledge] = None

    def _current_stamp(self) -> Tuple[Tuple[str, float], ...]:
        files = sorted(self.directory.rglob("*.yml"))
        return tuple((str(p), p.stat().st_mtime) for p in files)

    def get(self) -> Knowledge:
        stamp = self._current_stamp()
        with self._lock:
            if self._knowledge is None or stamp != self._stamp:
                logger.info("Wissensbasis wird geladen aus %s", self.directory)
                self._knowledge = load_knowledge(self.directory)
                self._stamp = stamp
            return self._knowledge
