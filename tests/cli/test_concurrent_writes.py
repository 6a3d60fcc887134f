"""Two commands writing one master at the same time (issue 13): both exit 0 and both changes are in
the master, because the second reads the master only after the first wrote it (no lost update)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from book_fixtures import KAPPA, ZED, edit_book, generated_fixture  # noqa: F401  (fixture)
from fault_fixtures import backups, names, start

from cvm_xl.core import columns as col
from cvm_xl.master.read import load_master


@pytest.fixture
def share(generated, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "share"
    folder.mkdir()
    shutil.copy(generated["master"], folder / "master.xlsx")
    return folder


def _idea(master: Path, idea_id: str) -> dict[str, object]:
    ideas = load_master(master).ideas
    return ideas[ideas[col.IDEA_ID] == idea_id].iloc[0].to_dict()


def test_two_imports_of_different_books_at_once_keep_both(generated, share: Path, tmp_path: Path) -> None:
    master = share / "master.xlsx"
    kappa = edit_book(Path(shutil.copy(generated[KAPPA], tmp_path / "kappa.xlsx")),
                      {"KAP-101": {col.STATUS: "Implementing", col.OWNER: "Zoe Quint"}})  # fmt: skip
    zed = edit_book(Path(shutil.copy(generated[ZED], tmp_path / "zed.xlsx")),
                    {"ZED-201": {col.OWNER: "Ida Berg"}})  # fmt: skip
    assert _idea(master, "KAP-101")[col.OWNER] != "Zoe Quint"
    first = start(["import", str(master), str(kappa)])
    second = start(["import", str(master), str(zed)])
    first.join(60)
    second.join(60)
    assert (first.exitcode, second.exitcode) == (0, 0)
    kap, zed_idea = _idea(master, "KAP-101"), _idea(master, "ZED-201")
    assert (kap[col.STATUS], kap[col.OWNER]) == ("Implementing", "Zoe Quint")
    assert zed_idea[col.OWNER] == "Ida Berg"
    assert len(backups(master)) == 2  # one per import, each the master the import read
    assert names(share) == sorted(["master.xlsx", *(b.name for b in backups(master))])


def test_select_apply_and_an_import_at_once_keep_both(generated, share: Path, tmp_path: Path) -> None:
    master = share / "master.xlsx"
    before = load_master(master).ideas
    zed = edit_book(Path(shutil.copy(generated[ZED], tmp_path / "zed.xlsx")),
                    {"ZED-201": {col.OWNER: "Ida Berg"}})  # fmt: skip
    selecting = start(["select", str(master), "--apply"])
    importing = start(["import", str(master), str(zed)])
    selecting.join(60)
    importing.join(60)
    assert (selecting.exitcode, importing.exitcode) == (0, 0)
    after = load_master(master).ideas
    selected = after[(after[col.STATUS] == "Selected") & (before[col.STATUS] != "Selected")]
    assert len(selected) > 0  # select --apply's statuses are there
    assert _idea(master, "ZED-201")[col.OWNER] == "Ida Berg"  # and the import's change
