"""Fixtures shared by several test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables


@pytest.fixture(scope="session")
def sample_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample written as a master workbook, once per run; copy it before changing it."""
    path = tmp_path_factory.mktemp("sample") / "master.xlsx"
    write_master(path, sample_settings(), sample_tables())
    return path
