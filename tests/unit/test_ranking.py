"""Local offerings first, then district, region, Hessen, federal."""
from conftest import offering

from actions.knowledge import load_knowledge
from actions.ranking import find


def _knowledge(make_knowledge):
    return load_knowledge(make_knowledge({"psz.yml": [
        offering(id="bund", serves=["bund"]),
        offering(id="land", serves=["hessen"]),
        offering(id="nordhessen", serves=["rb-kassel"]),
        offering(id="stadt-kassel", serves=["kassel"]),
        offering(id="frankfurt", serves=["frankfurt-am-main"]),
        offering(id="vogelsberg", serves=["vogelsbergkreis"]),
    ]}))


def test_town_gets_local_then_region_then_state_then_federal(make_knowledge) -> None:
    k = _knowledge(make_knowledge)
    ids = [m.offering.id for m in find(k, "psz", k.gazetteer.resolve("Kassel"))]
    assert ids == ["stadt-kassel", "nordhessen", "land", "bund"]


def test_district_offering_serves_its_towns(make_knowledge) -> None:
    k = _knowledge(make_knowledge)
    ids = [m.offering.id for m in find(k, "psz", k.gazetteer.resolve("Alsfeld"))]
    assert ids == ["vogelsberg", "land", "bund"]


def test_without_place_only_state_wide_and_federal(make_knowledge) -> None:
    k = _knowledge(make_knowledge)
    assert [m.offering.id for m in find(k, "psz", None)] == ["land", "bund"]


def test_outside_hessen_only_federal(make_knowledge) -> None:
    k = _knowledge(make_knowledge)
    assert [m.offering.id for m in find(k, "psz", None, outside_hessen=True)] == ["bund"]


def test_limit(make_knowledge) -> None:
    k = _knowledge(make_knowledge)
    assert len(find(k, "psz", k.gazetteer.resolve("Kassel"), limit=2)) == 2
