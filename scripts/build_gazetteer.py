"""Build ``knowledge/places.yml`` from the DWD municipality list.

Source: ``../shared/knowledge-sources/hessen_gemeinden_kreis_dwd.csv`` (AGS, DWD name,
short name, district, Regierungsbezirk).  The four uninhabited areas
("Gemeindefreies Gebiet …") are dropped.  Hand-curated spellings (MKK, Wetterau,
Südhessen …) come from ``knowledge/place_aliases.yml``, spellings in other scripts and
languages from ``knowledge/translations/<language>.yml`` (``places``); both are merged in.

The output is generated: edit this script or ``place_aliases.yml``, never
``places.yml`` by hand.  Run with ``make gazetteer``.
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import defaultdict
from pathlib import Path
from typing import Dict, Iterable, List, Set

import yaml

from common.language import unify_letters

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CSV = ROOT.parent / "shared" / "knowledge-sources" / "hessen_gemeinden_kreis_dwd.csv"
ALIASES = ROOT / "knowledge" / "place_aliases.yml"
TRANSLATIONS = ROOT / "knowledge" / "translations"
OUT = ROOT / "knowledge" / "places.yml"
SOURCE_URL = "https://github.com/ticaki/ioBroker.weather-warnings/blob/eb3dd9e~1/src/lib/def/dwdWarncellIdLong.ts"

REGIONS = {
    "Regierungsbezirk Darmstadt": ("rb-darmstadt", ["Südhessen", "RP Darmstadt", "Regierungspräsidium Darmstadt"]),
    "Regierungsbezirk Gießen": ("rb-giessen", ["Mittelhessen", "RP Gießen", "Regierungspräsidium Gießen"]),
    "Regierungsbezirk Kassel": ("rb-kassel", ["Nordhessen", "Osthessen", "RP Kassel", "Regierungspräsidium Kassel"]),
}
# Official district names where the DWD list uses a short form.
DISTRICT_OFFICIAL = {
    "Kreis Darmstadt-Dieburg": "Landkreis Darmstadt-Dieburg",
    "Kreis Fulda": "Landkreis Fulda",
    "Kreis Gießen": "Landkreis Gießen",
    "Kreis Hersfeld-Rotenburg": "Landkreis Hersfeld-Rotenburg",
    "Kreis Kassel": "Landkreis Kassel",
    "Kreis Limburg-Weilburg": "Landkreis Limburg-Weilburg",
    "Kreis Marburg-Biedenkopf": "Landkreis Marburg-Biedenkopf",
    "Kreis Waldeck-Frankenberg": "Landkreis Waldeck-Frankenberg",
    "Kreis Offenbach am Main": "Kreis Offenbach",
    "Stadt Offenbach": "Stadt Offenbach am Main",
}


def slug(text: str) -> str:
    """ASCII id from a German name: 'Groß-Gerau (Kreis)' -> 'gross-gerau-kreis'."""
    text = text.lower()
    for a, b in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def spellings(name: str) -> Set[str]:
    """How people type a name: with and without umlauts, ß as ss."""
    out = {name}
    out.add(name.replace("ß", "ss"))
    plain = name.replace("ß", "ss")
    out.add(plain.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue")
            .replace("Ä", "Ae").replace("Ö", "Oe").replace("Ü", "Ue"))
    out.add(plain.replace("ä", "a").replace("ö", "o").replace("ü", "u")
            .replace("Ä", "A").replace("Ö", "O").replace("Ü", "U"))
    return out


def municipality_forms(name: str) -> Set[str]:
    """Short forms: without '(Taunus)', 'am Main', 'Bad ', 'an der Fulda'."""
    forms = {name}
    base = re.sub(r"\s*\(.*?\)\s*", " ", name).strip()
    forms.add(base)
    for suffix in (r" am Main$", r" am Rhein$", r" im Taunus$", r" am Taunus$", r" an der Fulda$",
                   r" an der Lahn$", r" an der Werra$", r" vor der Höhe$", r" v\. ?d\. ?Höhe$", r" a\. ?d\. ?[A-ZÄÖÜ][a-zäöüß]+$"):
        forms.add(re.sub(suffix, "", base))
    if re.search(r" v\. ?d\. ?Höhe$", base):  # "Bad Homburg v.d. Höhe" is also written out
        forms.add(re.sub(r" v\. ?d\. ?Höhe$", " vor der Höhe", base))
    if re.search(r" a\. ?d\. ", base):  # "Limburg a.d. Lahn" = "Limburg an der Lahn"
        forms.add(re.sub(r" a\. ?d\. ", " an der ", base))
    for f in list(forms):
        if f.startswith("Bad "):
            forms.add(f[4:])
    return {f for f in forms if f}


def district_forms(official: str, dwd: str) -> Set[str]:
    forms = {official, dwd}
    core = re.sub(r"^(Landkreis|Kreis|Stadt) ", "", official)
    if official.startswith(("Landkreis", "Kreis")):
        forms |= {f"Landkreis {core}", f"Kreis {core}", f"LK {core}", f"Lkr. {core}"}
    if official.endswith("kreis") and not official.startswith(("Landkreis", "Kreis")):
        forms.add(official.replace("-Kreis", "").replace("kreis", ""))  # Wetteraukreis -> Wetterau
    return {f for f in forms if f}


def build(csv_path: Path) -> Dict[str, List[dict]]:
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8"), delimiter=";"))
    regions = [{"id": rid, "name": name, "aliases": sorted(set().union(*(spellings(a) for a in al)) - {name})}
               for name, (rid, al) in REGIONS.items()]
    region_id = {name: rid for name, (rid, _) in REGIONS.items()}

    districts: Dict[str, dict] = {}
    municipalities: List[dict] = []
    for row in rows:
        dwd_name = row["Name_DWD"]
        if dwd_name.startswith("Gemeindefreies Gebiet"):
            continue  # uninhabited
        dwd_district = row["Kreis/kreisfreie Stadt"]
        official = DISTRICT_OFFICIAL.get(dwd_district, dwd_district)
        did = slug(official)
        if did not in districts:
            districts[did] = {
                "id": did,
                "name": official,
                "kind": "kreisfreie_stadt" if official.startswith("Stadt ") else "landkreis",
                "region": region_id[row["Regierungsbezirk"]],
                "_forms": district_forms(official, dwd_district),
            }
        name = re.sub(r"^(Stadt|Gemeinde) ", "", dwd_name)
        # The DWD short names ("Reichelsh./Odw") are abbreviations nobody types; the short
        # forms people use are derived from the full name instead.
        forms = municipality_forms(name)
        municipalities.append({
            "id": slug(name),
            "ags": row["AGS(aus DWD-Warncell-ID)"],
            "name": name,
            "district": did,
            "_forms": forms,
        })

    # An alias may point to one place only; ambiguous short forms are dropped.
    owners: Dict[str, Set[str]] = defaultdict(set)
    entries = list(districts.values()) + municipalities
    for e in entries:
        for f in e["_forms"]:
            for s in spellings(f):
                owners[s.lower()].add(e["id"])
    # A kreisfreie Stadt appears both as district ("Stadt Kassel") and municipality ("Kassel"):
    # the bare name belongs to the town.
    for e in entries:
        forms = set()
        for f in e["_forms"]:
            for s in spellings(f):
                ids = owners[s.lower()]
                if len(ids) == 1 or (e.get("ags") and all(i == e["id"] or i.startswith("stadt-") for i in ids)):
                    forms.add(s)
        e["aliases"] = sorted(forms - {e["name"]}, key=str.lower)
        del e["_forms"]

    extra = yaml.safe_load(ALIASES.read_text(encoding="utf-8")) if ALIASES.exists() else {}
    by_id = {e["id"]: e for e in entries + regions}
    for pid, names in (extra or {}).get("aliases", {}).items():
        if pid not in by_id:
            sys.exit(f"{ALIASES}: unknown place id '{pid}'")
        for n in names:
            by_id[pid]["aliases"] = sorted(set(by_id[pid]["aliases"]) | spellings(str(n)), key=str.lower)
    merge_translated_spellings(by_id)
    return {"regions": regions, "districts": sorted(districts.values(), key=lambda d: d["id"]),
            "municipalities": sorted(municipalities, key=lambda m: m["ags"])}


# Arabic-script names as typed on an Arabic and on a Persian keyboard: ي/ی and ك/ک.
ARABIC_KEYBOARD = str.maketrans({"ی": "ي", "ک": "ك"})
PERSIAN_KEYBOARD = str.maketrans({"ي": "ی", "ك": "ک"})


def merge_translated_spellings(by_id: Dict[str, dict]) -> None:
    """Add the spellings of ``knowledge/translations/<language>.yml`` (``places``): Cyrillic and
    Arabic script, transliterations, inflected forms. A spelling another place already has is
    left out (printed), so that every spelling means one place."""
    owner = {n.lower(): e["id"] for e in by_id.values() for n in [e["name"], *e["aliases"]]}
    for path in sorted(TRANSLATIONS.glob("*.yml")):
        places = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("places") or {}
        for pid, names in places.items():
            if pid not in by_id:
                sys.exit(f"{path}: unknown place id '{pid}'")
            for name in map(str, names):
                # unify_letters: the form the NLU sees (components/script_folding.py)
                typed = {name, name.translate(ARABIC_KEYBOARD), name.translate(PERSIAN_KEYBOARD), unify_letters(name)}
                forms = {f for t in typed for f in spellings(t) if owner.setdefault(f.lower(), pid) == pid}
                if name.lower() not in {f.lower() for f in forms}:
                    print(f"{path.name}: '{name}' left out for {pid}, it already means {owner[name.lower()]}")
                by_id[pid]["aliases"] = sorted(set(by_id[pid]["aliases"]) | forms - {by_id[pid]["name"]}, key=str.lower)


def main(argv: Iterable[str] = ()) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--csv", type=Path, default=DEFAULT_CSV)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(list(argv) or None)
    data = build(args.csv)
    header = (
        "# GENERATED by scripts/build_gazetteer.py - do not edit by hand.\n"
        "# Extra spellings go into knowledge/place_aliases.yml, then run `make gazetteer`.\n"
        f"# Source: DWD warn-cell list (AGS, Kreis, Regierungsbezirk), {SOURCE_URL}\n"
        "# via ../shared/knowledge-sources/hessen_gemeinden_kreis_dwd.csv; checked 2026-11-25.\n"
    )
    args.out.write_text(header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=200), encoding="utf-8")
    print(f"{args.out}: {len(data['regions'])} regions, {len(data['districts'])} districts, "
          f"{len(data['municipalities'])} municipalities")


if __name__ == "__main__":
    main()
