"""The KPI catalog: the single source of truth for every KPI fact.

Names (French and English), formulas, units, direction, tracking frequency,
typical targets, the action to take when a KPI is off target, the Excel
function names and argument help, and the template rows are all read from
here.  The Excel functions (``udfs/``), the template builder, the batch
writer, the command line and the documentation are derived from it, so a
new KPI is one :class:`Kpi` entry here plus one function in
:mod:`kpi_xl.kpis`.

The figures come from the two source articles (A1 and A2, listed in the README):
``A1`` = "5 KPI pour les dirigeants", ``A2`` = "10 exemples d'indicateurs de
performance pour TPE/PME et e-commerce".  The KPIs read from a FEC's accounts
(EBE margin, DSO, DPO, runway, working capital, personnel share) follow the
French chart of accounts (``PCG``) and the payment-terms law (``L441-10``);
the articles give them no target, so theirs are marked as kpi_xl's suggestion.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from kpi_xl.errors import KpiValueError

Lang = Literal["fr", "en"]
LANGS: tuple[Lang, ...] = ("fr", "en")

#: Relative width of the "watch" band around a target, used by :func:`status`.
STATUS_TOLERANCE = 0.10

#: NPS answers (0-10): detractors score at most 6, promoters at least 9 (A2 §9).
NPS_DETRACTOR_MAX = 6
NPS_PROMOTER_MIN = 9

SOURCES = {
    "A1": "DigiTechnologie, « Les 5 KPI qui transformeront votre vision stratégique »",
    "A2": "Webintelligence, « 10 exemples d'indicateurs de performance pour TPE/PME et e-commerce »",
    "PCG": "Plan comptable général (règlement ANC n° 2014-03) : soldes intermédiaires de gestion",
    "L441-10": "Code de commerce, art. L441-10 : délais de paiement entre entreprises (60 jours)",
}


@dataclass(frozen=True)
class Text:
    """A text in French and English."""

    fr: str
    en: str

    def __call__(self, lang: str = "en") -> str:
        return self.fr if lang == "fr" else self.en


class Unit(StrEnum):
    """What a number measures; decides its cell format and how it reads."""

    RATIO = "ratio"  # a fraction shown as a percentage (0.035 -> 3.5 %)
    CURRENCY = "currency"  # an amount in the company's currency
    POINTS = "points"  # a score (NPS: -100 to +100)
    PERIODS = "periods"  # a duration in periods (months in the templates)
    MULTIPLE = "multiple"  # a ratio read as "x times" (CLV/CAC = 3.0)
    COUNT = "count"  # a number of people, sessions, processes...
    YEARS = "years"
    PER_YEAR = "per_year"  # a frequency per year
    DAYS = "days"  # a duration in days (payment delays)


class Direction(StrEnum):
    HIGHER = "higher"  # higher is better
    LOWER = "lower"  # lower is better

    @property
    def arrow(self) -> str:
        """↑ when higher is better, ↓ when lower is."""
        return "↑" if self is Direction.HIGHER else "↓"


class Status(StrEnum):
    """Traffic light of a KPI against its target."""

    ON_TRACK = "on_track"
    WATCH = "watch"
    OFF_TRACK = "off_track"

    def label(self, lang: str = "en") -> str:
        return STATUS_LABELS[self](lang)


STATUS_LABELS = {
    Status.ON_TRACK: Text("Dans l'objectif", "On track"),
    Status.WATCH: Text("À surveiller", "Watch"),
    Status.OFF_TRACK: Text("Hors objectif", "Off track"),
}


@dataclass(frozen=True)
class Arg:
    """One argument of a KPI function (and of its Excel function)."""

    name: str
    text: Text
    unit: Unit
    default: float | None = None  # optional argument when not None
    is_range: bool = False  # takes a range/sequence of values in Excel


@dataclass(frozen=True)
class Function:
    """A calculation function of :mod:`kpi_xl.kpis` and the Excel function over it."""

    name: str  # attribute of kpi_xl.kpis
    excel_name: str  # KPI_... in classic Excel; KPI.… under the Office.js namespace
    args: tuple[Arg, ...]
    summary: Text  # the function wizard's one-liner


@dataclass(frozen=True)
class Input:
    """A monthly input row of the templates: workbook name ``in_<id>``.

    ``ytd`` says how twelve months add up to the year-to-date column:
    ``sum`` (flows), ``first``/``last`` (stocks: customers at start/end) or
    ``mean`` (averages and rates).
    """

    id: str
    name: Text
    unit: Unit
    ytd: Literal["sum", "first", "last", "mean"] = "sum"
    minimum: float | None = 0.0
    maximum: float | None = None
    help: Text = Text("", "")

    @property
    def defined_name(self) -> str:
        return f"in_{self.id}"


@dataclass(frozen=True)
class Source:
    """One argument of a template formula: a workbook name and how to read it."""

    name: str  # in_<input> or kpi_<kpi>
    mode: Literal["month", "prev", "cum", "avg"] = "month"
    agg: str = ""  # year-to-date: sum, first, last, mean, sum_where, kpi
    where: str = ""  # with agg "sum_where": the name that must be filled too

    @property
    def is_kpi(self) -> bool:
        return self.name.startswith("kpi_")


@dataclass(frozen=True)
class TemplateFormula:
    """How a KPI row of the monthly template is computed from the inputs.

    ``sources`` give, in the order of ``function``'s arguments, the workbook
    name each argument is read from, with an optional mode:
    ``in_x`` (this month), ``in_x@prev`` (previous month), ``in_x@cum`` (sum of
    the fiscal year's months up to this one), ``in_x@avg`` (their average), or
    ``kpi_y`` (another KPI's row).  ``ytd`` optionally overrides how the
    year-to-date column reads each argument: ``in_x:sum``, ``in_x:first``,
    ``in_x:last``, ``in_x:mean``, ``in_x:sum_where=in_z`` (sum over the months
    where ``in_z`` is filled too) or ``kpi_y`` (that KPI's year-to-date cell);
    by default each input uses its own :attr:`Input.ytd`.

    ``excel`` is the native Excel expression, ``guard`` the condition under
    which it is defined; both name the arguments as ``{arg}``.  They mirror
    the validation of the Python function so that the template cell is empty
    exactly where :mod:`kpi_xl.kpis` raises.
    """

    function: str
    sources: tuple[str, ...]
    excel: str
    guard: str
    ytd: tuple[str, ...] | None = None

    def monthly_sources(self) -> tuple[Source, ...]:
        """The sources of the month columns, parsed."""
        out = []
        for text in self.sources:
            name, _, mode = text.partition("@")
            out.append(Source(name, mode or "month"))  # type: ignore[arg-type]
        return tuple(out)

    def ytd_sources(self) -> tuple[Source, ...]:
        """The sources of the year-to-date column, parsed, defaults filled in."""
        if self.ytd is not None:
            out = []
            for text in self.ytd:
                name, _, spec = text.partition(":")
                agg, _, where = spec.partition("=")
                out.append(Source(name, agg=agg or "kpi", where=where))
            return tuple(out)
        return tuple(_default_ytd(s) for s in self.monthly_sources())


def _default_ytd(src: Source) -> Source:
    """A month source adds up like its input; cumulative ones like sum and mean."""
    if src.is_kpi:
        return Source(src.name, agg="kpi")
    if src.mode == "month":
        return Source(src.name, agg=get_input(src.name).ytd)
    if src.mode in ("cum", "avg"):
        return Source(src.name, agg="sum" if src.mode == "cum" else "mean")
    raise ValueError(f"{src.name}@{src.mode} needs an explicit ytd source in the catalog")


@dataclass(frozen=True)
class Kpi:
    """One KPI of the source articles, with everything the product shows about it."""

    id: str
    name: Text
    description: Text
    formula: Text
    functions: tuple[Function, ...]
    template: TemplateFormula
    unit: Unit
    direction: Direction
    frequency: Text
    target: float | None
    target_text: Text
    basis: Literal["month", "ytd"]  # which value the target is compared with on the dashboard
    action: Text
    source: str
    focus: bool = False  # one of the default 3 to 5 dashboard KPIs

    @property
    def function(self) -> Function:
        """The main function (its name is the KPI id)."""
        return self.functions[0]

    @property
    def defined_name(self) -> str:
        return f"kpi_{self.id}"

    @property
    def target_name(self) -> str:
        return f"target_{self.id}"


def _t(fr: str, en: str) -> Text:
    return Text(fr, en)


def _arg(name: str, fr: str, en: str, unit: Unit, **kw: object) -> Arg:
    return Arg(name, Text(fr, en), unit, **kw)  # type: ignore[arg-type]


INPUTS: tuple[Input, ...] = (
    Input("revenue", _t("Chiffre d'affaires HT", "Revenue (excl. VAT)"), Unit.CURRENCY,
          minimum=None, help=_t("Comptes 70 (FEC) ou ventes nettes", "Accounts 70 (FEC) or net sales")),
    Input("revenue_prev_year", _t("CA du même mois N-1", "Revenue, same month last year"),
          Unit.CURRENCY, minimum=None,
          help=_t("Pour la croissance annuelle", "For year-on-year growth")),
    Input("net_profit", _t("Résultat net", "Net profit"), Unit.CURRENCY, minimum=None,
          help=_t("Produits (7) - charges (6)", "Income (7) - expenses (6)")),
    Input("orders", _t("Commandes", "Orders"), Unit.COUNT),
    Input("visitors", _t("Visiteurs", "Visitors"), Unit.COUNT),
    Input("conversions", _t("Conversions (achats)", "Conversions (purchases)"), Unit.COUNT),
    Input("sales_marketing_costs", _t("Coûts ventes et marketing", "Sales and marketing costs"),
          Unit.CURRENCY, help=_t("Publicité, salaires, outils", "Ads, salaries, tools")),
    Input("new_customers", _t("Nouveaux clients", "New customers"), Unit.COUNT),
    Input("customers_start", _t("Clients en début de mois", "Customers at start of month"),
          Unit.COUNT, ytd="first"),
    Input("customers_end", _t("Clients en fin de mois", "Customers at end of month"),
          Unit.COUNT, ytd="last"),
    Input("sessions", _t("Sessions", "Sessions"), Unit.COUNT),
    Input("engaged_sessions", _t("Sessions engagées", "Engaged sessions"), Unit.COUNT),
    Input("nps_promoters", _t("NPS : promoteurs (9-10)", "NPS: promoters (9-10)"), Unit.COUNT),
    Input("nps_passives", _t("NPS : passifs (7-8)", "NPS: passives (7-8)"), Unit.COUNT),
    Input("nps_detractors", _t("NPS : détracteurs (0-6)", "NPS: detractors (0-6)"), Unit.COUNT),
    Input("processes_automated", _t("Processus automatisés", "Processes automated"), Unit.COUNT,
          ytd="last"),
    Input("processes_eligible", _t("Processus éligibles", "Processes eligible"), Unit.COUNT,
          ytd="last"),
    Input("investment_cost", _t("Investissement : coût", "Investment: cost"), Unit.CURRENCY,
          help=_t("Montant investi ce mois", "Amount invested this month")),
    Input("investment_gains", _t("Investissement : gains", "Investment: gains"), Unit.CURRENCY,
          minimum=None, help=_t("Flux générés ce mois", "Cash flow it generated this month")),
    Input("average_order_value", _t("Panier moyen", "Average order value"), Unit.CURRENCY,
          ytd="mean"),
    Input("purchase_frequency", _t("Achats par client et par an", "Purchases per customer per year"),
          Unit.PER_YEAR, ytd="last"),
    Input("customer_lifespan", _t("Durée de vie client (années)", "Customer lifespan (years)"),
          Unit.YEARS, ytd="last"),
    Input("gross_margin", _t("Taux de marge brute", "Gross margin rate"), Unit.RATIO, ytd="last",
          maximum=1.0, help=_t("Facultatif, 0 à 100 %", "Optional, 0 to 100 %")),
    # The FEC's accounts (kpi_xl/importers/ledger.py): the P&L cascade, costs by nature,
    # balances at month end, amounts including VAT, and the cascade one year earlier.
    *(Input(i, _t(fr, en), Unit.CURRENCY, minimum=None, help=_t(hfr, hen)) for i, fr, en, hfr, hen in (
        ("commercial_margin", "Marge commerciale", "Commercial margin",
         "Ventes de marchandises - leur coût d'achat", "Sales of goods - their cost"),
        ("production", "Production de l'exercice", "Production",
         "Production vendue, stockée, immobilisée", "Production sold, stocked, capitalised"),
        ("value_added", "Valeur ajoutée", "Value added",
         "Marge + production - consommations externes", "Margin + production - external consumption"),
        ("ebe", "Excédent brut d'exploitation (EBE)", "EBITDA (EBE)",
         "VA + subventions - impôts - personnel", "Value added + subsidies - taxes - personnel"),
        ("operating_income", "Résultat d'exploitation", "Operating income",
         "EBE + reprises - dotations ± autres", "EBITDA + reversals - allowances ± other"),
        ("current_income", "Résultat courant avant impôts", "Current income before tax",
         "Exploitation + résultat financier", "Operating + financial income"),
        ("exceptional_income", "Résultat exceptionnel", "Exceptional income",
         "Produits (77) - charges (67) exceptionnels", "Exceptional income (77) - charges (67)"),
        ("purchases", "Achats consommés (60)", "Purchases consumed (60)",
         "Achats et variation de stocks", "Purchases and change in stocks"),
        ("external_charges", "Charges externes (61, 62)", "External charges (61, 62)",
         "Loyers, honoraires, publicité...", "Rent, fees, advertising..."),
        ("taxes", "Impôts et taxes (63)", "Taxes (63)", "Hors impôt sur les bénéfices",
         "Excluding income tax"),
        ("personnel_costs", "Charges de personnel (64)", "Personnel costs (64)",
         "Salaires et charges sociales", "Salaries and social charges"),
        ("depreciation", "Dotations aux amortissements et provisions (68)",
         "Depreciation and provisions (68)", "Charge sans sortie de trésorerie",
         "A charge without cash out"),
        ("financial_charges", "Charges financières (66)", "Financial charges (66)",
         "Intérêts d'emprunts, agios", "Loan interest, bank charges"),
        ("exceptional_charges", "Charges exceptionnelles (67)", "Exceptional charges (67)",
         "Pénalités, cessions...", "Penalties, disposals..."),
    )),
    Input("cash", _t("Trésorerie fin de mois", "Cash at month end"), Unit.CURRENCY, ytd="last",
          minimum=None, help=_t("Banques et caisse (512, 53)", "Banks and cash box (512, 53)")),
    Input("net_cash_flow", _t("Variation de trésorerie", "Net cash flow"), Unit.CURRENCY,
          minimum=None, help=_t("Encaissements - décaissements du mois",
                                "Cash in - cash out of the month")),
    Input("receivables", _t("Créances clients fin de mois", "Receivables at month end"),
          Unit.CURRENCY, ytd="last", minimum=None,
          help=_t("Clients (411), TTC", "Customers (411), incl. VAT")),
    Input("payables", _t("Dettes fournisseurs fin de mois", "Payables at month end"),
          Unit.CURRENCY, ytd="last", minimum=None,
          help=_t("Fournisseurs (401), TTC", "Suppliers (401), incl. VAT")),
    Input("inventory", _t("Stocks fin de mois", "Inventory at month end"), Unit.CURRENCY,
          ytd="last", minimum=None, help=_t("Comptes de stocks (3)", "Stock accounts (3)")),
    Input("revenue_incl_vat", _t("Chiffre d'affaires TTC", "Revenue incl. VAT"), Unit.CURRENCY,
          minimum=None, help=_t("Pour le délai clients (DSO)", "For the days sales outstanding")),
    Input("purchases_incl_vat", _t("Achats et charges externes TTC",
                                   "Purchases and external charges incl. VAT"), Unit.CURRENCY,
          minimum=None, help=_t("60 à 62 TTC, pour le délai fournisseurs (DPO)",
                                "60 to 62 incl. VAT, for the days payable outstanding")),
    *(Input(f"{i}_prev_year", _t(f"{fr}, même mois N-1", f"{en}, same month last year"),
            Unit.CURRENCY, minimum=None, help=_t("Pour la comparaison avec N-1",
                                                 "For the comparison with last year"))
      for i, fr, en in (
        ("commercial_margin", "Marge commerciale", "Commercial margin"),
        ("production", "Production", "Production"),
        ("value_added", "Valeur ajoutée", "Value added"),
        ("ebe", "EBE", "EBITDA"),
        ("operating_income", "Résultat d'exploitation", "Operating income"),
        ("current_income", "Résultat courant", "Current income"),
        ("exceptional_income", "Résultat exceptionnel", "Exceptional income"),
        ("net_profit", "Résultat net", "Net profit"),
    )),
)  # fmt: skip

_COUNTS_GUARD = "AND({den}>0,{num}>=0,{num}<={den})"


def _share(num: str, den: str) -> tuple[str, str]:
    """Excel expression and guard of a share of a count in another count."""
    return f"{{{num}}}/{{{den}}}", _COUNTS_GUARD.format(num=f"{{{num}}}", den=f"{{{den}}}")


KPIS: tuple[Kpi, ...] = (
    Kpi(
        id="roi",
        name=_t("Retour sur investissement (ROI)", "Return on investment (ROI)"),
        description=_t(
            "Rentabilité d'un investissement : gain obtenu rapporté à son coût.",
            "What an investment earned, relative to its cost.",
        ),
        formula=_t("(Gains - Coût) / Coût", "(Gains - Cost) / Cost"),
        functions=(
            Function("roi", "KPI_ROI", (
                _arg("gain", "Gains de l'investissement", "Gains from the investment", Unit.CURRENCY),
                _arg("cost", "Coût de l'investissement (> 0)", "Cost of the investment (> 0)",
                     Unit.CURRENCY),
            ), _t("Retour sur investissement, en fraction (1 = 100 %)",
                  "Return on investment as a fraction (1 = 100 %)")),
        ),
        template=TemplateFormula(
            "roi", ("in_investment_gains@cum", "in_investment_cost@cum"),
            excel="({gain}-{cost})/{cost}", guard="{cost}>0",
        ),
        unit=Unit.RATIO, direction=Direction.HIGHER,
        frequency=_t("Trimestrielle ou semestrielle, puis annuelle",
                     "Quarterly or half-yearly, then yearly"),
        target=1.0,
        target_text=_t("ROI supérieur à 100 % en 12 mois (nouvel outil CRM)",
                       "ROI above 100 % within 12 months (new CRM tool)"),
        basis="ytd",
        action=_t(
            "Listez tous les coûts (formation, maintenance) et comparez à la mesure de référence "
            "prise avant le projet ; réallouez le budget vers les projets au meilleur ROI.",
            "List every cost (training, maintenance) and compare with the baseline measured "
            "before the project; move budget to the projects with the best ROI.",
        ),
        source="A2 §1",
    ),
    Kpi(
        id="conversion_rate",
        name=_t("Taux de conversion", "Conversion rate"),
        description=_t(
            "Part des visiteurs qui réalisent l'action visée (achat, inscription).",
            "Share of visitors who complete the target action (purchase, sign-up).",
        ),
        formula=_t("Conversions / Visiteurs", "Conversions / Visitors"),
        functions=(
            Function("conversion_rate", "KPI_CONVERSION_RATE", (
                _arg("conversions", "Nombre de conversions", "Number of conversions", Unit.COUNT),
                _arg("visitors", "Nombre total de visiteurs", "Total number of visitors",
                     Unit.COUNT),
            ), _t("Taux de conversion, en fraction", "Conversion rate as a fraction")),
        ),
        template=TemplateFormula(
            "conversion_rate", ("in_conversions", "in_visitors"),
            *_share("conversions", "visitors"),
        ),
        unit=Unit.RATIO, direction=Direction.HIGHER,
        frequency=_t("Hebdomadaire ou mensuelle", "Weekly or monthly"),
        target=0.035,
        target_text=_t("Passer de 2 % à 3,5 % sur les fiches produits clés",
                       "From 2 % to 3.5 % on the key product pages"),
        basis="month",
        action=_t(
            "Repérez dans l'entonnoir où les visiteurs abandonnent, fluidifiez le parcours "
            "mobile et testez (A/B) titre, bouton et visuels des fiches produits clés.",
            "Find where visitors drop out of the funnel, smooth the mobile checkout and A/B "
            "test the title, button and pictures of the key product pages.",
        ),
        source="A1, A2 §2", focus=True,
    ),
    Kpi(
        id="cac",
        name=_t("Coût d'acquisition client (CAC)", "Customer acquisition cost (CAC)"),
        description=_t(
            "Ce que coûte en moyenne l'acquisition d'un nouveau client.",
            "What winning one new customer costs on average.",
        ),
        formula=_t("Coûts ventes et marketing / Nouveaux clients",
                   "Sales and marketing costs / New customers"),
        functions=(
            Function("cac", "KPI_CAC", (
                _arg("costs", "Coûts totaux des ventes et du marketing",
                     "Total sales and marketing costs", Unit.CURRENCY),
                _arg("new_customers", "Nombre de nouveaux clients (> 0)",
                     "Number of new customers (> 0)", Unit.COUNT),
            ), _t("Coût d'acquisition d'un client", "Cost of acquiring one customer")),
        ),
        template=TemplateFormula(
            "cac", ("in_sales_marketing_costs", "in_new_customers"),
            excel="{costs}/{new_customers}", guard="AND({new_customers}>0,{costs}>=0)",
        ),
        unit=Unit.CURRENCY, direction=Direction.LOWER,
        frequency=_t("Mensuelle, trimestrielle pour l'analyse stratégique",
                     "Monthly; quarterly for strategy"),
        target=None,
        target_text=_t("CAC inférieur à 30 % de la valeur vie client (CLV) sur 6 mois",
                       "CAC below 30 % of customer lifetime value (CLV) over 6 months"),
        basis="month",
        action=_t(
            "Comparez le CAC par canal (ex. 50 € sur Google Ads contre 20 € en contenu), "
            "mettez en pause la campagne la plus chère et gardez le CAC sous 30 % de la CLV.",
            "Compare CAC by channel (e.g. 50 EUR on Google Ads against 20 EUR through content), "
            "pause the most expensive campaign and keep CAC under 30 % of CLV.",
        ),
        source="A1, A2 §3", focus=True,
    ),
    Kpi(
        id="clv",
        name=_t("Valeur vie client (CLV)", "Customer lifetime value (CLV)"),
        description=_t(
            "Chiffre d'affaires (ou marge) qu'un client rapporte sur toute la relation.",
            "Revenue (or margin) one customer brings over the whole relationship.",
        ),
        formula=_t("Panier moyen x Achats par an x Durée de la relation (x Marge brute)",
                   "Average order value x Purchases per year x Lifespan (x Gross margin)"),
        functions=(
            Function("clv", "KPI_CLV", (
                _arg("average_order_value", "Valeur moyenne d'un achat",
                     "Average value of a purchase", Unit.CURRENCY),
                _arg("purchase_frequency", "Achats par client et par an",
                     "Purchases per customer per year", Unit.PER_YEAR),
                _arg("lifespan", "Durée moyenne de la relation, en années",
                     "Average length of the relationship, in years", Unit.YEARS),
                _arg("margin", "Taux de marge brute, facultatif (1 = CA)",
                     "Gross margin rate, optional (1 = revenue)", Unit.RATIO, default=1.0),
            ), _t("Valeur vie client", "Customer lifetime value")),
        ),
        template=TemplateFormula(
            "clv", ("in_average_order_value", "in_purchase_frequency", "in_customer_lifespan",
                    "in_gross_margin"),
            excel="{average_order_value}*{purchase_frequency}*{lifespan}*{margin}",
            guard="AND({average_order_value}>=0,{purchase_frequency}>=0,{lifespan}>=0,"
                  "{margin}>=0,{margin}<=1)",
        ),
        unit=Unit.CURRENCY, direction=Direction.HIGHER,
        frequency=_t("Trimestrielle", "Quarterly"),
        target=None,
        target_text=_t("Au moins 3 fois le CAC", "At least 3 times the CAC"),
        basis="month",
        action=_t(
            "Travaillez la fidélisation des segments les plus rentables : programme de "
            "fidélité, e-mails de réachat, montée en gamme du panier.",
            "Work on the loyalty of the most profitable segments: loyalty programme, "
            "repeat-purchase e-mails, larger baskets.",
        ),
        source="A1",
    ),
    Kpi(
        id="clv_cac_ratio",
        name=_t("Ratio CLV / CAC", "CLV to CAC ratio"),
        description=_t(
            "Combien de fois un client rapporte ce qu'il a coûté à acquérir.",
            "How many times a customer pays back what it cost to acquire.",
        ),
        formula=_t("CLV / CAC", "CLV / CAC"),
        functions=(
            Function("clv_cac_ratio", "KPI_CLV_CAC_RATIO", (
                _arg("clv", "Valeur vie client", "Customer lifetime value", Unit.CURRENCY),
                _arg("cac", "Coût d'acquisition client (> 0)", "Customer acquisition cost (> 0)",
                     Unit.CURRENCY),
            ), _t("Ratio CLV / CAC (objectif 3)", "CLV to CAC ratio (target 3)")),
        ),
        template=TemplateFormula(
            "clv_cac_ratio", ("kpi_clv", "kpi_cac"),
            excel="{clv}/{cac}", guard="AND({cac}>0,{clv}>=0)",
        ),
        unit=Unit.MULTIPLE, direction=Direction.HIGHER,
        frequency=_t("Mensuelle", "Monthly"),
        target=3.0,
        target_text=_t("Ratio 3:1 : le client rapporte 3 fois son coût d'acquisition "
                       "(CAC sous 30 % de la CLV)",
                       "3:1: a customer brings 3 times its acquisition cost "
                       "(CAC under 30 % of CLV)"),
        basis="month",
        action=_t(
            "Sous 3:1, n'accélérez pas l'acquisition : baissez le CAC (canaux les moins chers) "
            "ou augmentez la CLV (panier moyen, réachat, rétention).",
            "Below 3:1, do not speed up acquisition: lower CAC (cheapest channels) or raise "
            "CLV (basket size, repeat purchases, retention).",
        ),
        source="A1, A2 §3",
    ),
    Kpi(
        id="revenue_growth",
        name=_t("Croissance du chiffre d'affaires", "Revenue growth"),
        description=_t(
            "Évolution du CA d'une période à l'autre (mois sur mois ; en cumul annuel, "
            "par rapport aux mêmes mois de N-1).",
            "Change of revenue from one period to the next (month on month; year to date, "
            "against the same months last year).",
        ),
        formula=_t("(CA période N - CA période N-1) / CA période N-1",
                   "(Revenue this period - previous period) / previous period"),
        functions=(
            Function("revenue_growth", "KPI_REVENUE_GROWTH", (
                _arg("current", "CA de la période", "Revenue of the period", Unit.CURRENCY),
                _arg("previous", "CA de la période précédente (> 0)",
                     "Revenue of the previous period (> 0)", Unit.CURRENCY),
            ), _t("Taux de croissance du CA, en fraction", "Revenue growth as a fraction")),
        ),
        template=TemplateFormula(
            "revenue_growth", ("in_revenue", "in_revenue@prev"),
            excel="({current}-{previous})/{previous}", guard="{previous}>0",
            ytd=("in_revenue:sum_where=in_revenue_prev_year",
                 "in_revenue_prev_year:sum_where=in_revenue"),
        ),
        unit=Unit.RATIO, direction=Direction.HIGHER,
        frequency=_t("Mensuelle, trimestrielle et annuelle", "Monthly, quarterly and yearly"),
        target=0.20,
        target_text=_t("+20 % de CA sur l'année fiscale", "+20 % revenue over the fiscal year"),
        basis="ytd",
        action=_t(
            "Segmentez le CA par produit, service et canal pour trouver ce qui freine, "
            "et réallouez les ressources vers les moteurs de croissance.",
            "Split revenue by product, service and channel to find what holds it back, "
            "and move resources to the growth drivers.",
        ),
        source="A2 §4", focus=True,
    ),
    Kpi(
        id="retention_rate",
        name=_t("Taux de rétention client", "Customer retention rate"),
        description=_t(
            "Part des clients du début de période encore clients à la fin.",
            "Share of the customers at the start of a period still customers at its end.",
        ),
        formula=_t("(Clients fin - Nouveaux clients) / Clients début",
                   "(Customers at end - New customers) / Customers at start"),
        functions=(
            Function("retention_rate", "KPI_RETENTION_RATE", (
                _arg("customers_end", "Clients en fin de période", "Customers at end of period",
                     Unit.COUNT),
                _arg("new_customers", "Nouveaux clients de la période",
                     "New customers during the period", Unit.COUNT),
                _arg("customers_start", "Clients en début de période (> 0)",
                     "Customers at start of period (> 0)", Unit.COUNT),
            ), _t("Taux de rétention, en fraction", "Retention rate as a fraction")),
        ),
        template=TemplateFormula(
            "retention_rate", ("in_customers_end", "in_new_customers", "in_customers_start"),
            excel="({customers_end}-{new_customers})/{customers_start}",
            guard="AND({customers_start}>0,{new_customers}>=0,"
                  "{customers_end}>={new_customers})",
        ),
        unit=Unit.RATIO, direction=Direction.HIGHER,
        frequency=_t("Mensuelle (abonnements), trimestrielle (e-commerce, services)",
                     "Monthly (subscriptions), quarterly (e-commerce, services)"),
        target=0.50,
        target_text=_t("Rétention annuelle de 35 % à 50 % (programme de fidélité e-commerce)",
                       "Yearly retention from 35 % to 50 % (e-commerce loyalty programme)"),
        basis="ytd",
        action=_t(
            "Soignez l'onboarding (e-mail de bienvenue, conseils d'utilisation), interrogez les "
            "clients partis (NPS, motifs) et lancez une action de fidélisation.",
            "Improve onboarding (welcome e-mail, usage tips), ask customers who left why "
            "(NPS, reasons) and launch a loyalty action.",
        ),
        source="A1, A2 §5", focus=True,
    ),
    Kpi(
        id="net_margin",
        name=_t("Marge nette", "Net profit margin"),
        description=_t(
            "Part du chiffre d'affaires qui reste en bénéfice après toutes les charges.",
            "Share of revenue left as profit after every expense.",
        ),
        formula=_t("Bénéfice net / Chiffre d'affaires", "Net profit / Revenue"),
        functions=(
            Function("net_margin", "KPI_NET_MARGIN", (
                _arg("net_profit", "Bénéfice net", "Net profit", Unit.CURRENCY),
                _arg("revenue", "Chiffre d'affaires (> 0)", "Revenue (> 0)", Unit.CURRENCY),
            ), _t("Marge nette, en fraction", "Net margin as a fraction")),
        ),
        template=TemplateFormula(
            "net_margin", ("in_net_profit", "in_revenue"),
            excel="{net_profit}/{revenue}", guard="{revenue}>0",
        ),
        unit=Unit.RATIO, direction=Direction.HIGHER,
        frequency=_t("Mensuelle et trimestrielle", "Monthly and quarterly"),
        target=0.12,
        target_text=_t("Passer de 8 % à 12 % en un an", "From 8 % to 12 % within a year"),
        basis="ytd",
        action=_t(
            "Analysez la rentabilité par produit et les coûts opérationnels : renégociez les "
            "contrats fournisseurs, revoyez vos prix, automatisez la logistique.",
            "Check profitability by product and operating costs: renegotiate supplier "
            "contracts, review prices, automate logistics.",
        ),
        source="A1, A2 §6", focus=True,
    ),
    Kpi(
        id="engagement_rate",
        name=_t("Taux d'engagement", "Engagement rate"),
        description=_t(
            "Part des sessions engagées (ou des utilisateurs actifs) sur le total.",
            "Share of engaged sessions (or of active users) in the total.",
        ),
        formula=_t("Sessions engagées / Sessions", "Engaged sessions / Sessions"),
        functions=(
            Function("engagement_rate", "KPI_ENGAGEMENT_RATE", (
                _arg("engaged", "Sessions engagées (ou utilisateurs actifs)",
                     "Engaged sessions (or active users)", Unit.COUNT),
                _arg("total", "Sessions (ou utilisateurs) au total",
                     "Total sessions (or users)", Unit.COUNT),
            ), _t("Taux d'engagement, en fraction", "Engagement rate as a fraction")),
        ),
        template=TemplateFormula(
            "engagement_rate", ("in_engaged_sessions", "in_sessions"),
            *_share("engaged", "total"),
        ),
        unit=Unit.RATIO, direction=Direction.HIGHER,
        frequency=_t("Hebdomadaire ou mensuelle", "Weekly or monthly"),
        target=0.60,
        target_text=_t(
            "L'article vise +25 % de durée de session et 4 pages par session ; kpi_xl propose "
            "60 % de sessions engagées (à ajuster)",
            "The article aims at +25 % session time and 4 pages per session; kpi_xl suggests "
            "60 % engaged sessions (adjust it)",
        ),
        basis="month",
        action=_t(
            "Regardez les cartes de chaleur et enregistrements de session pour comprendre les "
            "zones ignorées, puis simplifiez la navigation et le contenu.",
            "Use heatmaps and session recordings to see which areas are ignored, then "
            "simplify navigation and content.",
        ),
        source="A2 §7",
    ),
    Kpi(
        id="payback_period",
        name=_t("Délai de retour sur investissement", "Payback period"),
        description=_t(
            "Temps nécessaire pour que les flux générés remboursent l'investissement.",
            "Time the cash flows of a project take to pay back its cost.",
        ),
        formula=_t("Coût de l'investissement / Flux de trésorerie moyen par période",
                   "Investment cost / Average cash flow per period"),
        functions=(
            Function("payback_period", "KPI_PAYBACK", (
                _arg("initial_cost", "Coût de l'investissement initial",
                     "Initial investment cost", Unit.CURRENCY),
                _arg("cash_flows", "Flux moyen par période, ou la plage des flux de chaque "
                     "période", "Average cash flow per period, or the range of each period's "
                     "cash flows", Unit.CURRENCY, is_range=True),
                _arg("rate", "Taux d'actualisation par période, facultatif",
                     "Discount rate per period, optional", Unit.RATIO, default=0.0),
            ), _t("Délai de récupération, en périodes", "Payback period, in periods")),
        ),
        template=TemplateFormula(
            "payback_period", ("in_investment_cost@cum", "in_investment_gains@avg"),
            excel="{initial_cost}/{cash_flows}", guard="AND({initial_cost}>=0,{cash_flows}>0)",
            ytd=("in_investment_cost:sum", "in_investment_gains:mean"),
        ),
        unit=Unit.PERIODS, direction=Direction.LOWER,
        frequency=_t("Mensuelle ou trimestrielle pendant la récupération, puis annuelle",
                     "Monthly or quarterly while recovering, then yearly"),
        target=24.0,
        target_text=_t("Moins de 2 ans (24 mois) pour les projets digitaux stratégiques",
                       "Under 2 years (24 months) for strategic digital projects"),
        basis="ytd",
        action=_t(
            "Délai trop long : phasez le projet ou réduisez son coût initial, et vérifiez "
            "le ROI et la VAN avant de l'engager.",
            "Too long: split the project into phases or cut its initial cost, and check ROI "
            "and NPV before committing.",
        ),
        source="A2 §8",
    ),
    Kpi(
        id="nps",
        name=_t("Net Promoter Score (NPS)", "Net Promoter Score (NPS)"),
        description=_t(
            "Probabilité de recommandation : % de promoteurs (9-10) moins % de détracteurs (0-6).",
            "Likelihood to recommend: % promoters (9-10) minus % detractors (0-6).",
        ),
        formula=_t("% de promoteurs - % de détracteurs", "% promoters - % detractors"),
        functions=(
            Function("nps", "KPI_NPS", (
                _arg("scores",
                     "Réponses de 0 à 10. Lite/Server dans Excel Windows lit un vide comme 0 : "
                     'FILTRE(B2:B500;B2:B500<>"") ou NPS_COUNTS',
                     "0-10 answers. Lite/Server in Excel for Windows reads a blank as 0: "
                     'FILTER(B2:B500,B2:B500<>"") or NPS_COUNTS',
                     Unit.COUNT, is_range=True),
            ), _t("NPS de -100 à +100 à partir des réponses",
                  "NPS from -100 to +100 from raw answers")),
            Function("nps_from_counts", "KPI_NPS_COUNTS", (
                _arg("promoters", "Nombre de promoteurs (9-10)", "Number of promoters (9-10)",
                     Unit.COUNT),
                _arg("passives", "Nombre de passifs (7-8)", "Number of passives (7-8)",
                     Unit.COUNT),
                _arg("detractors", "Nombre de détracteurs (0-6)", "Number of detractors (0-6)",
                     Unit.COUNT),
            ), _t("NPS de -100 à +100 à partir des effectifs",
                  "NPS from -100 to +100 from the counts")),
        ),
        template=TemplateFormula(
            "nps_from_counts", ("in_nps_promoters", "in_nps_passives", "in_nps_detractors"),
            excel="100*({promoters}-{detractors})/({promoters}+{passives}+{detractors})",
            guard="AND({promoters}>=0,{passives}>=0,{detractors}>=0,"
                  "{promoters}+{passives}+{detractors}>0)",
        ),
        unit=Unit.POINTS, direction=Direction.HIGHER,
        frequency=_t("Trimestrielle, ou après les interactions clés",
                     "Quarterly, or after key interactions"),
        target=45.0,
        target_text=_t("Passer de 30 à 45 en 6 mois (livraison, service client)",
                       "From 30 to 45 within 6 months (delivery, customer service)"),
        basis="ytd",
        action=_t(
            "Lisez les commentaires des détracteurs pour trouver les points faibles (livraison, "
            "service client) et corrigez-les en priorité ; valorisez ceux des promoteurs.",
            "Read the detractors' comments to find the weak points (delivery, customer "
            "service) and fix them first; use the promoters' words in your marketing.",
        ),
        source="A2 §9",
    ),
    Kpi(
        id="automation_rate",
        name=_t("Taux d'automatisation", "Automation rate"),
        description=_t(
            "Part des processus éligibles réalisés sans intervention humaine.",
            "Share of eligible processes that run without human intervention.",
        ),
        formula=_t("Processus automatisés / Processus éligibles",
                   "Automated processes / Eligible processes"),
        functions=(
            Function("automation_rate", "KPI_AUTOMATION_RATE", (
                _arg("automated", "Processus automatisés", "Automated processes", Unit.COUNT),
                _arg("eligible", "Processus éligibles (> 0)", "Eligible processes (> 0)",
                     Unit.COUNT),
            ), _t("Taux d'automatisation, en fraction", "Automation rate as a fraction")),
        ),
        template=TemplateFormula(
            "automation_rate", ("in_processes_automated", "in_processes_eligible"),
            *_share("automated", "eligible"),
        ),
        unit=Unit.RATIO, direction=Direction.HIGHER,
        frequency=_t("Mensuelle (processus clés), trimestrielle (vision globale)",
                     "Monthly (key processes), quarterly (overall)"),
        target=0.80,
        target_text=_t("80 % d'automatisation du cycle de facturation en 6 mois",
                       "80 % of the invoicing cycle automated within 6 months"),
        basis="month",
        action=_t(
            "Automatisez d'abord les tâches simples à fort volume (saisie, rapports, "
            "facturation) avec des outils sans code ; ne visez pas 100 %.",
            "Automate simple, high-volume tasks first (data entry, reports, invoicing) with "
            "no-code tools; do not aim for 100 %.",
        ),
        source="A2 §10",
    ),
    # From the FEC's accounts (docs/importers.md "What the accounts say").
    Kpi(
        id="ebe_margin",
        name=_t("Taux d'EBE", "EBITDA margin (EBE)"),
        description=_t(
            "Part du chiffre d'affaires que l'exploitation dégage avant amortissements, "
            "frais financiers et impôts : la rentabilité du métier lui-même.",
            "Share of revenue the business itself earns before depreciation, interest and "
            "taxes: the profitability of the trade.",
        ),
        formula=_t("EBE / Chiffre d'affaires HT", "EBITDA (EBE) / Revenue excl. VAT"),
        functions=(
            Function("ebe_margin", "KPI_EBE_MARGIN", (
                _arg("ebe", "Excédent brut d'exploitation", "EBITDA (excédent brut d'exploitation)",
                     Unit.CURRENCY),
                _arg("revenue", "Chiffre d'affaires HT (> 0)", "Revenue excl. VAT (> 0)",
                     Unit.CURRENCY),
            ), _t("Taux d'EBE, en fraction", "EBITDA margin as a fraction")),
        ),
        template=TemplateFormula(
            "ebe_margin", ("in_ebe", "in_revenue"), excel="{ebe}/{revenue}", guard="{revenue}>0",
        ),
        unit=Unit.RATIO, direction=Direction.HIGHER,
        frequency=_t("Mensuelle, en cumul de l'exercice", "Monthly, year to date"),
        target=0.10,
        target_text=_t(
            "Suggestion de kpi_xl : 10 % (les articles n'en donnent pas ; comparez à votre "
            "secteur)",
            "kpi_xl's suggestion: 10 % (the articles give none; compare with your trade)",
        ),
        basis="ytd",
        action=_t(
            "Repérez dans la cascade la ligne qui décroche (achats, charges externes, "
            "personnel) et comparez-la à N-1 ; revoyez vos prix avant de couper les coûts.",
            "Find in the cascade the line that slipped (purchases, external charges, "
            "personnel) and compare it with last year; review prices before cutting costs.",
        ),
        source="PCG",
    ),
    Kpi(
        id="dso",
        name=_t("Délai de paiement clients (DSO)", "Days sales outstanding (DSO)"),
        description=_t(
            "Nombre de jours de ventes que les clients doivent encore : le temps moyen "
            "d'encaissement.",
            "How many days of sales customers still owe: the average time to get paid.",
        ),
        formula=_t(
            "Créances clients (411) / CA TTC de l'exercice à date x jours de cette période "
            "(30 par mois)",
            "Receivables (411) / revenue incl. VAT of the year to date x days of that period "
            "(30 a month)",
        ),
        functions=(
            Function("dso", "KPI_DSO", (
                _arg("receivables", "Créances clients TTC en fin de période",
                     "Receivables incl. VAT at the end of the period", Unit.CURRENCY),
                _arg("sales", "Ventes TTC de la période (> 0)",
                     "Sales incl. VAT of the period (> 0)", Unit.CURRENCY),
                _arg("days", "Jours de la période, facultatif (30 : un mois)",
                     "Days of the period, optional (30: one month)", Unit.DAYS, default=30.0),
            ), _t("Délai clients, en jours", "Days sales outstanding, in days")),
        ),
        template=TemplateFormula(
            "dso", ("in_receivables", "in_revenue_incl_vat@avg"),
            excel="{receivables}/{sales}*{days}", guard="AND({sales}>0,{days}>0)",
        ),
        unit=Unit.DAYS, direction=Direction.LOWER,
        frequency=_t("Mensuelle", "Monthly"),
        target=60.0,
        target_text=_t(
            "Suggestion de kpi_xl : 60 jours au plus, le plafond légal des délais de paiement "
            "entre entreprises",
            "kpi_xl's suggestion: 60 days at most, the legal ceiling of payment terms between "
            "French businesses",
        ),
        basis="month",
        action=_t(
            "Relancez les factures échues dès le premier jour de retard, facturez à la "
            "livraison, demandez un acompte et rappelez les pénalités de retard légales.",
            "Chase overdue invoices from the first day, invoice on delivery, ask for a "
            "deposit and state the legal late-payment penalties.",
        ),
        source="PCG, L441-10",
    ),
    Kpi(
        id="dpo",
        name=_t("Délai de paiement fournisseurs (DPO)", "Days payable outstanding (DPO)"),
        description=_t(
            "Nombre de jours d'achats que l'entreprise doit encore à ses fournisseurs.",
            "How many days of purchases the business still owes its suppliers.",
        ),
        formula=_t(
            "Dettes fournisseurs (401) / achats et charges externes TTC de l'exercice à date "
            "x jours de cette période (30 par mois)",
            "Payables (401) / purchases and external charges incl. VAT of the year to date "
            "x days of that period (30 a month)",
        ),
        functions=(
            Function("dpo", "KPI_DPO", (
                _arg("payables", "Dettes fournisseurs TTC en fin de période",
                     "Payables incl. VAT at the end of the period", Unit.CURRENCY),
                _arg("purchases", "Achats TTC de la période (> 0)",
                     "Purchases incl. VAT of the period (> 0)", Unit.CURRENCY),
                _arg("days", "Jours de la période, facultatif (30 : un mois)",
                     "Days of the period, optional (30: one month)", Unit.DAYS, default=30.0),
            ), _t("Délai fournisseurs, en jours", "Days payable outstanding, in days")),
        ),
        template=TemplateFormula(
            "dpo", ("in_payables", "in_purchases_incl_vat@avg"),
            excel="{payables}/{purchases}*{days}", guard="AND({purchases}>0,{days}>0)",
        ),
        unit=Unit.DAYS, direction=Direction.LOWER,
        frequency=_t("Mensuelle", "Monthly"),
        target=60.0,
        target_text=_t(
            "Suggestion de kpi_xl : 60 jours au plus, le plafond légal (au-delà : amendes)",
            "kpi_xl's suggestion: 60 days at most, the legal ceiling (beyond it: fines)",
        ),
        basis="month",
        action=_t(
            "Au-delà de 60 jours vous risquez une amende : payez les échues, puis négociez "
            "des délais qui suivent vos encaissements (DSO) plutôt que de les dépasser.",
            "Beyond 60 days you risk a fine: pay what is due, then negotiate terms that "
            "follow your own collection time (DSO) instead of overrunning them.",
        ),
        source="PCG, L441-10",
    ),
    Kpi(
        id="runway",
        name=_t("Autonomie de trésorerie", "Cash runway"),
        description=_t(
            "Nombre de mois que la trésorerie couvre au rythme moyen de consommation de "
            "l'exercice ; vide quand la trésorerie augmente.",
            "How many months the cash lasts at the year's average burn; blank while cash grows.",
        ),
        formula=_t(
            "Trésorerie fin de mois / - variation moyenne mensuelle de l'exercice à date "
            "(si elle est négative)",
            "Cash at month end / - average monthly net cash flow of the year to date "
            "(when negative)",
        ),
        functions=(
            Function("runway", "KPI_RUNWAY", (
                _arg("cash", "Trésorerie disponible", "Cash available", Unit.CURRENCY),
                _arg("net_cash_flow", "Variation moyenne de trésorerie par mois (< 0)",
                     "Average net cash flow per month (< 0)", Unit.CURRENCY),
            ), _t("Autonomie de trésorerie, en mois", "Cash runway, in months")),
        ),
        template=TemplateFormula(
            "runway", ("in_cash", "in_net_cash_flow@avg"),
            excel="MAX({cash},0)/-{net_cash_flow}", guard="{net_cash_flow}<0",
        ),
        unit=Unit.PERIODS, direction=Direction.HIGHER,
        frequency=_t("Mensuelle", "Monthly"),
        target=6.0,
        target_text=_t(
            "Suggestion de kpi_xl : 6 mois au moins, le temps de réagir",
            "kpi_xl's suggestion: at least 6 months, the time to react",
        ),
        basis="month",
        action=_t(
            "Encaissez plus vite (DSO), décalez les investissements, parlez tôt à votre "
            "banquier (découvert, prêt) et chiffrez le mois où la trésorerie s'épuise.",
            "Collect faster (DSO), postpone investments, talk to your banker early "
            "(overdraft, loan) and work out the month the cash runs out.",
        ),
        source="PCG",
    ),
    Kpi(
        id="working_capital",
        name=_t("Besoin en fonds de roulement (BFR)", "Working capital need"),
        description=_t(
            "Argent immobilisé par le cycle d'exploitation : stocks et créances clients "
            "moins dettes fournisseurs (version simplifiée).",
            "Cash tied up in the operating cycle: stocks and receivables minus payables "
            "(simplified).",
        ),
        formula=_t("Créances clients + stocks - dettes fournisseurs",
                   "Receivables + inventory - payables"),
        functions=(
            Function("working_capital", "KPI_WORKING_CAPITAL", (
                _arg("receivables", "Créances clients (411)", "Receivables (411)",
                     Unit.CURRENCY),
                _arg("inventory", "Stocks (3)", "Inventory (3)", Unit.CURRENCY),
                _arg("payables", "Dettes fournisseurs (401)", "Payables (401)", Unit.CURRENCY),
            ), _t("BFR simplifié, en devise", "Simplified working capital need, in currency")),
        ),
        template=TemplateFormula(
            "working_capital", ("in_receivables", "in_inventory", "in_payables"),
            excel="{receivables}+{inventory}-{payables}", guard="TRUE",
        ),
        unit=Unit.CURRENCY, direction=Direction.LOWER,
        frequency=_t("Mensuelle", "Monthly"),
        target=None,
        target_text=_t(
            "Aucun montant universel : suivez-le face au CA, il ne doit pas croître plus vite",
            "No universal amount: watch it against revenue, it must not grow faster",
        ),
        basis="month",
        action=_t(
            "Un BFR qui gonfle absorbe la trésorerie : réduisez le DSO, écoulez les stocks "
            "dormants et alignez vos délais fournisseurs sur vos délais clients.",
            "A growing working capital need drains cash: cut the DSO, clear slow stock and "
            "align supplier terms with customer terms.",
        ),
        source="PCG",
    ),
    Kpi(
        id="personnel_share",
        name=_t("Poids des charges de personnel", "Personnel costs to revenue"),
        description=_t(
            "Part du chiffre d'affaires consacrée aux salaires et charges sociales.",
            "Share of revenue spent on salaries and social charges.",
        ),
        formula=_t("Charges de personnel (64) / Chiffre d'affaires HT",
                   "Personnel costs (64) / Revenue excl. VAT"),
        functions=(
            Function("personnel_share", "KPI_PERSONNEL_SHARE", (
                _arg("personnel_costs", "Charges de personnel", "Personnel costs",
                     Unit.CURRENCY),
                _arg("revenue", "Chiffre d'affaires HT (> 0)", "Revenue excl. VAT (> 0)",
                     Unit.CURRENCY),
            ), _t("Poids du personnel dans le CA, en fraction",
                  "Personnel costs to revenue as a fraction")),
        ),
        template=TemplateFormula(
            "personnel_share", ("in_personnel_costs", "in_revenue"),
            excel="{personnel_costs}/{revenue}", guard="{revenue}>0",
        ),
        unit=Unit.RATIO, direction=Direction.LOWER,
        frequency=_t("Mensuelle, en cumul de l'exercice", "Monthly, year to date"),
        target=None,
        target_text=_t(
            "Aucun taux universel : comparez au ratio de votre secteur et à N-1",
            "No universal rate: compare with your trade's ratio and with last year",
        ),
        basis="ytd",
        action=_t(
            "Si le poids monte sans hausse d'activité, revoyez l'organisation (heures "
            "supplémentaires, intérim) et le prix de vente de vos heures.",
            "If the share rises without more business, review the organisation (overtime, "
            "temps) and the price of your hours.",
        ),
        source="PCG",
    ),
)  # fmt: skip

_BY_ID = {k.id: k for k in KPIS}
_INPUTS_BY_ID = {i.id: i for i in INPUTS}


def get(kpi: str) -> Kpi:
    """The catalog entry of a KPI by id (``"roi"``), Excel name (``"KPI_ROI"``) or name.

    >>> get("KPI_NPS").id
    'nps'
    >>> get("Net profit margin").id
    'net_margin'
    >>> get("EBITDA")
    Traceback (most recent call last):
    ...
    KeyError: "unknown KPI 'EBITDA'; known: roi, conversion_rate, cac, clv, clv_cac_ratio, revenue_growth, retention_rate, net_margin, engagement_rate, payback_period, nps, automation_rate, ebe_margin, dso, dpo, runway, working_capital, personnel_share"
    """
    key = kpi.strip()
    low = key.lower().removeprefix("kpi_").removeprefix("kpi.").replace(" ", "_")
    if low in _BY_ID:
        return _BY_ID[low]
    for k in KPIS:
        names = {f.excel_name.lower() for f in k.functions} | {k.name.fr.lower(), k.name.en.lower()}
        if key.lower() in names:
            return k
    raise KeyError(f"unknown KPI {kpi!r}; known: {', '.join(_BY_ID)}")


def get_input(input_id: str) -> Input:
    """The catalog entry of a monthly input by id (``"revenue"``) or name ``in_revenue``."""
    return _INPUTS_BY_ID[input_id.removeprefix("in_")]


def functions() -> Iterator[tuple[Kpi, Function]]:
    """Every calculation function with its KPI, in catalog order."""
    for k in KPIS:
        for f in k.functions:
            yield k, f


def focus_kpis() -> tuple[Kpi, ...]:
    """The default dashboard KPIs (the articles advise 3 to 5)."""
    return tuple(k for k in KPIS if k.focus)


def status(
    value: float,
    target: float,
    direction: Direction | str,
    tolerance: float = STATUS_TOLERANCE,
) -> Status:
    """Traffic light of ``value`` against ``target``.

    Higher is better: on track when ``value >= target``; watch when it is
    within ``tolerance`` x ``|target|`` below; off track otherwise.  Lower is
    better: the mirror image.  With the default tolerance of 10 %, a
    conversion rate of 3.2 % against 3.5 % is on watch, 3.1 % is off track.

    >>> status(0.032, 0.035, "higher").value
    'watch'
    >>> status(0.031, 0.035, "higher").value
    'off_track'
    >>> status(20, 24, "lower").value
    'on_track'
    """
    if isinstance(value, bool) or isinstance(target, bool):
        raise TypeError("status() takes numbers, not booleans")
    v, t = float(value), float(target)
    if math.isnan(v) or math.isnan(t):
        raise KpiValueError("value" if math.isnan(v) else "target", "is missing (NaN)")
    band = abs(t) * tolerance
    if Direction(direction) is Direction.LOWER:
        v, t = -v, -t
    if v >= t:
        return Status.ON_TRACK
    if v >= t - band:
        return Status.WATCH
    return Status.OFF_TRACK


def kpi_status(kpi: str, value: float, target: float | None = None) -> Status:
    """Traffic light of a KPI value against ``target`` (default: the catalog's target)."""
    entry = get(kpi)
    goal = entry.target if target is None else target
    if goal is None:
        raise KpiValueError("target", f"{entry.id} has no default target; give one")
    return status(value, goal, entry.direction)
