"""Realistic sample exports for a fictional French e-commerce company.

"Maison Lavande" sells lavender cosmetics online: seasonal revenue of about
40,000 to 80,000 EUR a month (peaks in spring and at Christmas), a
conversion rate of 2 to 3.5 %, an NPS of 25 to 50, a 12,000 EUR CRM
investment paid back in about 14 months, and a few KPIs off target so the
dashboard has advice to show.  Every file is written in the real format of
the export it imitates, and is read back through :func:`kpi_xl.importers.read_exports`:

* two FEC files (tab-separated, 18 columns, fiscal years 2024 and 2025) so
  ``revenue_prev_year`` is known;
* a Shopify orders CSV (from January 2023: customer lifespan needs two years);
* a GA4 CSV export with its ``#`` comment lines;
* a Google Ads campaign report;
* a Typeform NPS CSV with comments;
* the manual CSV for the investment and the automated processes.

The random generator has a fixed seed: the same call writes the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

#: Last month of data of the sample company (the demo report's "current" month).
LAST_MONTH = dt.date(2025, 9, 1)
FIRST_ORDER_MONTH = dt.date(2023, 1, 1)
FEC_YEARS = (2024, 2025)
SIREN = "912345678"
#: Seasonality of an online cosmetics shop (January = index 0).
SEASON = np.array([0.72, 0.78, 0.92, 1.0, 1.08, 0.95, 0.85, 0.74, 0.9, 1.02, 1.2, 1.45])
FEC_HEADER = (
    "JournalCode\tJournalLib\tEcritureNum\tEcritureDate\tCompteNum\tCompteLib\tCompAuxNum\t"
    "CompAuxLib\tPieceRef\tPieceDate\tEcritureLib\tDebit\tCredit\tEcritureLet\tDateLet\t"
    "ValidDate\tMontantdevise\tIdevise"
)
FIRST_NAMES = ("Camille", "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Emma", "Lucas",
               "Hugo", "Louis", "Nathan", "Claire", "Anne", "Sophie", "Élodie", "Margaux")  # fmt: skip
LAST_NAMES = ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
              "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Garcia", "Roux")  # fmt: skip
PROMOTER_COMMENTS = ("Produits de grande qualité, je recommande !", "Livraison rapide, emballage soigné",
                     "Le savon à la lavande est parfait", "Service client très réactif")  # fmt: skip
PASSIVE_COMMENTS = ("Bien, mais un peu cher", "Bons produits, site parfois lent", "Correct", "")
DETRACTOR_COMMENTS = ("Colis arrivé avec 6 jours de retard", "Pas de réponse du service client",
                      "Flacon abîmé à la livraison, remboursement long", "Frais de port trop élevés")  # fmt: skip


@dataclass(frozen=True)
class Company:
    """The knobs of a sample company; the defaults give the demo's Maison Lavande."""

    name: str = "Maison Lavande"
    seed: int = 2025
    revenue: float = 55_000.0  # average monthly revenue excl. VAT
    scale: float = 1.0  # < 1 makes smaller files (benchmarks): fewer orders, same shape
    last_month: dt.date = LAST_MONTH


def _months(first: dt.date, last: dt.date) -> pd.DatetimeIndex:
    return pd.date_range(first, last, freq="MS")


def _amount(value: float) -> str:
    """An amount the French way: 1234,50."""
    return f"{value:.2f}".replace(".", ",")


class _Plan:
    """The company's month-by-month truth, from which every export is written."""

    def __init__(self, company: Company) -> None:
        self.company = company
        self.rng = np.random.default_rng(company.seed)
        self.months = _months(FIRST_ORDER_MONTH, company.last_month)
        n = len(self.months)
        growth = 1.0 + 0.012 * np.arange(n)  # about +15 % a year
        noise = self.rng.normal(1.0, 0.04, n)
        seasonal = SEASON[self.months.month - 1]
        self.revenue = company.revenue * 0.8 * growth * seasonal * noise
        self.aov = 62.0 + 4.0 * np.arange(n) / n + self.rng.normal(0, 1.5, n)
        self.orders = np.maximum((self.revenue / self.aov * company.scale).round(), 5).astype(int)
        rate = 0.021 + 0.012 * np.clip(np.arange(n) / n, 0, 1) + self.rng.normal(0, 0.002, n)
        self.visitors = (self.orders / company.scale / rate).round().astype(int)
        self.ad_spend = self.revenue * self.rng.uniform(0.12, 0.16, n)
        self._entries: list[_Entry] | None = None

    def entries(self) -> list[_Entry]:
        """The accounting entries, drawn once (their random draws come after the plan's)."""
        if self._entries is None:
            self._entries = _ledger(self)
        return self._entries


