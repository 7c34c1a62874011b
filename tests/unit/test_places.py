"""Resolving what users type to places in Hessen."""
from pathlib import Path

import pytest
import yaml

from actions.places import WHOLE_STATE, Gazetteer, normalise, place_of_turn

ROOT = Path(__file__).resolve().parents[2]
GAZ = Gazetteer.from_file(ROOT / "knowledge" / "places.yml")


@pytest.mark.parametrize("typed, expected", [
    ("Gießen", "giessen"), ("Giessen", "giessen"), ("giesen", "giessen"), ("GIESSEN", "giessen"),
    ("Frankfurt", "frankfurt-am-main"), ("Frankfurt am Main", "frankfurt-am-main"), ("FFM", "frankfurt-am-main"),
    ("Offenbach", "offenbach-am-main"), ("Kreis Offenbach", "kreis-offenbach"),
    ("Kassel", "kassel"), ("Landkreis Kassel", "landkreis-kassel"),
    ("Bad Homburg", "bad-homburg-v-d-hoehe"), ("Homburg", "bad-homburg-v-d-hoehe"),
    ("MKK", "main-kinzig-kreis"), ("Wetterau", "wetteraukreis"), ("Marburg", "marburg"),
    ("in Fulda", "fulda"), ("Fuerth", "fuerth"), ("Nordhessen", "rb-kassel"),
])
def test_typed_spellings_resolve(typed: str, expected: str) -> None:
    place = GAZ.resolve(typed)
    assert place is not None and place.id == expected


@pytest.mark.parametrize("typed", ["Berlin", "München", "", "   ", "xyz", "Deutschkurs"])
def test_places_outside_hessen_or_nonsense_are_unknown(typed: str) -> None:
    assert GAZ.resolve(typed) is None


def test_municipality_chain_goes_from_town_to_district_to_region() -> None:
    assert GAZ.resolve("Alsfeld").chain() == ("alsfeld", "vogelsbergkreis", "rb-giessen")
    assert GAZ.resolve("Kassel").chain() == ("kassel", "stadt-kassel", "rb-kassel")


def test_every_municipality_resolves_by_its_official_name() -> None:
    data = yaml.safe_load((ROOT / "knowledge" / "places.yml").read_text(encoding="utf-8"))
    assert len(data["municipalities"]) == 422 and len(data["districts"]) == 26
    wrong = [m["name"] for m in data["municipalities"] if GAZ.resolve(m["name"]).id != m["id"]]
    assert wrong == []


def test_uninhabited_areas_are_not_in_the_gazetteer() -> None:
    names = " ".join(p.name for p in GAZ.places.values())
    assert "Gutsbezirk" not in names and "Michelbuch" not in names and "Gemeindefrei" not in names


def test_normalise_folds_umlauts_and_fillers() -> None:
    assert normalise("in Groß-Gerau") == "gross gerau"
    assert normalise("Stadt Büdingen") == "buedingen"


def test_longest_place_in_text_prefers_the_full_municipality_name() -> None:
    place, key = GAZ.longest_in_text("Beratung in Lautertal (Odenwald)?")
    assert place.id == "lautertal-odenwald" and key == "lautertal odenwald"
    assert GAZ.longest_in_text("Deutschkurs bitte") is None


def test_place_of_turn_named_remembered_generic_and_whole_state() -> None:
    kassel = [{"entity": "place", "value": "Kassel", "start": 23, "end": 29}]
    now = place_of_turn(GAZ, "Wo gibt es Beratung in Kassel?", kassel, remembered="Fulda")
    assert (now.label, now.outside, now.is_local) == ("Kassel", False, True)
    assert place_of_turn(GAZ, "und Deutschkurse?", [], remembered="Fulda").label == "Fulda"
    generic = place_of_turn(GAZ, "Wer ist im Kreis zuständig?", [], remembered="Kreis")
    assert generic.text is None and generic.forget_slot and not generic.is_local
    whole = place_of_turn(GAZ, "hessenweit bitte", [], remembered="Fulda", whole_state=True)
    assert whole.text == WHOLE_STATE and whole.place is None and not whole.outside and not whole.is_local
    assert place_of_turn(GAZ, "nein", kassel, remembered=None, no_place=True).text == WHOLE_STATE
    berlin = place_of_turn(GAZ, "in Berlin", [{"entity": "place", "value": "Berlin"}], remembered=None)
    assert berlin.outside and berlin.label == "Berlin"
    widened = place_of_turn(GAZ, "Ich wohne in Lautertal (Odenwald)",
                            [{"entity": "place", "value": "Odenwald", "start": 23, "end": 31}], remembered=None)
    assert widened.place is not None and widened.label.startswith("Lautertal")
