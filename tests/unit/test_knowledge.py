"""Loading and validating knowledge files: precise errors, broken entries skipped."""
import datetime as dt
import os

from actions.knowledge import KnowledgeStore, load_knowledge
from actions.validate import main as validate_main, stale
from conftest import offering


def test_valid_entry_is_loaded_as_typed_record(make_knowledge) -> None:
    k = load_knowledge(make_knowledge({"psz.yml": [offering()]}))
    o = k.offerings["test-angebot"]
    assert o.contact.phone == "0561 123456" and o.serves == ("hessen",)
    assert o.latest_check == dt.date(2026, 11, 1)
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
        offering(id="c", sources=[{"url": "https://example.org", "checked": "gestern"}]),
        offering(id="d", sources=[{"url": "https://example.org", "checked": "2999-01-01"}]),
    ]}))
    assert k.offerings == {}
    assert {(p.entry, p.field) for p in k.problems} >= {
        ("a", "topic"), ("b", "sources"), ("c", "sources[0].checked"), ("d", "sources[0].checked")}


def test_duplicate_ids_keep_the_first(make_knowledge) -> None:
    k = load_knowledge(make_knowledge({"a.yml": [offering(name="Erstes")], "b.yml": [offering(name="Zweites")]}))
    assert k.offerings["test-angebot"].name == "Erstes"
    assert any(p.field == "id" and "doppelt" in p.message for p in k.problems)


def test_unparsable_file_does_not_stop_the_others(make_knowledge) -> None:
    k = load_knowledge(make_knowledge({"a.yml": "offerings: [unclosed", "b.yml": [offering()]}))
    assert "test-angebot" in k.offerings
    assert any(p.file == "a.yml" for p in k.problems)


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


def test_stale_report_lists_only_old_checks(make_knowledge) -> None:
    k = load_knowledge(make_knowledge({"psz.yml": [
        offering(id="alt", sources=[{"url": "https://example.org", "checked": "2024-01-01"}]),
        offering(id="neu"),
    ]}))
    lines = stale(k, dt.date(2026, 11, 25), 365)
    assert len(lines) == 1 and "'alt'" in lines[0]


def test_the_real_knowledge_base_is_valid() -> None:
    assert validate_main([]) == 0
