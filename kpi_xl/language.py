"""The language kpi-xl speaks when neither --lang nor a kpi_xl.toml says.

Kept apart from :mod:`kpi_xl.config` (which needs dataclasses and tomllib)
so that the command line can ask it while it is still building its parser.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal


def system_language(environ: Mapping[str, str] | None = None) -> Literal["fr", "en"]:
    """French when the user's locale is French, else English.

    The first of LC_ALL, LC_MESSAGES and LANG that is set decides (as for
    any POSIX program); with none set (Windows), the locale Python started
    with (``French_France`` or ``fr_FR``).

    >>> system_language({"LANG": "fr_FR.UTF-8"}), system_language({"LC_ALL": "C", "LANG": "fr_FR"})
    ('fr', 'en')
    """
    env = os.environ if environ is None else environ
    setting = next((env[k] for k in ("LC_ALL", "LC_MESSAGES", "LANG") if env.get(k)), None)
    if setting is None:
        import locale

        setting = locale.getlocale()[0] or ""
    return "fr" if setting.lower().startswith("fr") else "en"
