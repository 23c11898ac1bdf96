"""``kpi-xl demo``: sample exports of a fictional company and the report filled from them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kpi_xl.commands import LANGS, SUMMARIES

HELP = SUMMARIES["demo"]
DESCRIPTION = """\
Generate a year and a half of realistic exports for Maison Lavande, a
fictional French online cosmetics shop (FEC accounting files, Shopify
orders, GA4 traffic, Google Ads spend, a Typeform NPS survey and a manual
CSV), read them back like any exports, and fill the KPI template: the
report shows what kpi_xl does with your own files.
"""
EPILOG = """\
examples:
  kpi-xl demo                       writes ./kpi_xl_demo/
  kpi-xl demo --lang en --out demo
"""
REPORT_NAMES = {"fr": "rapport_kpi_demo.xlsx", "en": "kpi_report_demo.xlsx"}
MESSAGES = {
    "fr": (
        "Exports d'exemple : {exports}\nRapport KPI      : {report}\n\n"
        "Ouvrez le rapport : l'onglet {dashboard} montre les KPI suivis, leur objectif "
        "et l'action à mener quand ils sont hors objectif ;\nles onglets {inputs} et {kpis} "
        "détaillent chaque mois, l'onglet {comments} donne les derniers avis des clients.\n"
        "Pour vos propres fichiers : "
        "kpi-xl fill --from <dossier d'exports> --out rapport.xlsx"
    ),
    "en": (
        "Sample exports: {exports}\nKPI report    : {report}\n\n"
        "Open the report: the {dashboard} sheet shows the focus KPIs, their target and what "
        "to do when one is off target;\nthe {inputs} and {kpis} sheets give every month, the "
        "{comments} sheet the customers' latest words.\n"
        "For your own files: kpi-xl fill --from <exports folder> --out report.xlsx"
    ),
}


def register(sub: Any) -> None:
    p = sub.add_parser("demo", help=HELP, description=DESCRIPTION, epilog=EPILOG,
                       formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--lang", choices=LANGS,
                   help="language of the sample and report (default: the system's)")  # fmt: skip
    p.add_argument("--out", type=Path, default=Path("kpi_xl_demo"), metavar="DIR",
                   help="where to write (default: ./kpi_xl_demo)")  # fmt: skip
    p.set_defaults(func=run)


def make_demo(out: Path, lang: str = "fr") -> tuple[Path, Path]:
    """Write the sample exports and the demo report under ``out``; return both paths."""
    from kpi_xl import sample_data
    from kpi_xl.report import fill_report
    from kpi_xl.workbook.template.templates import template_path

    out = Path(out)
    exports = out / "exports"
    company = sample_data.Company()
    sample_data.write_sample_exports(exports, company)
    sample_data.write_sample_config(exports, company, lang)
    report = out / REPORT_NAMES[lang]
    fill_report(exports, report, template_path(lang))  # the company is in the config
    return exports, report


def run(args: argparse.Namespace) -> int:
    from kpi_xl.language import system_language
    from kpi_xl.paths import check_output_folder
    from kpi_xl.workbook.template.layout import Sheets

    check_output_folder(args.out)
    lang = args.lang or system_language()
    exports, report = make_demo(args.out, lang)
    sheets = Sheets.for_lang(lang)
    print(MESSAGES[lang].format(exports=exports, report=report, dashboard=sheets.dashboard,
                                     inputs=sheets.inputs, kpis=sheets.kpis,
                                     comments=sheets.comments))  # fmt: skip
    return 0