def _orders_csv(plan: _Plan) -> str:
    """A Shopify orders export: one line item per order (the order's fields on it)."""
    rng = plan.rng
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("Name", "Email", "Financial Status", "Paid at", "Fulfillment Status",
                     "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code",
                     "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price",
                     "Billing Name", "Cancelled at", "Refunded Amount"))  # fmt: skip
    customers: list[str] = []
    number = 1001
    products = (("Savon lavande bio", 8.9), ("Huile essentielle de lavande", 14.5),
                ("Coffret bien-être", 49.0), ("Crème mains lavande", 12.9),
                ("Bougie parfumée", 24.0))  # fmt: skip
    for m, month in enumerate(plan.months):
        days = month.days_in_month
        for _ in range(int(plan.orders[m])):
            returning = customers and rng.random() < 0.5
            if returning:
                who = customers[int(rng.integers(len(customers)))]
            else:
                first = FIRST_NAMES[int(rng.integers(len(FIRST_NAMES)))]
                last = LAST_NAMES[int(rng.integers(len(LAST_NAMES)))]
                who = f"{first} {last}|{len(customers)}"
                customers.append(who)
            name, index = who.split("|")
            email = f"client{index}@example.fr"
            net = max(float(rng.normal(plan.aov[m], 18.0)), 9.0)
            taxes = round(net * 0.2, 2)
            created = month + pd.Timedelta(
                days=int(rng.integers(days)), minutes=int(rng.integers(1440))
            )
            product, price = products[int(rng.integers(len(products)))]
            cancelled = rng.random() < 0.01
            status = "voided" if cancelled else "paid"
            stamp = created.strftime("%Y-%m-%d %H:%M:%S +0100")
            writer.writerow((f"#{number}", email, status, "" if cancelled else stamp,
                             "fulfilled", "EUR", f"{net - 4.9:.2f}", "4.90", f"{taxes:.2f}",
                             f"{net + taxes:.2f}", "", stamp, max(1, round(net / price)),
                             product, f"{price:.2f}", name, stamp if cancelled else "", "0.00"))  # fmt: skip
            number += 1
    return out.getvalue()


#: One accounting entry: date, journal, label, piece, (account, label, debit, credit) lines.
_Entry = tuple[dt.date, str, str, str, list[tuple[str, str, float, float]]]
_JOURNALS = {"AN": "A nouveaux", "VT": "Ventes", "AC": "Achats", "BQ": "Banque",
             "OD": "Opérations diverses"}  # fmt: skip
_CAPITAL = 30_000.0  # paid into the bank before the first FEC year


def _fec(plan: _Plan, year: int) -> str:
    """One fiscal year (January to December, or to the last month) of a FEC.

    It opens with the balance-sheet balances carried over (journal AN), then the
    year's sales, charges, customer receipts, supplier, payroll and VAT payments.
    """
    entries = plan.entries()
    first = dt.date(year, 1, 1)
    opening: dict[str, float] = {}
    for day, _, _, _, rows in entries:
        if day < first:
            for account, _, debit, credit in rows:
                key = account if account[0] in "12345" else "120000"  # last year's result
                opening[key] = opening.get(key, 0.0) + debit - credit
    lines = [FEC_HEADER]
    carried = [(a, "Report à nouveau", max(v, 0.0), max(-v, 0.0))
               for a, v in sorted(opening.items()) if abs(v) >= 0.005]  # fmt: skip
    kept = [e for e in entries if e[0].year == year]
    if carried:
        kept.insert(0, (first, "AN", "Report à nouveau", "RAN", carried))
    for num, (day, journal, label, piece, rows) in enumerate(kept, start=1):
        stamp = day.strftime("%Y%m%d")
        for account, account_label, debit, credit in rows:
            lines.append("\t".join((journal, _JOURNALS[journal], f"{journal}{num:06d}", stamp,
                                    account, account_label, "", "", piece, stamp, label,
                                    _amount(debit), _amount(credit), "", "", stamp, "", "")))  # fmt: skip
    return "\n".join(lines) + "\n"


