"""The Rasa actions. They only tie together knowledge, places, ranking and rendering."""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import answer, config, feedback, naturalisation, places, ranking, render, routes
from actions.knowledge import Knowledge, KnowledgeStore, Offering, Topic
from actions.places import WHOLE_STATE, Place
from common.language import GERMAN, has_other_script

logger = logging.getLogger(__name__)

STORE = KnowledgeStore(config.KNOWLEDGE_DIR)
#: Slot value meaning "the user did not want to name a place": answer for all of Hessen.
#: Intents that continue the last topic instead of starting a new one.
CONTINUING_INTENTS = {"inform_place", "deny", "affirm"}
#: How many official finder links one answer shows at most.
MAX_LINKS = 2
#: How many further offerings "Mehr anzeigen" can bring (three more turns at most).
MAX_WAITING = 9


def latest_entity(tracker: Tracker, entity: str) -> Optional[str]:
    """Value of the last entity of this type in the latest user message."""
    values = [e.get("value") for e in tracker.latest_message.get("entities", []) if e.get("entity") == entity]
    return str(values[-1]) if values and values[-1] else None


def topic_button(knowledge: Knowledge, topic: Topic, language: Optional[str] = None) -> Dict[str, str]:
    return {"title": knowledge.label(topic, language), "payload": f"/{topic.intents[0]}"}


def menu_buttons(knowledge: Knowledge, language: Optional[str] = None) -> List[Dict[str, str]]:
    """One button per topic marked for the menu in topics.yml (``in_menu``), in the user's language."""
    return [topic_button(knowledge, t, language) for t in knowledge.topics.values() if t.in_menu and t.intents]


def send_offerings(dispatcher: CollectingDispatcher, offerings: List[Offering], domain: Dict[Text, Any],
                   tracker: Tracker) -> None:
    """Cards for offerings outside an answer turn (detail follow-ups, fallback)."""
    lang = tracker.get_slot("language")
    for offering in offerings:
        dispatcher.utter_message(**answer.card(offering, domain, lang))


def more_button(domain: Dict[Text, Any], tracker: Tracker) -> Dict[str, str]:
    return {"title": render.template(domain, "utter_button_more", tracker.get_slot("language")), "payload": "/ask_more"}


def send_turn(dispatcher: CollectingDispatcher, turn: answer.Turn, buttons: List[Dict[str, str]]) -> None:
    """Send a turn's messages; buttons go with the last one."""
    for index, message in enumerate(turn.messages):
        last = index == len(turn.messages) - 1
        dispatcher.utter_message(**message, **({"buttons": buttons} if last and buttons else {}))


