"""Resolving what users type to places in Hessen."""
from pathlib import Path

import pytest
import yaml

from actions.places import Gazetteer, normalise

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
