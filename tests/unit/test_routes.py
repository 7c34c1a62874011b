"""Deep links, the naturalisation office and honest source dates, on small knowledge folders."""
import asyncio
from pathlib import Path

import pytest
import yaml
from conftest import ROOT, offering, tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.actions as act
from actions import evidence, render, routes
from actions.knowledge import KnowledgeStore, load_knowledge
from actions.links import pattern_matches, regschl
from actions.naturalisation import BY_LIST, BY_POPULATION, DISTRICT, MUNICIPALITY
from actions.places import normalise

VWP = "https://verwaltungsportal.hessen.de/leistung?leistung_id=L100001_1&regschl="
LINKS = f"""
links:
  - id: vwp-test
    topic: einbuergerung
    name: "Verwaltungsportal: Einbürgerung"
    url: "{VWP}{{regschl}}"
    description: "Zeigt die zuständige Stelle."
    sources:
      - url: "{VWP}066330005005"
        published: ""
        retrieved: "2026-11-28, gespeicherte Kopie"
        quote: "Einbürgerung … zuständige Stelle"
  - id: finder-ohne-ort
    topic: einbuergerung
    name: "Finder"
    url: "https://example.org/finder"
    sources:
      - url: "https://example.org/seite"
        published: ""
        retrieved: "2026-11-28, live"
        quote: "Suchen Sie hier: https://example.org/finder"
  - id: erfunden
    topic: einbuergerung
    name: "Muster ohne echte Seite"
    url: "https://example.org/suche?ort={{ags}}"
    sources:
      - url: "https://example.org/suche"
        published: ""
        retrieved: "2026-11-28, live"
        quote: "Suche"
"""
NATURALISATION = """
threshold:
  population: 7500
  sources: [{url: "https://example.org/regel", published: "", retrieved: "2026-11-28, live", quote: "ab 7.500 Einwohnern"}]
district_lists:
  - district: vogelsbergkreis
    self: [schotten]
    kreis: [feldatal, alsfeld]
    complete: false
    sources: [{url: "https://example.org/liste", published: "", retrieved: "2026-11-28, live", quote: "Schotten"}]
"""
POPULATION = """# source: https://example.org/tabelle; stand: 31.12.2024
ags;name;population
06535001;Alsfeld;16000
06535002;Antrifttal;1800
06535007;Grebenhain;4500
06440003;Bad Vilbel;35000
"""
OFFICES = {"einbuergerung.yml": [
    offering(id="kreis-vb", name="Kreis Vogelsberg Einbürgerung", topic="einbuergerung", serves=["vogelsbergkreis"]),
    offering(id="wetterau", name="Wetteraukreis Einbürgerung", topic="einbuergerung", serves=["wetteraukreis"]),
    offering(id="rp", name="RP Darmstadt", topic="einbuergerung", serves=["rb-darmstadt"]),
]}


@pytest.fixture
def folder(make_knowledge) -> Path:
    return make_knowledge(OFFICES, {"links.yml": LINKS, "naturalisation.yml": NATURALISATION,
                                    "population.csv": POPULATION})


def run(trk, domain):
    dispatcher = CollectingDispatcher()
    events = asyncio.run(act.ActionFindOfferings().run(dispatcher, trk, domain))
    return dispatcher.messages, events


def test_a_link_pattern_needs_a_real_page_of_its_form(folder) -> None:
    k = load_knowledge(folder)
    assert [link.id for link in k.links] == ["vwp-test", "finder-ohne-ort"]
    assert any(p.entry == "erfunden" and p.field == "sources" for p in k.problems)
    assert pattern_matches(f"{VWP}{{regschl}}", f"{VWP}066330005005")
    assert not pattern_matches(f"{VWP}{{regschl}}", "https://verwaltungsportal.hessen.de/leistung?leistung_id=L9&regschl=1")


def test_regional_key_is_derived_from_the_municipality_key(folder) -> None:
    g = load_knowledge(folder).gazetteer
    assert regschl(g.get("calden")) == "066330005005"
    assert regschl(g.get("frankfurt-am-main")) == "064120000000"
    assert regschl(g.get("kreis-offenbach")) == "064380000000"


def test_regional_key_rule_matches_real_portal_pages() -> None:
    """Stored Verwaltungsportal pages: the key in each URL is the derived key of the place the page
    names, or of a municipality in the Kreis whose office the page shows."""
    examples = yaml.safe_load((ROOT / "tests" / "data" / "regschl_examples.yml").read_text(encoding="utf-8"))["examples"]
    g = load_knowledge(ROOT / "knowledge").gazetteer
    by_key = {regschl(m): m for m in g.municipalities()}
    named = by_kreis = 0
    for ex in examples:
        key = ex["url"].split("regschl=")[1].split("&")[0]
        town = by_key.get(key)
        assert town is not None, f"no municipality has the derived key {key}"
        if ex.get("place_named_on_page"):
            assert normalise(town.name) in normalise(ex["quote"]), ex
            named += 1
        elif ex.get("shown"):  # the page shows an office: when it names a Kreis, it is the town's Kreis
            kreis_words = set(normalise(g.get(town.district).name).split()) - {"kreis", "landkreis", "stadt"}
            by_kreis += bool(kreis_words & set(normalise(ex["shown"]).split()))
    assert named >= 4 and named + by_kreis >= 6


