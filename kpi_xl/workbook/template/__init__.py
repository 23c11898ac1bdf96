"""Building the bundled template workbooks with XlsxWriter (layout, sheets, formulas, texts)."""
