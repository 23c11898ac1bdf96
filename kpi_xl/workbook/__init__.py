"""KPI workbooks: ``template`` builds the bundled templates, ``write`` fills and refreshes workbooks.

The two jobs meet in :mod:`kpi_xl.workbook.contract`, the defined names a template offers.
"""
