"""Fixtures shared by several test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables

# Fixtures that start a second application; a test that uses one (even through another fixture) is an
# engine test. olevba's tests carry the marker themselves.
ENGINE_FIXTURES = frozenset({"libreoffice", "gnumeric"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if ENGINE_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.engine)


@pytest.fixture(scope="session")
def sample_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample written as a master workbook, once per run; copy it before changing it."""
    path = tmp_path_factory.mktemp("sample") / "master.xlsx"
    write_master(path, sample_settings(), sample_tables())
    return path
