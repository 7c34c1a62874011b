"""The report's tables, counted from conversation records and the current knowledge.

Every table is a ``Table`` (title, caption, columns, rows), so the HTML page and the CSV
export show the same figures. Only aggregated figures and masked question texts leave
this module; texts are masked a second time here (``common.masking``), in case the store
missed something. Place names are printed only when they are official names from the
gazetteer: the ``place`` slot can hold what a user typed, and slots are stored unmasked.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Tuple

from actions import routes
from actions.knowledge import Knowledge
from actions.places import WHOLE_STATE, Place
from common import masking
from reporting import similar
from reporting.conversations import (
    CRISIS_INTENT,
    FALLBACK_INTENT,
    OUT_OF_SCOPE_INTENT,
    Conversation,
    Message,
)

#: A typed message whose intent confidence is below this is listed as "unsicher".
LOW_CONFIDENCE = 0.7
#: Longest question text shown (characters); the rest is cut with "…".
MAX_SHOWN_CHARS = 300

LANGUAGE_NAMES = {"de": "Deutsch", "en": "Englisch", "tr": "Türkisch", "uk": "Ukrainisch", "ru": "Russisch",
                  "ar": "Arabisch", "fa": "Persisch (Farsi/Dari)"}
#: No language recognised yet (the bot then answers in German).
UNKNOWN_LANGUAGE = "nicht erkannt (Antwort auf Deutsch)"

NO_PLACE = "kein Ort genannt"
WHOLE_HESSEN = "ganz Hessen"
UNKNOWN_PLACE = "außerhalb Hessens oder nicht erkannt"

#: answer_scope values (contract of issue 17) -> column title.
SCOPES = {"local": "örtlich", "regional": "regional", "land": "nur hessenweit", "none": "kein Angebot"}
NOT_RECORDED = "nicht erfasst"

#: Route levels (actions/routes.py) that mean "the knowledge has a local entry".
LOCAL_LEVELS = (routes.LOCAL, routes.DISTRICT)
ROUTE_NAMES = {routes.REGION: "Stelle für den Regierungsbezirk", routes.DEEP_LINK: "amtliche Suchseite für den Ort",
               routes.STATE: "hessenweite Stelle", routes.FEDERAL: "bundesweites Angebot",
               routes.NONE: "nur allgemeine Auskunft"}

REASONS = {"fallback": "nicht verstanden", "clarify": "nachgefragt", "low": "unsicher",
           "out_of_scope": "außerhalb der Themen"}


@dataclass
class Table:
    """One table of the report; ``key`` names its CSV file."""

    key: str
    title: str
    caption: str
    columns: List[str]
    rows: List[List[Any]] = field(default_factory=list)


@dataclass
class Report:
    first_day: dt.date
    last_day: dt.date
    source: str  # "SQLite" or "PostgreSQL"
    created: dt.datetime
    totals: Dict[str, int]
    tables: Dict[str, Table]


def safe_text(text: str) -> str:
    """Stored text masked once more and cut for display."""
    return masking.cap(masking.mask(" ".join(text.split())), MAX_SHOWN_CHARS)


def share(part: int, whole: int) -> str:
    """'42 %' (German style), '–' for nothing to divide by."""
    return f"{round(100 * part / whole)} %" if whole else "–"


class Places:
    """Where a place slot value lies: official name, district, region (gazetteer only)."""

    def __init__(self, knowledge: Knowledge) -> None:
        self.gazetteer = knowledge.gazetteer
        self._cache: Dict[Optional[str], Tuple[str, Optional[Place]]] = {}

    def area(self, value: Optional[str]) -> Tuple[str, Optional[Place]]:
        """(row label: district, Regierungsbezirk or a fixed label; the place if in Hessen)."""
        if value not in self._cache:
            self._cache[value] = self._area(value)
        return self._cache[value]

    def _area(self, value: Optional[str]) -> Tuple[str, Optional[Place]]:
        if not value:
            return NO_PLACE, None
        if value.strip().lower() in (WHOLE_STATE.lower(), "ganz hessen"):
            return WHOLE_HESSEN, None
        place = self.gazetteer.resolve(value)
        if place is None:
            return UNKNOWN_PLACE, None
        if place.kind == "municipality":
            district = self.gazetteer.get(place.district or "")
            return (district.name if district else UNKNOWN_PLACE), place
        return place.name, place


def _days(first: dt.date, last: dt.date) -> List[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def per_day(conversations: List[Conversation], first: dt.date, last: dt.date) -> Table:
    talks = Counter(c.day for c in conversations)
    messages = Counter(m.day for c in conversations for m in c.messages)
    return Table("tage", "Gespräche und Nachrichten je Tag",
                 "Gespräche (Sitzungen mit mindestens einer Nachricht, gezählt am Tag ihrer ersten Nachricht) "
                 "und Nachrichten von Nutzerinnen und Nutzern je Tag.",
                 ["Tag", "Gespräche", "Nachrichten"],
                 [[day.isoformat(), talks[day], messages[day]] for day in _days(first, last)])


def topic_label(knowledge: Knowledge, topic_id: Optional[str]) -> str:
    topic = knowledge.topics.get(topic_id or "")
    return topic.label if topic else (topic_id or "ohne Thema")


def topics(conversations: List[Conversation], knowledge: Knowledge) -> Table:
    answers = Counter(a.topic for c in conversations for a in c.answers)
    talks = Counter(topic for c in conversations for topic in {a.topic for a in c.answers})
    total = sum(answers.values())
    rows = [[topic_label(knowledge, t), n, talks[t], share(n, total)]
            for t, n in sorted(answers.items(), key=lambda item: (-item[1], topic_label(knowledge, item[0])))]
    return Table("themen", "Die häufigsten Themen",
                 "Antworten mit Angeboten je Thema, in wie vielen Gesprächen, und Anteil an allen solchen Antworten.",
                 ["Thema", "Antworten", "Gespräche", "Anteil"], rows)


def places(conversations: List[Conversation], where: Places) -> Table:
    counts: Dict[str, Counter] = defaultdict(Counter)
    towns: Dict[str, Counter] = defaultdict(Counter)
    for answer in (a for c in conversations for a in c.answers):
        label, place = where.area(answer.place)
        counts[label][answer.scope or NOT_RECORDED] += 1
        if place is not None and place.kind == "municipality":
            towns[label][place.name] += 1
    fixed = [NO_PLACE, WHOLE_HESSEN, UNKNOWN_PLACE]
    order = sorted((label for label in counts if label not in fixed),
                   key=lambda label: (-sum(counts[label].values()), label)) + [f for f in fixed if f in counts]
    rows = []
    for label in order:
        scopes = counts[label]
        recorded = sum(n for scope, n in scopes.items() if scope != NOT_RECORDED)
        rows.append([label, sum(scopes.values())] + [scopes[s] for s in SCOPES] + [scopes[NOT_RECORDED]]
                    + [share(scopes["local"] + scopes["regional"], recorded),
                       ", ".join(f"{name} ({n})" for name, n in sorted(towns[label].items(),
                                                                        key=lambda t: (-t[1], t[0])))])
    return Table("orte", "Orte nach Kreis",
                 "Antworten mit Angeboten nach dem Kreis (oder der kreisfreien Stadt) des genannten Orts; wie viele "
                 "eine Stelle vor Ort (örtlich: Gemeinde oder Kreis) oder im Regierungsbezirk (regional) nannten; "
                 "die Gemeinden mit Anzahl. Nicht erkannte Ortsangaben werden nicht gezeigt, nur gezählt. "
                 "„nicht erfasst“: Gespräche aus der Zeit, bevor der Bot das aufzeichnete.",
                 ["Kreis oder Gebiet", "Antworten", *SCOPES.values(), NOT_RECORDED, "Anteil örtlich oder regional",
                  "Gemeinden"],
                 rows)


def _conversation_language(conversation: Conversation) -> Optional[str]:
    languages = Counter(m.language for m in conversation.messages if m.language)
    return languages.most_common(1)[0][0] if languages else None


def languages(conversations: List[Conversation]) -> Table:
    talks = Counter(_conversation_language(c) for c in conversations)
    messages = Counter(m.language for c in conversations for m in c.messages)
    codes = sorted(set(talks) | set(messages), key=lambda code: (-talks[code], -messages[code], code or "~"))
    rows = [[LANGUAGE_NAMES.get(code or "", code or UNKNOWN_LANGUAGE), talks[code], messages[code],
             share(talks[code], len(conversations))] for code in codes]
    return Table("sprachen", "Sprachen",
                 "Gespräche nach der Sprache der meisten ihrer Nachrichten, Nachrichten nach ihrer Sprache.",
                 ["Sprache", "Gespräche", "Nachrichten", "Anteil der Gespräche"], rows)


def typed_messages(conversations: Iterable[Conversation]) -> List[Message]:
    return [m for c in conversations for m in c.messages if m.typed]


def rates(conversations: List[Conversation]) -> Table:
    typed = typed_messages(conversations)
    total = len(typed)
    counts = [("Nicht verstanden", sum(m.intent == FALLBACK_INTENT for m in typed)),
              ("Rückfragen des Bots (zwei Themen zur Wahl oder Hinweis auf Beratung)",
               sum(m.clarified for m in typed)),
              ("Außerhalb der Themen des Bots", sum(m.intent == OUT_OF_SCOPE_INTENT for m in typed)),
              ("Krisennachrichten (Notrufnummern gezeigt)", sum(m.intent == CRISIS_INTENT for m in typed))]
    with_clarify = sum(1 for c in conversations if c.clarifications)
    rows = [[name, n, total, share(n, total)] for name, n in counts]
    rows.append(["Gespräche mit mindestens einer Rückfrage", with_clarify, len(conversations),
                 share(with_clarify, len(conversations))])
    return Table("quoten", "Nicht verstanden, Rückfragen, außerhalb der Themen",
                 "Anteile an den getippten Nachrichten (ohne Knöpfe), die letzte Zeile an den Gesprächen.",
                 ["Kennzahl", "Anzahl", "von", "Anteil"], rows)


def feedback(conversations: List[Conversation], knowledge: Knowledge) -> Table:
    answers = Counter(a.topic for c in conversations for a in c.answers)
    ratings: Dict[Optional[str], Counter] = defaultdict(Counter)
    for rating in (r for c in conversations for r in c.ratings):
        ratings[rating.topic][rating.rating] += 1
        ratings[rating.topic]["comment"] += rating.comment is not None
    topic_ids = sorted(set(answers) | set(ratings), key=lambda t: (
        -(ratings[t]["helpful"] + ratings[t]["not_helpful"]), -answers[t], topic_label(knowledge, t)))
    rows = []
    for topic_id in topic_ids:
        good, bad = ratings[topic_id]["helpful"], ratings[topic_id]["not_helpful"]
        rows.append([topic_label(knowledge, topic_id), answers[topic_id], good + bad,
                     share(good + bad, answers[topic_id]), good, bad, share(good, good + bad),
                     ratings[topic_id]["comment"]])
    return Table("bewertungen", "Bewertungen je Thema",
                 "Wie oft Antworten mit Angeboten bewertet wurden („Hilfreich“ oder „Nicht hilfreich“) und mit "
                 "welchem Ergebnis; Kommentare: Antworten auf „Was hat gefehlt?“.",
                 ["Thema", "Antworten", "Bewertungen", "Anteil bewertet", "Hilfreich", "Nicht hilfreich",
                  "Anteil hilfreich", "Kommentare"], rows)


def _reason(message: Message, low: float) -> Optional[str]:
    if not message.typed or message.comment or message.intent == CRISIS_INTENT or not message.text.strip():
        return None  # buttons, "Was hat gefehlt?" (listed with the rating), crisis messages are never listed
    if message.intent == FALLBACK_INTENT:
        return "fallback"
    if message.clarified:
        return "clarify"
    if message.intent == OUT_OF_SCOPE_INTENT:
        return "out_of_scope"
    if message.confidence is not None and message.confidence < low:
        return "low"
    return None


def questions(conversations: List[Conversation], knowledge: Knowledge, low: float = LOW_CONFIDENCE) -> Table:
    found = [(m, reason) for m in typed_messages(conversations) if (reason := _reason(m, low))]
    details: Dict[str, List[Tuple[Message, str]]] = defaultdict(list)
    for message, reason in found:
        details[safe_text(message.text)].append((message, reason))
    rows = []
    for group in similar.group(safe_text(m.text) for m, _ in found):
        members = [d for text, _ in group.variants for d in details[text]]
        reasons = Counter(REASONS[reason] for _, reason in members)
        guesses = Counter(topic_label(knowledge, topic.id) for m, _ in members
                          if (topic := knowledge.topic_for_intent(m.guess or m.intent)))
        rows.append([group.count, group.text,
                     "; ".join(f"{text} ({n})" for text, n in group.variants[1:]),
                     ", ".join(f"{name} ({n})" for name, n in reasons.most_common()),
                     guesses.most_common(1)[0][0] if guesses else "–"])
    return Table("fragen", "Fragen, die der Bot nicht oder unsicher verstanden hat",
                 "Getippte Fragen (maskiert, wie gespeichert), ähnliche zusammengefasst, die häufigsten zuerst. "
                 f"Unsicher: Sicherheit der Erkennung unter {round(100 * low)} %. Vermutetes Thema: was die "
                 "Spracherkennung am ehesten annahm. Krisennachrichten und Antworten auf „Was hat gefehlt?“ "
                 "stehen hier nie.",
                 ["Anzahl", "Frage", "Ähnliche Fragen (Anzahl)", "Grund", "Vermutetes Thema"], rows)


def not_helpful(conversations: List[Conversation], knowledge: Knowledge, where: Places) -> Table:
    rows = []
    for rating in (r for c in conversations for r in c.ratings if r.rating == "not_helpful"):
        label, place = where.area(rating.place)
        shown_place = place.name if place is not None else label
        rows.append([topic_label(knowledge, rating.topic), shown_place, label if place is not None else "",
                     SCOPES.get(rating.scope or "", NOT_RECORDED),
                     safe_text(rating.comment) if rating.comment else "–"])
    rows.sort(key=lambda row: (row[0], row[2], row[1], row[4] == "–", row[4]))
    return Table("nicht_hilfreich", "Antworten, die als „Nicht hilfreich“ bewertet wurden",
                 "Je Bewertung: Thema, Ort und Kreis der Antwort, wie örtlich die Antwort war, und was auf "
                 "„Was hat gefehlt?“ geschrieben wurde (maskiert; „–“: nichts geschrieben).",
                 ["Thema", "Ort", "Kreis", "Antwort", "Was hat gefehlt?"], rows)


def todo(conversations: List[Conversation], knowledge: Knowledge, where: Places) -> Table:
    """Topic × district cells people asked for where the knowledge has no office of the place or district."""
    best: Dict[Tuple[str, str], str] = {}
    cells: Dict[Tuple[str, str], Counter] = defaultdict(Counter)
    levels: Dict[Tuple[str, str], Counter] = defaultdict(Counter)
    for answer in (a for c in conversations for a in c.answers):
        topic = knowledge.topics.get(answer.topic)
        label, place = where.area(answer.place)
        if topic is None or not topic.by_place or place is None or place.kind == "region":
            continue
        key = (topic.id, place.id)
        if key not in best:
            best[key] = routes.best_route(knowledge, topic.id, place).level
        if best[key] in LOCAL_LEVELS:
            continue
        cells[(topic.id, label)][place.name] += 1
        levels[(topic.id, label)][best[key]] += 1
    rows = []
    for (topic_id, district), asked in sorted(cells.items(), key=lambda item: (
            -sum(item[1].values()), topic_label(knowledge, item[0][0]), item[0][1])):
        rows.append([topic_label(knowledge, topic_id), district, sum(asked.values()),
                     ", ".join(f"{name} ({n})" for name, n in sorted(asked.items(), key=lambda t: (-t[1], t[0]))),
                     ", ".join(ROUTE_NAMES.get(level, level) for level, _ in levels[(topic_id, district)].most_common())])
    return Table("aufgaben", "Aufgaben für die Redaktion: gefragt, aber keine Stelle vor Ort",
                 "Thema und Kreis, nach denen gefragt wurde, für die das Wissen (knowledge/, Stand heute) keine Stelle "
                 "der Gemeinde oder des Kreises hat; die Gemeinden mit Anzahl der Anfragen und was der Bot dort "
                 "stattdessen zeigt. Die häufigsten zuerst. Eine Zeile verschwindet, sobald ein örtlicher Eintrag "
                 "mit Kontakt da ist.",
                 ["Thema", "Kreis", "Anfragen", "Gemeinden (Anfragen)", "Stattdessen gezeigt"], rows)


def build(conversations: Iterable[Conversation], knowledge: Knowledge, first_day: dt.date, last_day: dt.date,
          source: str, low: float = LOW_CONFIDENCE, now: Optional[dt.datetime] = None) -> Report:
    """All tables of the report for the conversations of the period ``first_day``..``last_day``."""
    talks = list(conversations)
    where = Places(knowledge)
    tables = [per_day(talks, first_day, last_day), topics(talks, knowledge), places(talks, where), languages(talks),
              rates(talks), feedback(talks, knowledge), questions(talks, knowledge, low),
              not_helpful(talks, knowledge, where), todo(talks, knowledge, where)]
    totals = {"Gespräche": len(talks), "Nachrichten": sum(len(c.messages) for c in talks),
              "davon getippt": len(typed_messages(talks)),
              "Antworten mit Angeboten": sum(len(c.answers) for c in talks),
              "Bewertungen": sum(len(c.ratings) for c in talks)}
    return Report(first_day, last_day, source, now or dt.datetime.now().replace(microsecond=0), totals,
                  {t.key: t for t in tables})