def test_answer_for_a_small_town_names_the_kreis_by_the_rule_and_links_the_portal(folder, domain, monkeypatch) -> None:
    monkeypatch.setattr(act, "STORE", KnowledgeStore(folder))
    msgs, _ = run(tracker("ask_einbuergerung", entities=[{"entity": "place", "value": "Grebenhain"}]), domain)
    kinds = [m.get("response") for m in msgs]
    assert kinds[:2] == ["utter_offerings_for_place", "utter_naturalisation_district_rule"]
    assert msgs[1]["district"] == "Vogelsbergkreis" and msgs[1]["threshold"] == "7.500"
    assert [m["name"] for m in msgs if m.get("response") == "utter_offering"][0] == "Kreis Vogelsberg Einbürgerung"
    links = [m for m in msgs if m.get("response") == "utter_link"]
    assert links[0]["url"] == VWP + "065350007007" and links[1]["url"] == "https://example.org/finder"


def test_a_town_that_takes_applications_itself_does_not_get_the_kreis_office(folder, domain, monkeypatch) -> None:
    monkeypatch.setattr(act, "STORE", KnowledgeStore(folder))
    msgs, _ = run(tracker("ask_einbuergerung", entities=[{"entity": "place", "value": "Schotten"}]), domain)
    assert msgs[1]["response"] == "utter_naturalisation_municipality"  # from the Kreis's list, no "in der Regel"
    names = [m["name"] for m in msgs if m.get("response") == "utter_offering"]
    assert "Kreis Vogelsberg Einbürgerung" not in names
    assert any(m.get("response") == "utter_link" and m["url"].endswith("065350016016") for m in msgs)


def test_the_kreis_list_wins_over_the_population_rule_and_unknown_stays_unknown(folder) -> None:
    k = load_knowledge(folder)
    rules, g = k.naturalisation, k.gazetteer
    alsfeld = rules.responsible(g.get("alsfeld"), g)  # 16,000 inhabitants, but the list says Kreis
    assert (alsfeld.office, alsfeld.basis) == (DISTRICT, BY_LIST)
    assert rules.responsible(g.get("schotten"), g).office == MUNICIPALITY
    vilbel = rules.responsible(g.get("bad-vilbel"), g)  # no list for the Wetteraukreis: the rule
    assert (vilbel.office, vilbel.basis, vilbel.population) == (MUNICIPALITY, BY_POPULATION, 35000)
    antrifttal = rules.responsible(g.get("antrifttal"), g)  # not on the partial list: the rule
    assert (antrifttal.office, antrifttal.basis) == (DISTRICT, BY_POPULATION)
    assert rules.responsible(g.get("herbstein"), g) is None  # no list entry, no figure: no guess
    assert rules.responsible(g.get("wetteraukreis"), g) is None


def test_users_see_the_pages_own_date_never_the_retrieval_date(domain) -> None:
    assert render.source_date("2024-03-05", domain) == "Stand der Quelle: März 2024"
    assert render.source_date("2018", domain) == "Stand der Quelle: 2018"
    assert render.source_date("", domain) == "Quelle ohne Datum"
    assert render.source_date("2024-03", domain, "en") == "source dated March 2024"


def test_evidence_forgives_format_but_not_other_values() -> None:
    assert evidence.phone_in("+49 611 123-45", ["Tel. 0611 / 12345"])
    assert evidence.phone_in("+49 (0)69 212 42485", ["Hotline (069 212 42485)"])
    assert not evidence.phone_in("0611 123", ["Tel. 0611 / 12345"])  # a cut-off number is another number
    assert evidence.hours_in("Montag bis Samstag 14 bis 20 Uhr", ["Sprechzeiten Mo-Sa 14-20 Uhr"])
    assert evidence.hours_in("montags 8 bis 12 Uhr (Stand: 2025)", ["Montag von 08.00 – 12.00 Uhr"])
    assert not evidence.hours_in("Mittwoch 8 bis 12 Uhr", ["Montag von 08.00 – 12.00 Uhr"])
    assert not evidence.hours_in("Montag 8 bis 18 Uhr", ["Montag von 08.00 – 12.00 Uhr"])
    assert evidence.web_in("https://example.org", ["https://example.org/presse/1"], [])
    assert not evidence.web_in("https://example.org/presse", ["https://example.org/presse/1"], [])
    assert not evidence.phone_in("0611 12346", ["Tel. 0611 / 12345"])
    assert evidence.email_in("info@stadt.de", ["E-Mail: info(at)stadt.de"])
    assert not evidence.email_in("info@stadt.de", ["E-Mail: post@stadt.de"])
    assert evidence.address_in("Marktplatz 1, 35390 Gießen", ["Marktplatz 1 in 35390 Gießen"])
    assert not evidence.address_in("Marktplatz 2, 35390 Gießen", ["Marktplatz 1 in 35390 Gießen"])


def test_route_levels_for_a_place(folder) -> None:
    k = load_knowledge(folder)
    g = k.gazetteer
    assert routes.best_route(k, "einbuergerung", g.get("grebenhain")).level == routes.DISTRICT
    assert routes.best_route(k, "einbuergerung", g.get("bad-vilbel")).level == routes.DISTRICT
    assert routes.best_route(k, "einbuergerung", g.get("kassel")).level == routes.DEEP_LINK
    assert routes.best_route(k, "psz", g.get("kassel")).level == routes.NONE
