"""Loading and validating knowledge files: precise errors, broken entries skipped."""
import datetime as dt
import os

from conftest import offering

from actions.knowledge import KnowledgeStore, load_knowledge
from actions.validate import main as validate_main
from actions.validate import stale


def test_valid_entry_is_loaded_as_typed_record(make_knowledge) -> None:
    k = load_knowledge(make_knowledge({"psz.yml": [offering()]}))
    o = k.offerings["test-angebot"]
    assert o.contact.phone == "0561 123456" and o.serves == ("hessen",)
    assert o.sources[0].retrieved == dt.date(2026, 11, 1) and o.sources[0].retrieved_how == "Testseite"
    assert o.newest_source.published_date == dt.date(2026, 10, 1)
    assert [p for p in k.problems if p.file.startswith("offerings")] == []


def test_broken_entry_is_skipped_with_file_id_and_field(make_knowledge) -> None:
    folder = make_knowledge({"psz.yml": [
        offering(id="gut"),
        offering(id="kaputt", contact={"phone": "ruf an!", "email": "", "web": "www.ohne-http.de",
                                       "address": "", "hours": ""}, serves=["Atlantis"]),
    ]})
    k = load_knowledge(folder)
    assert list(k.offerings) == ["gut"]
    found = {(p.file, p.entry, p.field) for p in k.problems}
    assert ("offerings/psz.yml", "kaputt", "contact.phone") in found
    assert ("offerings/psz.yml", "kaputt", "contact.web") in found
    assert ("offerings/psz.yml", "kaputt", "serves") in found


def test_unknown_topic_missing_source_and_bad_date_are_reported(make_knowledge) -> None:
    k = load_knowledge(make_knowledge({"x.yml": [
        offering(id="a", topic="kochen"),
        offering(id="b", sources=[]),
        offering(id="c", sources=[{"url": "https://example.org", "retrieved": "gestern", "quote": "0561 123456"}]),
        offering(id="d", sources=[{"url": "https://example.org", "retrieved": "2999-01-01, live", "quote": "0561 123456"}]),
        offering(id="e", sources=[{"url": "https://example.org", "retrieved": "2026-01-01", "quote": "0561 123456"}]),
        offering(id="f", sources=[{"url": "https://example.org", "retrieved": "2026-01-01, live", "published": "März 2020",
                                   "quote": "0561 123456"}]),
    ]}))
    assert k.offerings == {}
    assert {(p.entry, p.field) for p in k.problems} >= {
        ("a", "topic"), ("b", "sources"), ("c", "sources[0].retrieved"), ("d", "sources[0].retrieved"),
        ("e", "sources[0].retrieved"), ("f", "sources[0].published")}


def test_duplicate_ids_keep_the_first(make_knowledge) -> None:
    k = load_knowledge(make_knowledge({"psz.yml": [offering(name="Erstes")], "psz.z.yml": [offering(name="Zweites")]}))
    assert k.offerings["test-angebot"].name == "Erstes"
    assert any(p.field == "id" and "doppelt" in p.message for p in k.problems)


def test_unparsable_file_does_not_stop_the_others(make_knowledge) -> None:
    k = load_knowledge(make_knowledge({"psz.a.yml": "offerings: [unclosed", "psz.yml": [offering()]}))
    assert "test-angebot" in k.offerings
    assert any(p.file == "psz.a.yml" for p in k.problems)


def test_store_reloads_when_a_file_changes(make_knowledge) -> None:
    folder = make_knowledge({"psz.yml": [offering(name="Alt")]})
    store = KnowledgeStore(folder)
    assert store.get().offerings["test-angebot"].name == "Alt"
    assert store.get() is store.get()  # not reloaded without a change
    make_knowledge({"psz.yml": [offering(name="Neu")]})
    path = folder / "offerings" / "psz.yml"
    stamp = path.stat().st_mtime + 1  # a later modification time, as an editor's save gives
    os.utime(path, (stamp, stamp))
    assert store.get().offerings["test-angebot"].name == "Neu"


