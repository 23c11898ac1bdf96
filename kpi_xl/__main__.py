import sys

from kpi_xl.cli import main

sys.exit(main())
