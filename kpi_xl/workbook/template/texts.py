"""The words of the template workbooks, in French and English.

Only the template's own interface lives here (sheet names, headers, the
how-to, validation messages).  Every KPI fact (names, formulas, targets,
advice) is read from :mod:`kpi_xl.catalog`, never written here.
"""

from __future__ import annotations

from kpi_xl.catalog import NPS_DETRACTOR_MAX, NPS_PROMOTER_MIN, STATUS_TOLERANCE, Text, Unit

_BAND = f"{100 * STATUS_TOLERANCE:g} %"

SHEET_HOWTO = Text("Mode d'emploi", "How to")
SHEET_DASHBOARD = Text("Tableau de bord", "Dashboard")
SHEET_SETTINGS = Text("Paramètres", "Settings")
SHEET_INPUTS = Text("Saisies", "Inputs")
SHEET_KPIS = Text("Indicateurs", "KPIs")
SHEET_COMMENTS = Text("Avis clients", "Customer comments")
SHEET_ACCOUNTS = Text("Comptes", "Accounts")

TITLE = Text("Suivi mensuel des KPI", "Monthly KPI tracking")

HOWTO_LINES: tuple[tuple[Text, Text], ...] = (
    (
        Text("1. Paramètres", "1. Settings"),
        Text(
            "Saisissez le nom de l'entreprise et le premier jour de l'exercice ; ajustez les "
            "objectifs et choisissez les 5 indicateurs du tableau de bord.",
            "Type the company name and the first day of the fiscal year; adjust the targets "
            "and pick the 5 KPIs of the dashboard.",
        ),
    ),
    (
        Text("2. Saisies", "2. Inputs"),
        Text(
            "Chaque mois, remplissez la colonne du mois (chiffres HT). Laissez vide ce que "
            "vous ne suivez pas : l'indicateur correspondant reste vide.",
            "Each month, fill in the month's column (figures excl. VAT). Leave blank what you "
            "do not track: the KPIs that need it stay empty.",
        ),
    ),
    (
        Text("3. Indicateurs", "3. KPIs"),
        Text(
            "Tout est calculé par des formules Excel natives : mois par mois, cumul de "
            "l'exercice, écart à l'objectif et action conseillée.",
            "Everything is computed with native Excel formulas: month by month, year to date, "
            "gap to target and the advised action.",
        ),
    ),
    (
        Text("4. Tableau de bord", "4. Dashboard"),
        Text(
            "Une page A4 paysage à lire en une minute : valeur, objectif, feu tricolore, "
            "évolution, tendance et action pour vos 5 indicateurs clés.",
            "One A4 landscape page to read in a minute: value, target, traffic light, change, "
            "trend and action for your 5 key KPIs.",
        ),
    ),
    (
        Text("5. Avis clients", "5. Customer comments"),
        Text(
            "Les derniers commentaires NPS des détracteurs et des promoteurs de l'exercice "
            "(remplis par kpi-xl depuis vos enquêtes) : ce qu'il faut corriger, ce qu'il faut "
            "mettre en avant.",
            "The fiscal year's latest NPS comments of detractors and promoters (filled by "
            "kpi-xl from your surveys): what to fix, what to highlight.",
        ),
    ),
    (
        Text("6. Comptes", "6. Accounts"),
        Text(
            "Ce que dit la comptabilité (FEC) : soldes intermédiaires de gestion de l'exercice "
            "à date face à N-1, charges par nature, trésorerie, délais clients et fournisseurs.",
            "What the books (FEC) say: the intermediate balances of the year to date against "
            "last year, costs by nature, cash, customer and supplier payment delays.",
        ),
    ),
    (
        Text("Remplissage automatique", "Automatic filling"),
        Text(
            "kpi-xl fill --from exports/ --out rapport.xlsx remplit ce classeur depuis vos "
            "exports (FEC, commandes, audience). Il travaille par noms définis (in_revenue, "
            "months...) : ne les supprimez pas.",
            "kpi-xl fill --from exports/ --out report.xlsx fills this workbook from your "
            "exports (FEC, orders, analytics). It works by defined names (in_revenue, "
            "months...): do not delete them.",
        ),
    ),
    (
        Text("Feux tricolores", "Traffic lights"),
        Text(
            f"Vert : objectif atteint. Orange : à moins de {_BAND} de l'objectif. Rouge : au-delà. "
            "Vide : données ou objectif manquants.",
            f"Green: target met. Amber: within {_BAND} of the target. Red: further away. "
            "Blank: data or target missing.",
        ),
    ),
)