def _ledger(plan: _Plan) -> list[_Entry]:
    """Every entry of the FEC years in date order, settlements dated up to the last month."""
    rng = plan.rng
    capital = dt.date(FEC_YEARS[0], 1, 1) - dt.timedelta(days=1)
    out: list[_Entry] = [(capital, "BQ", "Apport en capital", "CAP", [
        ("512000", "Banque", _CAPITAL, 0.0), ("101300", "Capital souscrit", 0.0, _CAPITAL)])]  # fmt: skip
    for m, month in enumerate(plan.months):
        if month.year not in FEC_YEARS:
            continue
        end = (month + pd.offsets.MonthEnd(0)).date()
        next_end = (month + pd.offsets.MonthEnd(2)).date()
        revenue = float(plan.revenue[m])
        weeks = [revenue * w for w in rng.dirichlet(np.full(4, 20.0))]
        collected = 0.0
        for w, amount in enumerate(weeks):
            day = month.date() + dt.timedelta(days=7 * w + 6)
            vat = round(amount * 0.2, 2)
            collected += vat
            total = round(amount + vat, 2)
            piece = f"VT{month:%y%m}{w + 1}"
            out.append((day, "VT", f"Ventes boutique semaine {w + 1}", piece,
                        [("411000", "Clients boutique en ligne", total, 0.0),
                         ("707000", "Ventes de marchandises", 0.0, round(amount, 2)),
                         ("445710", "TVA collectée", 0.0, vat)]))  # fmt: skip
            out.append((day + dt.timedelta(days=3), "BQ", "Virement Shopify Payments", piece,
                        [("512000", "Banque", total, 0.0),
                         ("411000", "Clients boutique en ligne", 0.0, total)]))  # fmt: skip
        charges = (
            ("607000", "Achats de marchandises", revenue * rng.uniform(0.41, 0.45), "401100", "AC"),
            ("623100", "Publicité Google Ads", float(plan.ad_spend[m]), "401200", "AC"),
            ("613200", "Loyer entrepôt", 2_400.0, "401300", "AC"),
            ("626000", "Frais postaux et télécom", revenue * 0.035, "401400", "AC"),
            ("641000", "Salaires", 9_500.0 + 60.0 * m, "421000", "OD"),
            ("645000", "Charges sociales", 4_000.0 + 25.0 * m, "431000", "OD"),
        )
        for account, label, amount, payable, journal in charges:
            piece = f"{journal}{month:%y%m}{account[:3]}"
            out.append((end, journal, label, piece,
                        [(account, label, round(amount, 2), 0.0),
                         (payable, "Fournisseurs et personnel", 0.0, round(amount, 2))]))  # fmt: skip
            # Salaries are paid on the day, social charges on the 15th, suppliers a month later.
            paid = {"421000": end, "431000": end + dt.timedelta(days=15)}.get(payable, next_end)
            out.append((paid, "BQ", f"Règlement {label.lower()}", piece,
                        [(payable, "Fournisseurs et personnel", round(amount, 2), 0.0),
                         ("512000", "Banque", 0.0, round(amount, 2))]))  # fmt: skip
        vat = round(collected, 2)
        out.append(
            (
                end + dt.timedelta(days=20),
                "BQ",
                "TVA à payer",
                f"TVA{month:%y%m}",
                [("445710", "TVA collectée", vat, 0.0), ("512000", "Banque", 0.0, vat)],
            )
        )
    last = (pd.Timestamp(plan.months[-1]) + pd.offsets.MonthEnd(0)).date()
    return sorted((e for e in out if e[0] <= last), key=lambda e: e[0])


def _ga4_csv(plan: _Plan) -> str:
    rows = ["# ----------------------------------------",
            f"# {plan.company.name} - GA4",
            "# Acquisition de trafic : Groupe de canaux par défaut de la session",
            f"# Date de début : {plan.months[0]:%Y%m%d}",
            f"# Date de fin : {plan.company.last_month:%Y%m%d}",
            "# ----------------------------------------",
            "Year month,Total users,Sessions,Engaged sessions,Key events"]  # fmt: skip
    for m, month in enumerate(plan.months):
        visitors = int(plan.visitors[m])
        sessions = int(visitors * plan.rng.uniform(1.35, 1.5))
        engaged = int(sessions * plan.rng.uniform(0.52, 0.63))
        key_events = round(plan.orders[m] / plan.company.scale)
        rows.append(f"{month:%Y%m},{visitors},{sessions},{engaged},{key_events}")
    total = ",".join(str(x) for x in (int(plan.visitors.sum()), "", "", ""))
    rows.append(f"Grand total,{total}")
    return "\n".join(rows) + "\n"


def _ads_csv(plan: _Plan) -> str:
    rng = plan.rng
    out = ["Rapport sur les campagnes",
           f"{plan.months[0]:%d/%m/%Y} - {plan.company.last_month:%d/%m/%Y}",
           "Day,Campaign,Impressions,Clicks,Currency code,Cost"]  # fmt: skip
    for m, month in enumerate(plan.months):
        days = month.days_in_month
        for campaign, share in (("Search - Marque", 0.35), ("Shopping - Catalogue", 0.65)):
            daily = rng.dirichlet(np.full(days, 30.0)) * plan.ad_spend[m] * share
            for d in range(days):
                clicks = int(daily[d] / 0.45)
                out.append(f"{(month + pd.Timedelta(days=d)):%Y-%m-%d},{campaign},"
                           f"{clicks * 28},{clicks},EUR,{daily[d]:.2f}")  # fmt: skip
    return "\n".join(out) + "\n"


