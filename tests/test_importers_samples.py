"""Realistic exports written into tmp_path (no third-party file in the repo),
and the readers' results on them.  Other importer tests reuse the writers."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kpi_xl.config import load_config
from kpi_xl.importers import ads, analytics, manual, orders, surveys

SHOPIFY_HEADER = (
    "Name,Email,Financial Status,Paid at,Fulfillment Status,Fulfilled at,Accepts Marketing,"
    "Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Shipping Method,"
    "Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem compare at price,"
    "Lineitem sku,Billing Name,Cancelled at,Refunded Amount,Id"
)


def shopify_row(name: str, email: str, status: str, total: str, taxes: str, created: str,
                cancelled: str = "", refunded: str = "0.00") -> str:  # fmt: skip
    return (
        f"{name},{email},{status},{created},fulfilled,{created},no,EUR,{total},0.00,{taxes},"
        f"{total},,0.00,Standard,{created},1,Mug,{total},,MUG-1,Jean Dupont,{cancelled},"
        f"{refunded},{name[1:]}"
    )


def write_shopify(folder: Path, name: str = "orders_export_1.csv") -> Path:
    rows = [
        shopify_row("#1001", "a@ex.fr", "paid", "120.00", "20.00", "2024-01-07 09:50:26 +0100"),
        # a second line item of #1001: order-level fields are empty
        "#1001,a@ex.fr,,,,,,,,,,,,,,,1,Cup,10.00,,CUP-1,,,,",
        shopify_row("#1002", "b@ex.fr", "paid", "60.00", "10.00", "2024-01-20 10:00:00 +0100"),
        shopify_row(
            "#1003",
            "A@ex.fr",
            "partially_refunded",
            "120.00",
            "20.00",
            "2024-02-01 10:00:00 +0100",
            refunded="60.00",
        ),
        shopify_row("#1004", "c@ex.fr", "voided", "50.00", "0.00", "2024-02-02 10:00:00 +0100"),
        shopify_row(
            "#1005",
            "d@ex.fr",
            "paid",
            "50.00",
            "0.00",
            "2024-02-03 10:00:00 +0100",
            cancelled="2024-02-04 10:00:00 +0100",
        ),
        shopify_row("#1006", "b@ex.fr", "paid", "36.00", "6.00", "2025-01-15 18:00:00 +0100"),
        shopify_row("#1007", "e@ex.fr", "pending", "12.00", "2.00", "2025-02-15 18:00:00 +0100"),
    ]
    path = folder / name
    path.write_text(SHOPIFY_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def write_woocommerce(folder: Path) -> Path:
    path = folder / "wc-orders-report-export.csv"
    path.write_text(
        "Date;Commande #;Statut;Client;Type de client;Produit(s);Articles vendus;Code(s) promo;"
        "Ventes nettes\n"
        "2024-03-02 10:12:00;2001;Terminée;Marie Curie;nouveau;Savon;2;;1 234,50\n"
        "2024-03-05 11:00:00;2002;Annulée;Paul Martin;nouveau;Savon;1;;10,00\n"
        "2024-04-01 09:00:00;2003;En cours;Marie Curie;récurrent;Savon;1;;15,50\n",
        encoding="cp1252",
    )
    return path


def write_ga4(folder: Path) -> Path:
    path = folder / "analytics.csv"
    path.write_text(
        "# ----------------------------------------\n"
        "# Acquisition de trafic : Groupe de canaux par défaut de la session\n"
        "# Compte : Boutique\n"
        "# Date de début : 20240101\n"
        "# Date de fin : 20240229\n"
        "# ----------------------------------------\n"
        "\n"
        "Date,Nombre total d'utilisateurs,Sessions,Sessions avec engagement,Événements clés\n"
        '20240101,"1,200",1500,900,30\n'
        "20240115,800,1000,600,20\n"
        "20240201,1000,1300,700,25\n"
        ",3000,3800,2200,75\n"
        "\n"
        "# another table GA4 may append\n"
        "Date,Sessions\n"
        "20240101,99999\n",
        encoding="utf-8",
    )
    return path


def write_google_ads(folder: Path) -> Path:
    path = folder / "Campaign report.csv"
    text = (
        "Campaign report\n"
        "1 January 2024 - 29 February 2024\n"
        "Day\tCampaign\tClicks\tImpr.\tCurrency code\tCost\tConversions\n"
        "2024-01-03\tBrand\t10\t100\tEUR\t12.50\t1.00\n"
        "2024-01-04\tBrand\t10\t100\tEUR\t1,012.50\t1.00\n"
        "2024-02-04\tBrand\t5\t50\tEUR\t20.00\t0.00\n"
        "Total: Account\t--\t25\t250\tEUR\t1,045.00\t2.00\n"
    )
    path.write_bytes(text.encode("utf-16"))  # Google's "CSV for Excel": UTF-16, tabs
    return path


def write_meta(folder: Path) -> Path:
    path = folder / "meta.csv"
    path.write_text(
        "Nom de la campagne,Jour,Montant dépensé (EUR),Impressions\n"
        'Soldes,2024-01-10,"30,5",1000\n'
        "Soldes,2024-02-10,20,800\n",
        encoding="utf-8-sig",
    )
    return path


def write_typeform(folder: Path) -> Path:
    path = folder / "responses.csv"
    path.write_text(
        "#,How likely are you to recommend us to a friend?,Why?,Submit Date (UTC),Network ID\n"
        'a1,10,"Great,\nreally",2024-01-05 10:00:00,n1\n'
        "a2,9,,2024-01-06 10:00:00,n2\n"
        "a3,7,ok,2024-01-07 10:00:00,n3\n"
        "a4,3,slow delivery,2024-02-01 10:00:00,n4\n"
        "a5,,,2024-02-02 10:00:00,n5\n",
        encoding="utf-8",
    )
    return path


def write_google_forms(folder: Path) -> Path:
    path = folder / "Formulaire.csv"
    path.write_text(
        "Horodateur,Quelle est la probabilité que vous nous recommandiez ?,Pourquoi ?\n"
        '15/02/2024 10:22:11,8,"Bien, merci"\n'
        "16/02/2024 10:22:11,0,Déçu\n",
        encoding="utf-8",
    )
    return path


def write_manual(folder: Path) -> Path:
    path = folder / "saisie.csv"
    path.write_text(
        "mois;investment_cost;investment_gains;processes_automated;processes_eligible\n"
        "2024-01;12 000,00;1 500,50;3;10\n"
        "2024-02;;2 000;4;10\n",
        encoding="utf-8",
    )
    return path


def month(text: str) -> pd.Timestamp:
    return pd.Timestamp(text + "-01")


def test_shopify_counts_paid_orders_net_of_tax_and_refunds(tmp_path: Path) -> None:
    result = orders.read_orders(write_shopify(tmp_path))
    assert result.source.kind == "orders:shopify"
    assert result.orders["order_id"].tolist() == ["#1001", "#1002", "#1003", "#1006", "#1007"]
    m = result.monthly
    assert m.loc[month("2024-01"), "orders"] == 2
    assert m.loc[month("2024-01"), "orders_revenue"] == pytest.approx(150.0)  # 100 + 50
    assert m.loc[month("2024-02"), "orders_revenue"] == pytest.approx(50.0)  # half refunded
    assert m.loc[month("2024-01"), "average_order_value"] == pytest.approx(75.0)
    assert m.loc[month("2024-01"), "new_customers"] == 2
    assert m.loc[month("2024-02"), "new_customers"] == 0  # A@ex.fr is a@ex.fr
    assert np.isnan(m.loc[month("2024-01"), "customers_start"])
    assert m.loc[month("2024-02"), "customers_start"] == 2
    assert m.loc[month("2025-01"), "customers_end"] == 2  # a@ (2024-02) and b@ (2025-01)
    assert m.loc[month("2025-02"), "customers_end"] == 2  # a@ left the window, e@ came
    assert m.loc[month("2025-01"), "purchase_frequency"] == pytest.approx(1.0)
    assert result.cohorts.loc[month("2024-01"), 1] == pytest.approx(0.5)
    assert result.cohorts.loc[month("2024-01"), 12] == pytest.approx(0.5)


def test_shopify_total_revenue_option(tmp_path: Path) -> None:
    cfg = tmp_path / "kpi_xl.toml"
    cfg.write_text('[orders]\nrevenue = "total"\n')
    result = orders.read_orders(write_shopify(tmp_path), load_config(cfg))
    assert result.monthly.loc[month("2024-01"), "orders_revenue"] == pytest.approx(180.0)


def test_woocommerce_french_cp1252(tmp_path: Path) -> None:
    result = orders.read_orders(write_woocommerce(tmp_path))
    assert result.source.kind == "orders:woocommerce"
    assert result.source.encoding == "cp1252"
    assert result.monthly["orders"].tolist() == [1, 1]
    assert result.monthly["orders_revenue"].tolist() == [1234.5, 15.5]
    assert result.monthly["new_customers"].tolist() == [1, 0]


def test_mapped_orders(tmp_path: Path) -> None:
    path = tmp_path / "ventes.csv"
    path.write_text(
        "N° commande;Date;Client;Montant HT;Statut\n"
        "A1;05/01/2024;x;10,00;payée\nA1;05/01/2024;x;5,00;payée\n"
        "A2;06/01/2024;y;7,00;annulée\n"
    )
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[orders.columns]\norder_id = "N° commande"\ndate = "Date"\ncustomer = "Client"\n'
        'amount = "Montant HT"\nstatus = "Statut"\n'
    )
    result = orders.read_orders(path, load_config(cfg))
    assert result.monthly["orders"].tolist() == [1]
    assert result.monthly["orders_revenue"].tolist() == [15.0]


def test_ga4_first_table_total_row_skipped(tmp_path: Path) -> None:
    result = analytics.read_analytics(write_ga4(tmp_path))
    m = result.monthly
    assert result.source.kind == "analytics:ga4"
    assert m["visitors"].tolist() == [2000, 1000]
    assert m["sessions"].tolist() == [2500, 1300]
    assert m["engaged_sessions"].tolist() == [1500, 700]
    assert m["conversions"].tolist() == [50, 25]
    assert any("unique users" in w for w in result.warnings)


def test_google_ads_utf16_titles_and_totals(tmp_path: Path) -> None:
    result = ads.read_ads(write_google_ads(tmp_path))
    assert result.source.kind == "ads:google"
    assert result.monthly["ad_spend"].tolist() == [1025.0, 20.0]


def test_meta_ads_french(tmp_path: Path) -> None:
    result = ads.read_ads(write_meta(tmp_path))
    assert result.source.kind == "ads:meta"
    assert result.monthly["ad_spend"].tolist() == [30.5, 20.0]


def test_typeform_nps_and_comments(tmp_path: Path) -> None:
    result = surveys.read_survey(write_typeform(tmp_path))
    m = result.monthly
    assert m["nps_promoters"].tolist() == [2, 0]
    assert m["nps_passives"].tolist() == [1, 0]
    assert m["nps_detractors"].tolist() == [0, 1]
    assert result.comments["comment"].tolist() == ["Great,\nreally", "ok", "slow delivery"]


def test_google_forms_french(tmp_path: Path) -> None:
    result = surveys.read_survey(write_google_forms(tmp_path))
    assert result.monthly.loc[month("2024-02")].tolist() == [0, 1, 1]
    assert result.comments["comment"].tolist() == ["Bien, merci", "Déçu"]


def test_manual_inputs(tmp_path: Path) -> None:
    result = manual.read_manual(write_manual(tmp_path))
    m = result.monthly
    assert m["investment_cost"].tolist()[0] == 12000.0
    assert np.isnan(m["investment_cost"].tolist()[1])
    assert m["investment_gains"].tolist() == [1500.5, 2000.0]
    assert m["processes_automated"].tolist() == [3, 4]


def test_manual_cash_flow(tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    path.write_text("month,investment_cash_flow\n2024-01,-5000\n2024-02,800\n")
    m = manual.read_manual(path).monthly
    assert m["investment_cost"].tolist() == [5000.0, 0.0]
    assert m["investment_gains"].tolist() == [0.0, 800.0]


def test_ga4_year_month_of_november_and_december(tmp_path: Path) -> None:
    # "202511" also fits "%Y%m%d" as 2025-01-01 (one-digit month and day): it must not.
    path = tmp_path / "ga4_months.csv"
    path.write_text("Year month,Total users,Sessions\n202411,100,150\n202412,200,250\n")
    m = analytics.read_analytics(path).monthly
    assert m.index.tolist() == [month("2024-11"), month("2024-12")]
    assert m["visitors"].tolist() == [100, 200]


def test_excluded_statuses_as_the_user_writes_them(tmp_path: Path) -> None:
    path = tmp_path / "ventes.csv"
    path.write_text(
        "N° commande;Date;Montant HT;Statut\n"
        "A1;05/01/2024;10,00;payée\nA2;06/01/2024;7,00;Remboursée partiellement\n"
    )
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[orders]\nexcluded_statuses = ["Remboursée  Partiellement"]\n'
        '[orders.columns]\norder_id = "N° commande"\ndate = "Date"\namount = "Montant HT"\n'
        'status = "Statut"\n'
    )
    result = orders.read_orders(path, load_config(cfg))
    assert result.orders["order_id"].tolist() == ["A1"]


def test_survey_comment_dates_read_like_the_months(tmp_path: Path) -> None:
    # The date format is chosen on every answered row: 01/13/2024 makes them US dates.
    path = tmp_path / "forms.csv"
    path.write_text(
        "Timestamp,How likely are you to recommend us?,Why?\n"
        "01/02/2024 10:00:00,10,Great\n"
        "01/13/2024 10:00:00,6,\n"
    )
    result = surveys.read_survey(path)
    assert result.monthly.index.tolist() == [month("2024-01")]
    assert result.comments["date"].tolist() == [pd.Timestamp("2024-01-02")]


def test_manual_cash_flow_adds_to_cost_and_gains_in_any_column_order(tmp_path: Path) -> None:
    path = tmp_path / "flows.csv"
    path.write_text(
        "month;investment_cash_flow;investment_gains;investment_cost\n"
        "2024-01;-5000;100;1000\n2024-02;800;;\n"
    )
    m = manual.read_manual(path).monthly
    assert m["investment_cost"].tolist() == [6000.0, 0.0]
    assert m["investment_gains"].tolist() == [100.0, 800.0]
