"""Writing into existing workbooks: fill and refresh by defined name, losing nothing."""