# Sheet headers.
COL_INPUT = Text("Saisie mensuelle", "Monthly input")
COL_UNIT = Text("Unité", "Unit")
COL_HELP = Text("Aide", "Help")
COL_KPI = Text("Indicateur", "KPI")
COL_FORMULA = Text("Formule", "Formula")
COL_BETTER = Text("Mieux", "Better")
COL_YTD = Text("Cumul exercice", "Year to date")
COL_TARGET = Text("Objectif", "Target")
COL_VALUE = Text("Valeur suivie", "Tracked value")
COL_CHANGE = Text("Évol. vs mois préc.", "Change vs prev. month")
COL_STATUS = Text("Statut", "Status")
COL_ACTION = Text("Action conseillée", "Advised action")
COL_FREQUENCY = Text("Fréquence de suivi", "Tracking frequency")
COL_TARGET_NOTE = Text("Objectif type (source)", "Typical goal (source)")
COL_BASIS = Text("Comparé sur", "Compared on")
BASIS = {
    "month": Text("dernier mois", "latest month"),
    "ytd": Text("cumul exercice", "year to date"),
}

INPUTS_HINT = Text(
    "Une colonne par mois, montants HT. Cellules vides = non suivi. Ne supprimez pas de "
    "lignes : les formules lisent les noms définis in_… de ce bloc.",
    "One column per month, amounts excl. VAT. Blank cells = not tracked. Do not delete rows: "
    "the formulas read the in_… defined names of this block.",
)
KPIS_HINT = Text(
    "Calculé automatiquement : ne saisissez rien ici. Une cellule vide signifie donnée "
    "manquante ou indicateur non défini (division par zéro, chiffres incohérents).",
    "Computed automatically: type nothing here. An empty cell means missing data or an "
    "undefined KPI (division by zero, inconsistent figures).",
)

# Settings sheet.
SET_GENERAL = Text("Général", "General")
SET_COMPANY = Text("Entreprise", "Company")
SET_FY_START = Text("Début de l'exercice", "Fiscal year start")
SET_CURRENCY = Text("Devise", "Currency")
SET_LANG = Text("Langue du classeur", "Workbook language")
SET_TARGETS = Text("Objectifs (modifiables)", "Targets (editable)")
SET_FOCUS = Text("Indicateurs du tableau de bord (3 à 5)", "Dashboard KPIs (3 to 5)")
SET_FOCUS_SLOT = Text("Position", "Slot")
SET_CLIENT_ID = Text("Client (SIREN)", "Client (SIREN)")
SET_COMPANY_HINT = Text("Nom affiché en tête du tableau de bord", "Shown on top of the dashboard")
SET_FY_HINT = Text(
    "Premier jour du premier mois ; les colonnes des mois en découlent",
    "First day of the first month; the month columns follow from it",
)
SET_CURRENCY_HINT = Text("Code ISO (EUR)", "ISO code (EUR)")
SET_LANG_HINT = Text("fr ou en : langue des libellés (ne pas modifier)", "fr or en: language of the labels (do not change)")  # fmt: skip
SET_FOCUS_HINT = Text(
    "Choisissez dans la liste ; laissez vide pour masquer une ligne",
    "Pick from the list; leave blank to hide a line",
)
NO_TARGET = Text("Pas d'objectif par défaut : saisissez le vôtre", "No default target: type yours")

# Dashboard.
DASH_TITLE = Text("Tableau de bord", "Dashboard")
DASH_MONTH = Text("Dernier mois saisi", "Latest month with data")
DASH_SUBTITLE = Text(
    "Valeurs comparées aux objectifs de la feuille Paramètres ; évolution = dernier mois "
    "moins le précédent.",
    "Values compared with the targets of the Settings sheet; change = latest month minus "
    "the one before.",
)


def dash_trend(n_months: int) -> Text:
    """The trend column's header: the sparkline spans the exercise's ``n_months``.

    >>> dash_trend(13)("fr"), dash_trend(12)("en")
    ('Tendance 13 mois', '12-month trend')
    """
    return Text(f"Tendance {n_months} mois", f"{n_months}-month trend")