def test_validate_command_exit_code_and_message(make_knowledge, capsys) -> None:
    folder = make_knowledge({"psz.yml": [offering(contact={"phone": "abc", "email": "", "web": "", "address": "",
                                                           "hours": ""})]})
    assert validate_main([str(folder)]) == 1
    out = capsys.readouterr().out
    assert "offerings/psz.yml: Eintrag 'test-angebot', Feld 'contact.phone'" in out


def test_stale_report_goes_by_the_pages_own_dates_not_by_retrieval(make_knowledge) -> None:
    recent = "2026-11-20, gespeicherte Kopie"
    k = load_knowledge(make_knowledge({"psz.yml": [
        offering(id="alt", sources=[{"url": "https://example.org", "published": "2019", "retrieved": recent,
                                     "quote": "0561 123456"}]),
        offering(id="ohne-datum", sources=[{"url": "https://example.org", "published": "", "retrieved": recent,
                                            "quote": "0561 123456"}]),
        offering(id="gemischt", sources=[
            {"url": "https://example.org/a", "published": "2018-05", "retrieved": recent, "quote": "0561 123456"},
            {"url": "https://example.org/b", "published": "2025-09-01", "retrieved": recent, "quote": ""}]),
        offering(id="neu"),
    ]}))
    lines = stale(k, dt.date(2026, 11, 25), 730)
    assert [line.split("'")[1] for line in lines] == ["alt", "ohne-datum"]
    assert "2019" in lines[0] and "ohne" in lines[1]


def test_contact_values_must_appear_in_a_quote(make_knowledge) -> None:
    contact = {"phone": "06074 8180-1347", "email": "abh@kreis-of.de", "web": "",
               "address": "Werner-Hilpert-Straße 1, 63128 Dietzenbach", "hours": ""}
    quote = ("Fachdienst Ausländerangelegenheiten Werner-Hilpert-Str. 1 63128 Dietzenbach "
             "Telefon: 06074 / 8180-1347 E-Mail: abh(at)kreis-of.de")
    src = {"url": "https://example.org", "published": "", "retrieved": "2026-11-01, live"}
    k = load_knowledge(make_knowledge({"aufenthalt.yml": [
        offering(id="belegt", topic="aufenthalt", contact=contact, sources=[dict(src, quote=quote)]),
        offering(id="falsche-nummer", topic="aufenthalt", contact=dict(contact, phone="06074 8180-1348"),
                 sources=[dict(src, quote=quote)]),
        offering(id="ohne-zitat", topic="aufenthalt", contact=contact, sources=[dict(src, quote="")]),
        offering(id="andere-strasse", topic="aufenthalt", contact=dict(contact, address="Hauptstraße 1, 63128 Dietzenbach"),
                 sources=[dict(src, quote=quote)]),
        offering(id="erfundene-seite", topic="aufenthalt", contact=dict(contact, web="https://example.org/kontakt"),
                 sources=[dict(src, url="https://example.org/presse/2020", quote=quote)]),
        offering(id="startseite", topic="aufenthalt", contact=dict(contact, web="https://example.org"),
                 sources=[dict(src, url="https://example.org/presse/2020", quote=quote)]),
    ]}))
    assert list(k.offerings) == ["belegt", "startseite"]
    found = {(p.entry, p.field) for p in k.problems}
    assert ("erfundene-seite", "contact.web") in found
    assert ("falsche-nummer", "contact.phone") in found
    assert {("ohne-zitat", "contact.phone"), ("ohne-zitat", "contact.email"), ("ohne-zitat", "contact.address")} <= found
    assert ("andere-strasse", "contact.address") in found


def test_topic_must_match_the_file_name_and_contact_is_required(make_knowledge) -> None:
    entry = offering(id="ohne-kontakt")
    del entry["contact"]
    k = load_knowledge(make_knowledge({"psz.nord.yml": [offering(id="passt")], "deutschkurs.yml": [offering(id="falsch")],
                                       "psz.yml": [entry]}))
    assert list(k.offerings) == ["passt"]
    found = {(p.entry, p.field) for p in k.problems}
    assert ("falsch", "topic") in found and ("ohne-kontakt", "contact") in found


