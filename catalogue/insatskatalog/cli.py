"""Command line for editors, tests and scripts: python -m insatskatalog validate|build|list|route|search.

Every error reaches the user as one Swedish sentence and exit code 1 (2 for wrong usage), never
as a traceback.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import vocabulary as v
from .loader import CatalogueError, load_catalogue
from .routing import SAMTYCKESALDER, Profile, ProfileError, route
from .schema import validate_all, warnings_all
from .store import DEFAULT_DB, build, open_db, search


class _SwedishParser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own messages are English; keep ours short and Swedish
        self.print_usage(sys.stderr)
        self.exit(2, f"Fel i kommandot: {message}\n")


def _parser() -> argparse.ArgumentParser:
    p = _SwedishParser(prog="python -m insatskatalog", description="Insatsguidens katalog: validera, bygga, lista, routa.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_SwedishParser)
    sub.add_parser("validate", help="kontrollera alla datafiler mot formatet (fel och varningar)")
    sh = sub.add_parser("show", help="redaktörsvy av en insats: alla fält, källfil och anmärkning")
    sh.add_argument("insats_id", metavar="insats-id", help="t.ex. uppsala/haktessamtal")
    b = sub.add_parser("build", help="bygg SQLite-databasen med sökindex")
    b.add_argument("--db", type=Path, default=DEFAULT_DB)
    ls = sub.add_parser("list", help="lista insatser")
    ls.add_argument("--kommun")
    ls.add_argument("--json", action="store_true")
    r = sub.add_parser("route", help="vilka insatser passar en behovsprofil")
    r.add_argument("--kommun", required=True)
    r.add_argument("--for", dest="for_vem", required=True, choices=list(v.PROFIL_FOR))
    r.add_argument("--alder", type=int)
    r.add_argument("--barn-alder", type=int)
    r.add_argument("--amne", action="append", required=True, help="ämnes-id, kan anges flera gånger")
    r.add_argument("--anonym", action="store_true")
    r.add_argument("--utan-samtycke", action="store_true",
                   help=f"barn under {SAMTYCKESALDER} utan vårdnadshavares samtycke")
    r.add_argument("--sprak")
    g = r.add_mutually_exclusive_group()
    g.add_argument("--grupp", action="store_const", const="grupp", dest="format")
    g.add_argument("--individuellt", action="store_const", const="individuellt", dest="format")
    r.add_argument("--json", action="store_true")
    s = sub.add_parser("search", help="fritextsökning (FTS5)")
    s.add_argument("text")
    s.add_argument("--kommun")
    s.add_argument("--db", type=Path, default=DEFAULT_DB)
    return p


def _print_route_text(res) -> None:
    k = res.kommun
    print(f"Insatser utan ansökan i {k.namn}:")
    if res.inget_passar:
        print("  Inget av kommunens insatser utan behovsprövning passar det du har beskrivit.")
    for n, r in enumerate(res.rekommenderade, 1):
        print(f"\n{n}. {r.insats.namn}")
        print(f"   {r.varfor}")
        for s in r.villkor:
            mark = {"uppfyllt": "✓ uppfyllt", "ej_uppfyllt": "✗ ej uppfyllt", "okant": "? kontrolleras av verksamheten"}[s.status]
            print(f"   Villkor: {s.text} ({mark})")
        print(f"   Anonymitet: {r.anonymitet}")
        print(f"   Källa: {r.insats.kalla.resident_text()}")
    if res.villkor_ej_uppfyllda:
        print("\nFinns, men villkoren är inte uppfyllda:")
        for e in res.villkor_ej_uppfyllda:
            print(f"  - {e.insats.namn}: {e.skal}")
    if res.kraver_ansokan:
        print("\nKräver ansökan (behovsprövas):")
        for i in res.kraver_ansokan:
            print(f"  - {i.namn}")
    print(f"\nRätt att ansöka: {res.ratt_att_ansoka}")


def _print_editor_view(insats, kommun) -> None:
    """Everything about one insats for the municipality's editor, including what residents never
    see: the seed file, the editor note (anmarkning) and the confirmed age difference."""
    vil = insats.villkor
    rows = [
        ("id", insats.id), ("namn", insats.namn), ("kategori", insats.kategori),
        ("behovsprövad", "ja" if insats.behovsprovad else "nej"), ("målgrupp", insats.malgrupp),
        ("ålder", vil.alder.text() if vil.alder.angivet else "–"),
        ("barnets ålder", vil.barn_alder.text() if vil.barn_alder.angivet else "–"),
        ("bosättning", f"{vil.bosattning_krav}: {vil.bosattning_text}".rstrip(": ")),
        (f"samtycke under {SAMTYCKESALDER}", {True: "krävs", False: "krävs inte", None: "anges inte"}[vil.samtycke_kravs_under_15]
         + (f" – {vil.samtycke_text}" if vil.samtycke_text else "")),
        ("remiss", ("krävs" + (f" från {vil.remiss_fran}" if vil.remiss_fran else "")) if vil.remiss_kravs else "nej"),
        *(("övrigt villkor", o) for o in vil.ovrigt),
        ("dokumentation", f"{insats.dokumentation_regel}: {insats.dokumentation_text}"),
        ("anonymitet (invånare)", insats.anonymitet),
        ("att tänka på (invånare)", insats.att_tanka_pa or "–"),
        ("lättläst sammanfattning (invånare)", insats.innehall_lattlast or "– (innehållet visas)"),
        ("källa (invånare)", insats.kalla.resident_text()),
        ("källfil (redaktör)", insats.kalla.editor_text()),
        ("anmärkning (redaktör)", insats.anmarkning or "–"),
        ("ålder bekräftad (redaktör)", insats.alder_bekraftad or "–"),
        ("kommunens kontakt", ", ".join(f"{k}: {getattr(kommun.kontakt, k) or '(tomt)'}"
                                        for k in ("webb", "telefon", "oppettider", "epost"))),
    ]
    for label, value in rows:
        print(f"{label}: {value}")


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            problems = validate_all()
            for p in problems:
                print(p, file=sys.stderr)
            warnings = warnings_all()
            for w in warnings:
                print(f"{w.file}:{w.line}: varning: {w.message}", file=sys.stderr)
            if problems:
                print(f"{len(problems)} fel hittades.", file=sys.stderr)
                return 1
            suffix = f" {len(warnings)} varningar: uppgifter att fylla i eller bekräfta." if warnings else ""
            print("Alla datafiler är giltiga." + suffix)
            return 0
        catalogue = load_catalogue()
        if args.command == "build":
            path = build(catalogue, args.db)
            n = sum(len(k.insatser) for k in catalogue.kommuner.values())
            print(f"Byggde {path} med {len(catalogue.kommuner)} kommuner och {n} insatser.")
            return 0
        if args.command == "show":
            _print_editor_view(catalogue.insats(args.insats_id), catalogue.kommun(args.insats_id.split("/", 1)[0]))
            return 0
        if args.command == "list":
            if args.kommun:
                catalogue.kommun(args.kommun)
            rows = [
                {"id": i.id, "kommun": i.kommun, "namn": i.namn, "kategori": i.kategori, "amnen": list(i.amnen),
                 "for_vem": list(i.for_vem), "behovsprovad": i.behovsprovad,
                 "kalla": {"fil": i.kalla.fil, "avsnitt": i.kalla.avsnitt},
                 "anmarkning": i.anmarkning, "att_tanka_pa": i.att_tanka_pa}
                for i in catalogue.alla_insatser() if not args.kommun or i.kommun == args.kommun
            ]
            if args.json:
                print(json.dumps(rows, ensure_ascii=False, indent=2))
            else:
                for row in rows:
                    flag = " (behovsprövad)" if row["behovsprovad"] else ""
                    print(f"{row['id']}\t{row['namn']}{flag}\t{v.KATEGORIER[row['kategori']]}")
            return 0
        if args.command == "route":
            profil = Profile(
                kommun=args.kommun, for_vem=args.for_vem, alder=args.alder, barn_alder=args.barn_alder,
                amnen=tuple(args.amne), anonym=args.anonym, format=args.format,
                samtycke=False if args.utan_samtycke else None, sprak=args.sprak,
            )
            res = route(profil, catalogue)
            if args.json:
                print(json.dumps(res.to_json(), ensure_ascii=False, indent=2))
            else:
                _print_route_text(res)
            return 0
        if args.command == "search":
            db = open_db(args.db)
            for insats_id in search(db, args.text, kommun=args.kommun):
                print(f"{insats_id}\t{catalogue.insats(insats_id).namn}")
            return 0
    except (CatalogueError, ProfileError, FileNotFoundError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 2
