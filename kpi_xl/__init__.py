"""kpi_xl: the KPIs that matter for small businesses, inside Excel."""

__version__ = "0.1.0"