def translation_notice(dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
    """Once per conversation and language other than German: the line that says the texts are
    translated and the German text applies in case of doubt (with a button back to German)."""
    lang = tracker.get_slot("language")
    noted = list(tracker.get_slot("translation_noted") or [])
    if not lang or lang == GERMAN or lang in noted:
        return []
    dispatcher.utter_message(response="utter_translation_notice")
    return [SlotSet("translation_noted", noted + [lang])]


def naturalisation_office(knowledge: Knowledge, place: Optional[Place], matches: List[ranking.Match]
                          ) -> Tuple[List[ranking.Match], Optional[Dict[str, Any]]]:
    """Who takes the naturalisation application for this municipality.

    Returns the offerings without the office that does not take it, and the message that
    says who does (None if the bot cannot tell: then it shows the Kreis office and the
    official link for the place, and says nothing it does not know)."""
    found = knowledge.naturalisation.responsible(place, knowledge.gazetteer)
    if found is None or place is None:
        return matches, None
    district = knowledge.gazetteer.get(place.district or "")
    other = knowledge.gazetteer.get(found.other)
    rule = "" if found.basis in (naturalisation.BY_CITY, naturalisation.BY_LIST) else "_rule"
    message = {"response": f"utter_naturalisation_{found.office}{rule}", "place": render.safe(place.name),
               "district": render.safe(district.name if district else ""),
               "other": render.safe(other.name if other else ""),
               "threshold": f"{knowledge.naturalisation.threshold:,}".replace(",", ".")}
    if found.basis == naturalisation.BY_CITY:
        return matches, message
    if found.office in (naturalisation.MUNICIPALITY, naturalisation.OTHER_MUNICIPALITY):
        district_level = place.chain().index(place.district)
        return [m for m in matches if m.level != district_level], message
    return [m for m in matches if m.level != 0], message


class ActionShowMenu(Action):
    """The topic menu: one button per topic, titles from knowledge/topics.yml."""

    def name(self) -> Text:
        return "action_show_menu"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_menu", buttons=menu_buttons(STORE.get(), tracker.get_slot("language")))
        return translation_notice(dispatcher, tracker)


class ActionFindOfferings(Action):
    """Answer a topic question: first what helps, then narrow it down to the user's place.

    Without a place the answer is for all of Hessen, followed once by the question where
    the user lives.  "Was ist …?" questions (entity ``explain``) get the explanation and no
    place question; "hessenweit" (entity ``whole_state``) means all of Hessen.  Topic and
    place are remembered for follow-ups.
    """

    def name(self) -> Text:
        return "action_find_offerings"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        knowledge = STORE.get()
        lang = tracker.get_slot("language")
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        question_ids = knowledge.questions.get(intent or "")
        topic = knowledge.topic_for_intent(intent)
        if topic is None and intent in CONTINUING_INTENTS:
            topic = knowledge.topics.get(tracker.get_slot("topic") or "")

        # "Was ist …?", or a question for one fact (the Handlungsfelder): the long text comes at once.
        explain = latest_entity(tracker, "explain") is not None or bool(question_ids)
        declined = intent == "deny" and bool(tracker.get_slot("awaiting_place"))
        if declined and tracker.get_slot("last_offerings"):  # the answer for all of Hessen is already there
            dispatcher.utter_message(response="utter_whole_state_noted")
            feedback.prompt(dispatcher)  # the answer for all of Hessen is now complete
            return [SlotSet("awaiting_place", False), SlotSet("place", WHOLE_STATE)] + feedback.comment_events(tracker)
        where = places.place_of_turn(knowledge.gazetteer, tracker.latest_message.get("text") or "",
                                     tracker.latest_message.get("entities") or [], tracker.get_slot("place"),
                                     whole_state=latest_entity(tracker, "whole_state") is not None, no_place=declined)
        place, outside, place_text = where.place, where.outside, where.text
        if (intent == "inform_place" or outside) and place is None and has_other_script(tracker.latest_message.get("text")):
            # A place in Cyrillic or Arabic letters that the gazetteer does not know: ask for Latin letters.
            dispatcher.utter_message(response="utter_place_latin")
            return [SlotSet("awaiting_place", True)]
        events: List[EventType] = [SlotSet("awaiting_place", False)] + ([SlotSet("place", None)] if where.forget_slot else [])
        if place_text:
            events.append(SlotSet("place", where.label))

        if topic is None:
            if intent == "inform_place" and place_text:
                dispatcher.utter_message(response="utter_place_noted", place=render.safe(where.label))
                dispatcher.utter_message(response="utter_menu", buttons=menu_buttons(knowledge, tracker.get_slot("language")))
            else:
                dispatcher.utter_message(response="utter_anything_else")
            return events

        events.append(SlotSet("topic", topic.id))
        ask_place = (topic.by_place and not question_ids and not place_text and not explain
                     and not tracker.get_slot("place_asked"))
        question = tracker.latest_message.get("text") or ""
        matches = [] if question_ids else ranking.find(knowledge, topic.id, place, outside, question=question)
        office_message = None
        if topic.id == knowledge.roles.naturalisation and not question_ids and not outside:
            matches, office_message = naturalisation_office(knowledge, place, matches)
        offerings = ranking.by_ids(knowledge, question_ids) if question_ids else [m.offering for m in matches]
        label = knowledge.label(topic, lang)
        if question_ids:
            matches = ranking.rank(offerings, place)
        local = routes.has_local(matches, place)

        turn = answer.Turn(domain, lang, config.MAX_TURN_CHARS)
        if outside:
            turn.add({"response": "utter_outside_hessen", "place": render.safe(place_text or "")})
        elif where.is_local and (topic.by_place or local):
            heading = "utter_offerings_for_place" if local else "utter_no_local_offering"
            turn.add({"response": heading, "topic": label, "place": render.safe(where.label)})
        else:  # no place, or a topic that does not depend on it and nothing local to show
            turn.add({"response": "utter_offerings_for_hessen", "topic": label})
        if office_message:
            turn.add(office_message)
        if not offerings:
            turn.add({"response": "utter_no_offerings"})
        links = [] if question_ids else routes.place_links(knowledge, topic.id, None if outside else place)
        # What follows the cards counts too: the place question, or the question whether the answer helped.
        closing = "utter_ask_place" if ask_place else "utter_ask_feedback"
        shown, left = answer.fill(turn, offerings, links, config.MAX_OFFERINGS, MAX_LINKS, explain=explain,
                                  reserve=len(render.template(domain, closing, lang)))
        unread = shown[1:] if explain else shown  # an explained card already shows its long text
        buttons = [more_button(domain, tracker)] if left or unread else []
        if ask_place:
            send_turn(dispatcher, turn, [])
            dispatcher.utter_message(response="utter_ask_place", buttons=buttons)
            events += [SlotSet("awaiting_place", True), SlotSet("place_asked", True)]
        else:
            send_turn(dispatcher, turn, buttons)
        scope = feedback.answer_scope([m for m in matches if m.offering in shown], None if outside else place, outside)
        events += [SlotSet("last_offerings", [o.id for o in shown]),
                   SlotSet("more_offerings", [o.id for o in left[:MAX_WAITING]]),
                   SlotSet("explained", [shown[0].id] if explain and shown else []), SlotSet("fallback_count", 0.0),
                   SlotSet(feedback.SCOPE_SLOT, scope)]
        events += feedback.comment_events(tracker) + translation_notice(dispatcher, tracker)
        if (shown or links) and not ask_place:  # asked where the user lives: the answer is not complete yet
            feedback.prompt(dispatcher)
        return events


class ActionShowMore(Action):
    """ "Mehr anzeigen": the long texts of the offerings just shown, then the next offerings.

    Slot ``explained`` holds the offerings whose long text the user has already read, so a
    second "mehr" brings only what is new, or says that there is nothing more."""

    def name(self) -> Text:
        return "action_show_more"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        knowledge = STORE.get()
        lang = tracker.get_slot("language")
        shown = ranking.by_ids(knowledge, tracker.get_slot("last_offerings") or [])
        waiting = ranking.by_ids(knowledge, tracker.get_slot("more_offerings") or [])
        explained = list(tracker.get_slot("explained") or [])
        turn = answer.Turn(domain, lang, config.MAX_TURN_CHARS)
        for offering in shown:
            message = {"response": "utter_offering_more", **render.more_variables(offering, domain, lang)}
            if offering.id not in explained and (not turn.messages or turn.fits(message)):
                turn.add(message)
                explained.append(offering.id)
        new, left = answer.fill(turn, waiting, [], config.MAX_OFFERINGS, 0) if waiting else ([], [])
        if not turn.messages:
            dispatcher.utter_message(response="utter_no_more")
            return []
        send_turn(dispatcher, turn, [more_button(domain, tracker)] if left or new else [])
        feedback.prompt(dispatcher)
        return [SlotSet("last_offerings", [o.id for o in new] or [o.id for o in shown]),
                SlotSet("more_offerings", [o.id for o in left]), SlotSet("explained", explained)]


class ActionOfferingDetail(Action):
    """Follow-up on the offerings just shown: phone, address, hours, cost, languages, web."""

    def name(self) -> Text:
        return "action_offering_detail"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        knowledge = STORE.get()
        field = latest_entity(tracker, "detail")
        shown = [knowledge.offerings[i] for i in tracker.get_slot("last_offerings") or [] if i in knowledge.offerings]
        if not shown:
            dispatcher.utter_message(response="utter_detail_no_offering")
            return []
        if field not in render.DETAIL_FIELDS:
            send_offerings(dispatcher, shown, domain, tracker)
            return feedback.comment_events(tracker)
        label = render.template(domain, f"utter_label_{field}", tracker.get_slot("language")) or field
        for offering in shown:
            value = render.detail_value(offering, field)
            if value:
                dispatcher.utter_message(response="utter_detail", name=offering.name, label=label,
                                         value=render.safe(value))
            else:
                dispatcher.utter_message(response="utter_detail_unknown", name=offering.name, label=label,
                                         source_url=offering.sources[0].url)
        return feedback.comment_events(tracker)


class ActionClarify(Action):
    """Unsure what the user meant: offer the two most likely topics as buttons.

    Rasa's built-in two-stage fallback asks about one intent with English defaults;
    offering the two likeliest topics with German titles from topics.yml (as in
    Rasa's own demo bot "Sara") serves users better.  After two misunderstandings
    in a row the bot points to a human counselling service (role ``human_fallback``
    in topics.yml).  Only topics marked ``in_menu`` are offered.
    """

    def name(self) -> Text:
        return "action_clarify"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        too_long = tracker.latest_message.get("message_too_long")
        if too_long:  # set by components.message_limit; not a misunderstanding
            dispatcher.utter_message(response="utter_message_too_long", max_chars=too_long.get("max_chars"))
            return []
        knowledge = STORE.get()
        if not (tracker.latest_message.get("text") or "").strip():
            dispatcher.utter_message(response="utter_invalid_input")
            return []
        count = int(tracker.get_slot("fallback_count") or 0) + 1
        if count >= 2:
            dispatcher.utter_message(response="utter_still_unclear")
            matches = ranking.find(knowledge, knowledge.roles.human_fallback, None, limit=2)
            send_offerings(dispatcher, [m.offering for m in matches], domain, tracker)
            dispatcher.utter_message(response="utter_menu", buttons=menu_buttons(knowledge, tracker.get_slot("language")))
            return [SlotSet("fallback_count", 0.0)]
        buttons = self._top_topics(knowledge, tracker.latest_message.get("intent_ranking") or [],
                                  tracker.get_slot("language"))
        if buttons:
            dispatcher.utter_message(response="utter_clarify", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_default")
            dispatcher.utter_message(response="utter_menu", buttons=menu_buttons(knowledge, tracker.get_slot("language")))
        return [SlotSet("fallback_count", float(count))]

    @staticmethod
    def _top_topics(knowledge: Knowledge, intent_ranking: List[Dict[str, Any]],
                    language: Optional[str] = None) -> List[Dict[str, str]]:
        buttons: List[Dict[str, str]] = []
        seen: set = set()
        for item in intent_ranking:
            topic: Optional[Topic] = knowledge.topic_for_intent(item.get("name"))
            if topic and topic.id not in seen and topic.in_menu:
                seen.add(topic.id)
                buttons.append(topic_button(knowledge, topic, language))
            if len(buttons) == 2:
                break
        return buttons