def _survey_csv(plan: _Plan) -> str:
    rng = plan.rng
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("#", "Quelle est la probabilité que vous recommandiez Maison Lavande à un proche ?",
                     "Pourquoi cette note ?", "Start Date (UTC)", "Submit Date (UTC)", "Network ID"))  # fmt: skip
    survey_months = [m for m in range(len(plan.months)) if plan.months[m].year >= 2024]
    for m in survey_months:
        month = plan.months[m]
        progress = m / len(plan.months)
        promoters = 0.45 + 0.12 * progress
        detractors = 0.22 - 0.06 * progress
        for _ in range(int(rng.integers(45, 70))):
            u = rng.random()
            if u < promoters:
                score, pool = int(rng.integers(9, 11)), PROMOTER_COMMENTS
            elif u < 1 - detractors:
                score, pool = int(rng.integers(7, 9)), PASSIVE_COMMENTS
            else:
                score, pool = int(rng.integers(0, 7)), DETRACTOR_COMMENTS
            pool_: tuple[str, ...] = pool
            comment = pool_[int(rng.integers(len(pool_)))] if rng.random() < 0.6 else ""
            when = month + pd.Timedelta(days=int(rng.integers(month.days_in_month)), hours=10)
            token = f"{int(rng.integers(16**10)):010x}"
            writer.writerow((token, score, comment, f"{when:%Y-%m-%d %H:%M:%S}",
                             f"{when + pd.Timedelta(minutes=3):%Y-%m-%d %H:%M:%S}", token[:8]))  # fmt: skip
    return out.getvalue()


def _manual_csv(plan: _Plan) -> str:
    """The investment (a 12,000 EUR CRM in January 2025) and the automated processes."""
    rows = ["month;investment_cost;investment_gains;processes_automated;processes_eligible"]
    for month in plan.months:
        if month.year < 2025:
            continue
        cost = "12000" if month.month == 1 else "0"
        gains = _amount(860.0 + float(plan.rng.normal(0, 40)))
        automated = 5 + (month.month - 1) // 3
        rows.append(f"{month:%Y-%m};{cost};{gains};{automated};10")
    return "\n".join(rows) + "\n"


def write_sample_exports(folder: Path, company: Company | None = None) -> list[Path]:
    """Write the sample exports of ``company`` (default: Maison Lavande) into ``folder``."""
    company = company or Company()
    plan = _Plan(company)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, tuple[str, str]] = {}
    for year in FEC_YEARS:
        if year <= company.last_month.year:
            files[f"{SIREN}FEC{year}1231.txt"] = (_fec(plan, year), "utf-8-sig")
    files["commandes_shopify.csv"] = (_orders_csv(plan), "utf-8")
    files["ga4_trafic_mensuel.csv"] = (_ga4_csv(plan), "utf-8")
    files["google_ads_campagnes.csv"] = (_ads_csv(plan), "utf-8")
    files["typeform_nps.csv"] = (_survey_csv(plan), "utf-8")
    files["saisie_manuelle.csv"] = (_manual_csv(plan), "utf-8")
    # A company whose data ends before the survey or the investment has no such file.
    files = {name: f for name, f in files.items() if f[0].count("\n") > 1}
    paths = []
    for name, (text, encoding) in files.items():
        path = folder / name
        path.write_text(text, encoding=encoding, newline="")
        paths.append(path)
    return paths


def write_sample_config(folder: Path, company: Company | None = None, lang: str = "fr") -> Path:
    """A ``kpi_xl.toml`` for the sample company: its name, language, fiscal year and NPS target."""
    company = company or Company()
    path = Path(folder) / "kpi_xl.toml"
    name = json.dumps(company.name, ensure_ascii=False)  # a valid TOML basic string
    path.write_text(
        f'company = {name}\nlanguage = "{lang}"\nfiscal_year_start_month = 1\n\n'
        "[targets]\nnps = 40\n",
        encoding="utf-8",
    )
    return path


def write_portfolio(folder: Path, clients: int, scale: float = 0.05, seed: int = 7) -> list[Path]:
    """A portfolio of ``clients`` sample companies (one folder each), for tests and benchmarks.

    ``scale`` shrinks the orders files (0.05: about 40 orders a month) so a
    portfolio of hundreds of clients stays small; every other export keeps
    its full shape.
    """
    rng = np.random.default_rng(seed)
    folders = []
    for i in range(clients):
        company = Company(name=f"client_{i + 1:03d}", seed=seed * 1000 + i,
                          revenue=float(rng.uniform(30_000, 90_000)), scale=scale)  # fmt: skip
        path = Path(folder) / company.name
        write_sample_exports(path, company)
        folders.append(path)
    return folders