def test_summary_is_required_and_an_also_for_topic_counts(make_knowledge, capsys) -> None:
    entry = offering(id="ohne-satz")
    del entry["summary"]
    folder = make_knowledge({"psz.yml": [entry, offering(id="auch-schule", also_for=["schule"])]})
    k = load_knowledge(folder)
    assert ("ohne-satz", "summary") in {(p.entry, p.field) for p in k.problems}
    validate_main([str(folder)])
    out = capsys.readouterr().out
    assert "schule: 1" in out and "Thema 'schule' hat kein Angebot" not in out


def test_the_real_knowledge_base_is_valid() -> None:
    assert validate_main([]) == 0


def test_contact_needs_all_five_fields_and_unknown_fields_are_reported(make_knowledge) -> None:
    without_hours = offering(id="ohne-zeiten", contact={"phone": "0561 123456", "email": "", "web": "", "address": ""})
    typo = offering(id="tippfehler", adress="Hauptstraße 1")
    old_source = offering(id="alte-quelle", sources=[dict(offering()["sources"][0], datum="2020")])
    k = load_knowledge(make_knowledge({"psz.yml": [without_hours, typo, old_source, offering(id="gut")]}))
    assert list(k.offerings) == ["gut"]
    found = {(p.entry, p.field) for p in k.problems}
    assert {("ohne-zeiten", "contact.hours"), ("tippfehler", "adress"), ("alte-quelle", "sources[0].datum")} <= found


def test_long_summary_and_abbreviations_are_reported(make_knowledge) -> None:
    k = load_knowledge(make_knowledge({"psz.yml": [
        offering(id="lang", summary="Hier bekommen Sie Rat. " * 6),
        offering(id="abkuerzung", description="Sie bekommen Hilfe, z. B. bei Fragen zur Arbeit."),
        offering(id="etwa", summary="Die Beratung dauert ca. eine Stunde."),
        offering(id="gut", summary="Hier bekommen Sie Rat zum Beispiel zu Arbeit und Wohnen, etwa eine Stunde lang."),
    ]}))
    assert list(k.offerings) == ["gut"]
    found = {(p.entry, p.field) for p in k.problems if p.file.startswith("offerings")}
    assert found == {("lang", "summary"), ("abkuerzung", "description"), ("etwa", "summary")}


TOPICS = """
topics:
  - {id: psz, label: PSZ, intents: [ask_psz], by_place: true}
  - {id: psz, label: Doppelt, intents: [ask_doppelt], by_place: true}
  - {id: schule, label: Schule, intents: [ask_schule, ask_psz], by_place: true}
  - {id: notfall, label: Notfall, intents: [crisis], by_place: false, in_menu: nein}
  - {id: kurs, label: Kurs, intents: [ask_kurs], by_place: true, im_menu: false}
  - {id: plan, label: Plan, intents: [ask_plan], fixed_reply: "Bitte 112 anrufen"}
questions:
  ask_schule: [test-angebot]
roles:
  human_fallback: beratung
  naturalisation: psz
  leitung: psz
"""


def test_topics_file_problems_are_reported(make_knowledge) -> None:
    k = load_knowledge(make_knowledge({"psz.yml": [offering()]}, extra={"topics.yml": TOPICS}))
    found = {(p.entry, p.field) for p in k.problems if p.file == "topics.yml"}
    assert found == {("psz", "id"), ("schule", "intents"), ("ask_schule", "questions"), ("notfall", "in_menu"),
                     ("kurs", "im_menu"), ("plan", "by_place"), ("plan", "fixed_reply"),
                     ("roles", "human_fallback"), ("roles", "leitung")}
    assert list(k.topics) == ["psz"] and k.roles.naturalisation == "psz" and "test-angebot" in k.offerings