CHART_REVENUE = Text("Chiffre d'affaires et résultat net par mois", "Revenue and net profit by month")  # fmt: skip
CHART_MARGIN = Text("Marge nette par mois et objectif", "Net margin by month and target")
CHART_HELPER = Text(
    "Données des graphiques et courbes (calculées, ne pas modifier)",
    "Chart and sparkline data (computed, do not edit)",
)

# Customer comments.
COMMENTS_TITLE = Text("Avis clients de l'exercice", "Customer comments of the fiscal year")
COMMENTS_HINT = Text(
    "Les derniers commentaires de l'enquête NPS, rédigés par kpi-xl fill : ceux des "
    "détracteurs montrent vos points faibles, ceux des promoteurs vos points forts.",
    "The latest comments of the NPS survey, written by kpi-xl fill: the detractors' show "
    "your weak points, the promoters' your strengths.",
)
COMMENTS_GROUPS = {
    "detractors": Text(
        f"Détracteurs (note de 0 à {NPS_DETRACTOR_MAX})",
        f"Detractors (score 0 to {NPS_DETRACTOR_MAX})",
    ),
    "promoters": Text(
        f"Promoteurs (note de {NPS_PROMOTER_MIN} à 10)",
        f"Promoters (score {NPS_PROMOTER_MIN} to 10)",
    ),
}
COMMENTS_COLUMNS = {
    "date": Text("Date", "Date"),
    "score": Text("Note", "Score"),
    "comment": Text("Commentaire", "Comment"),
}

# Data validation messages.
VALIDATION_TITLE = Text("Valeur refusée", "Value not accepted")
VALIDATION_NUMBER = Text("Saisissez un nombre", "Type a number")
VALIDATION_WHOLE = Text("Saisissez un nombre entier", "Type a whole number")
VALIDATION_MIN = Text("supérieur ou égal à", "greater than or equal to")
VALIDATION_BETWEEN = Text("entre", "between")
VALIDATION_AND = Text("et", "and")
VALIDATION_FOCUS = Text("Choisissez un indicateur de la liste.", "Pick a KPI from the list.")

UNIT_LABELS = {
    Unit.RATIO: Text("%", "%"),
    Unit.CURRENCY: Text("€", "€"),
    Unit.POINTS: Text("points", "points"),
    Unit.PERIODS: Text("mois", "months"),
    Unit.MULTIPLE: Text("x", "x"),
    Unit.COUNT: Text("nombre", "count"),
    Unit.YEARS: Text("années", "years"),
    Unit.PER_YEAR: Text("par an", "per year"),
    Unit.DAYS: Text("jours", "days"),
}

# Accounts (what the FEC says).
ACCOUNTS_TITLE = Text("Comptes de l'exercice", "The year's accounts")
ACCOUNTS_HINT = Text(
    "Calculé depuis les saisies (remplies par kpi-xl depuis le FEC) : exercice à date, comparé "
    "aux mêmes mois de l'exercice précédent.",
    "Computed from the inputs (filled by kpi-xl from the FEC): year to date, compared with the "
    "same months of the previous year.",
)
ACCOUNTS_CASCADE = Text("Soldes intermédiaires de gestion", "Intermediate balances (P&L cascade)")
ACCOUNTS_NATURES = Text("Charges par nature", "Costs by nature")
ACCOUNTS_MONTHLY = Text(
    "Trésorerie, clients et fournisseurs, mois par mois",
    "Cash, customers and suppliers, month by month",
)
ACCOUNTS_YTD = Text("Exercice à date", "Year to date")
ACCOUNTS_PREV = Text("Mêmes mois N-1", "Same months last year")
ACCOUNTS_GAP = Text("Écart", "Change")
ACCOUNTS_GAP_PCT = Text("Écart %", "Change %")
ACCOUNTS_SHARE = Text("% du CA", "% of revenue")
ACCOUNTS_CHART_CASH = Text(
    "Trésorerie fin de mois et variation du mois", "Cash at month end and net cash flow"
)
ACCOUNTS_CHART_DELAYS = Text(
    "Délais de paiement clients et fournisseurs (jours)", "Customer and supplier payment days"
)
