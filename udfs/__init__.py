"""kpi_xl's Excel functions: every catalog KPI as ``=KPI_...()`` through xlwings.

The modules, from the inside out:

* :mod:`udfs.convert`: cell values in (ranges, blanks, text, error cells)
  and Excel error values out, shared by every runtime;
* :mod:`udfs.functions`: the functions, derived from :mod:`kpi_xl.catalog`;
* :mod:`udfs.classic`: the classic Windows add-in's module (``UDF Modules``);
* :mod:`udfs.custom_functions`: the Office.js module (xlwings Server, Lite);
* :mod:`udfs.lite`: writes the personal module of xlwings Lite;
* :mod:`udfs.server`: writes kpi_xl's files into an xlwings Server project;
* :mod:`udfs.files`: the atomic file writes of the two.

Nothing here imports xlwings but the two runtime modules, so that
:mod:`udfs.convert` and :mod:`udfs.functions` run wherever numpy does
(Pyodide included).
"""
