"""Test settings shared by the whole suite."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# CI machines are shared and slow: no per-example deadline, and a fixed seed so a
# failure reproduces (the "dev" profile keeps hypothesis' random exploration).
settings.register_profile(
    "ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


@pytest.fixture(autouse=True)
def english_system(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same default language on every machine: English (a test that wants French says so)."""
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
