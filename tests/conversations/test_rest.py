"""Conversations through the REST channel against the running bot and action server.

These check what a user actually reads, with the real model and knowledge.
"""
from __future__ import annotations

import time
from pathlib import Path

import yaml
from conftest import Bot

ROOT = Path(__file__).resolve().parents[2]


def entry(topic: str, oid: str) -> dict:
    data = yaml.safe_load((ROOT / "knowledge" / "offerings" / f"{topic}.yml").read_text(encoding="utf-8"))
    return next(o for o in data["offerings"] if o["id"] == oid)


def test_psz_question_in_kassel_returns_the_kassel_centre_with_contact(bot: Bot) -> None:
    text = bot.text(bot.say("Wo finde ich ein psychosoziales Zentrum in Kassel?"))
    kassel = entry("psz", "psz-nordhessen")
    assert kassel["name"] in text and kassel["contact"]["phone"] in text
    assert "Quelle: " in text and ("Stand der Quelle: " in text or "Quelle ohne Datum" in text)
    nationwide = [entry("psz", "baff")["name"], entry("notfall", "telefonseelsorge")["name"]]
    shown = [text.index(name) for name in nationwide if name in text]
    assert all(text.index(kassel["name"]) < i for i in shown)  # the regional centre before nationwide services
    assert len(text) <= 1300  # one short turn (MAX_TURN_CHARS, plus line breaks between messages)
    more = bot.text(bot.say("Mehr anzeigen"))  # the long text, then the offerings that did not fit
    assert kassel["description"] in more and any(name in text + more for name in nationwide)


def test_immigration_office_question_in_kassel_names_the_office_with_a_contact(bot: Bot) -> None:
    text = bot.text(bot.say("Wo ist die Ausländerbehörde in Kassel?"))
    office = entry("aufenthalt", "abh-stadt-kassel")
    assert "Angebote für Kassel" in text and office["name"] in text
    assert office["contact"]["phone"] in text
    assert "Einbürgerung" not in text.split(office["name"])[0]  # not answered as naturalisation


def test_crisis_gets_emergency_numbers_first(bot: Bot) -> None:
    replies = bot.say("Ich will nicht mehr leben")
    assert "112" in replies[0]["text"] and "0800 111 0 111" in replies[0]["text"]


def test_out_of_scope_is_honest_and_shows_the_menu(bot: Bot) -> None:
    replies = bot.say("Wie wird das Wetter morgen in Kassel?")
    assert "kann ich leider nicht helfen" in replies[0]["text"]
    assert any(r.get("buttons") for r in replies)


def test_place_given_in_follow_up_turn(bot: Bot) -> None:
    asked = bot.text(bot.say("Ich suche einen Deutschkurs"))
    assert "In welcher Stadt" in asked
    answer = bot.text(bot.say("Marburg"))
    assert "für marburg" in answer.lower() and "Quelle: " in answer


def test_place_first_then_question_uses_remembered_place(bot: Bot) -> None:
    bot.say("Ich wohne in Gießen")
    answer = bot.text(bot.say("Wo gibt es Migrationsberatung?"))
    assert "für gießen" in answer.lower()


def test_user_who_declines_the_place_gets_state_wide_offers(bot: Bot) -> None:
    first = bot.text(bot.say("Ich brauche Hilfe bei Diskriminierung"))
    assert "Angebote für ganz Hessen" in first and "In welcher Stadt" in first  # answer first, then the question
    answer = bot.text(bot.say("/deny"))
    assert "ganz Hessen" in answer and "In welcher Stadt" not in answer


def test_bot_says_it_is_a_bot(bot: Bot) -> None:
    assert "kein Mensch" in bot.text(bot.say("Bist du ein Mensch?"))
    assert "kein Mensch" in bot.text(bot.say("Hallo"))


def test_own_legal_case_is_referred_not_advised(bot: Bot) -> None:
    text = bot.text(bot.say("Meine Duldung läuft nächste Woche ab, was soll ich machen? Ich wohne in Fulda"))
    assert "keine Rechtsberatung" in text and "Quelle: " in text


def test_integrationsplan_fields_are_listed(bot: Bot) -> None:
    text = bot.text(bot.say("Welche Handlungsfelder hat der Integrationsplan?"))
    for item in entry("integrationsplan", "integrationsplan-handlungsfelder")["items"]:
        assert item in text


def test_bad_input_gets_a_reply_and_the_conversation_goes_on(bot: Bot) -> None:
    for message in ["", "   ", "<script>alert(1)</script>", "x" * 20000, "🙂🙂🙂", "asdfghjkl qwertz"]:
        replies = bot.say(message)
        assert replies and all(r.get("text") or r.get("buttons") for r in replies), message
    assert "kein Mensch" in bot.text(bot.say("Bist du ein Bot?"))


def test_crisis_words_the_model_never_saw_still_get_emergency_numbers(bot: Bot) -> None:
    assert "112" in bot.say("Mein Opa ist ohnmächtig geworden")[0]["text"]


def test_edited_knowledge_goes_live_and_broken_entries_are_skipped(bot: Bot, knowledge_copy: Path) -> None:
    path = knowledge_copy / "offerings" / "psz.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["offerings"][0]["name"] = "Geändertes Landesangebot"
    broken = dict(data["offerings"][0], id="kaputt", contact={"phone": "bitte anrufen"})
    data["offerings"].append(broken)
    time.sleep(1.1)  # a new modification time
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    text = bot.text(bot.say("Psychologische Hilfe für Geflüchtete in Kassel bitte"))
    assert "Geändertes Landesangebot" in text and "bitte anrufen" not in text
    assert entry("psz", "psz-nordhessen")["name"] in text


def test_every_municipality_gets_anti_discrimination_advice(bot: Bot) -> None:
    """Issue: for every municipality in the gazetteer the question yields an offering."""
    places = yaml.safe_load((ROOT / "knowledge" / "places.yml").read_text(encoding="utf-8"))
    failed = []
    for m in places["municipalities"]:
        bot.sender = f"muni-{m['id']}"  # one conversation per town, like real users
        text = bot.text(bot.say(f"Wo finde ich Antidiskriminierungsberatung in {m['name']}?"))
        if f"Angebote für {m['name']}" not in text or "Quelle: " not in text:
            failed.append((m["name"], text[:80]))
    assert failed == [], f"{len(failed)} failed: {failed}"


def test_english_question_gets_english_reply_with_the_offering(bot: Bot) -> None:
    text = bot.text(bot.say("Where can I find a German course in Wiesbaden?"))
    assert "German and integration courses – offerings for Wiesbaden" in text
    assert "Source: " in text


def test_follow_up_phone_and_same_topic_in_another_town(bot: Bot) -> None:
    bot.say("Psychosoziales Zentrum in Kassel")
    phone = bot.text(bot.say("und die Telefonnummer?"))
    assert entry("psz", "psz-nordhessen")["contact"]["phone"] in phone
    again = bot.text(bot.say("Gibt es das auch in Frankfurt?"))
    assert "Psychosoziale Hilfe für Geflüchtete – Angebote für Frankfurt am Main" in again


def test_two_misunderstandings_lead_to_a_human_service(bot: Bot) -> None:
    first = bot.say("blorp zzkx wuuu")
    second = bot.text(bot.say("qqq vvv xyxy"))
    assert first and "immer noch nicht" in second and "Quelle: " in second
