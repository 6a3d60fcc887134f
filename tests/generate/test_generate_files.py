"""Files: safe names, atomic writes, and never overwriting a workbook changed since generation."""

from __future__ import annotations

import datetime
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from generate_fixtures import build_master

from cvm_xl import cli
from cvm_xl.books.package import changed_since_generation
from cvm_xl.core.problems import Problem, WorkbookError
from cvm_xl.generate import batch
from cvm_xl.generate.batch import REFUSED, REPLACED, WRITTEN, generate_customer_books
from cvm_xl.generate.filenames import MAX_STEM_BYTES, customer_file_name, safe_stem, unique_file_names
from cvm_xl.spreadsheet import atomic
from cvm_xl.spreadsheet.atomic import atomic_write

WINDOWS_FORBIDDEN = set('<>:"/\\|?*')


@pytest.mark.parametrize(
    ("customer_id", "name", "expected"),
    [
        ("C-AUT", "Orvane Automotive Group", "C-AUT Orvane Automotive Group.xlsx"),
        ("MUE/88", "Müller: Söhne <GmbH>", "MUE_88 Müller_ Söhne _GmbH_.xlsx"),
        ("CON", None, "_CON.xlsx"),
        ("lpt1", "", "_lpt1.xlsx"),
        ("A1", "Trailing dots...  ", "A1 Trailing dots.xlsx"),
        ("  ", "\t\n", "customer.xlsx"),
        ("X", "tab\tand\nnewline", "X tab and newline.xlsx"),
    ],
)
def test_file_names_are_safe_everywhere(customer_id, name, expected):
    assert customer_file_name(customer_id, name) == expected


def test_long_names_are_cut_on_a_character_boundary():
    stem = safe_stem("É" * 400)
    assert len(stem.encode("utf-8")) <= MAX_STEM_BYTES
    assert set(stem) == {"É"}


def test_names_stay_distinct_on_case_insensitive_file_systems():
    names = unique_file_names([("a/b", "Acme"), ("a:b", "Acme"), ("A/B", "ACME"), ("c", "Other")])
    assert len({n.casefold() for n in names.values()}) == 4
    assert names["c"] == "c Other.xlsx"
    for file in names.values():
        assert not WINDOWS_FORBIDDEN & set(file) and file.endswith(".xlsx")


def test_atomic_write_leaves_the_old_file_when_the_rename_fails(tmp_path, monkeypatch):
    target = tmp_path / "book.xlsx"
    target.write_bytes(b"old")

    def fail(*_args):
        raise PermissionError(13, "locked")

    monkeypatch.setattr(atomic.os, "replace", fail)
    with pytest.raises(PermissionError):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]  # no temporary file left


def test_atomic_write_keeps_normal_permissions(tmp_path):
    target = tmp_path / "book.xlsx"
    atomic_write(target, b"x")
    assert target.read_bytes() == b"x"
    if os.name == "posix":
        assert target.stat().st_mode & 0o044  # readable by others like any new file (not mkstemp's 0600)


def _edit_with_openpyxl(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    wb["Sign-off"]["C38"] = "Signed by hand"
    wb.save(path)


def _touch_a_part(path: Path) -> None:
    """Change one sheet by a byte but keep the custom properties, as a careful editing tool would."""
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"</worksheet>", b"</worksheet> ")
            zout.writestr(item, data)
    tmp.replace(path)


def test_regenerating_replaces_unchanged_books_and_refuses_changed_ones(tmp_path):
    master = build_master()
    first = generate_customer_books(master, tmp_path, workers=1)
    assert [r.status for r in first] == [WRITTEN] * 3
    assert all(changed_since_generation(r.path) is None for r in first)
    second = generate_customer_books(master, tmp_path, workers=1)
    assert [r.status for r in second] == [REPLACED] * 3

    kappa, zed, _ = (r.path for r in second)
    _edit_with_openpyxl(kappa)
    _touch_a_part(zed)
    before = kappa.read_bytes(), zed.read_bytes()
    third = generate_customer_books(master, tmp_path, workers=1)
    assert [r.status for r in third] == [REFUSED, REFUSED, REPLACED]
    assert "--force" in third[0].message and "changed since it was generated" in third[0].message
    assert (kappa.read_bytes(), zed.read_bytes()) == before  # left exactly as they were

    forced = generate_customer_books(master, tmp_path, workers=1, force=True)
    assert [r.status for r in forced] == [REPLACED] * 3
    assert changed_since_generation(kappa) is None


def test_a_file_that_is_not_a_generated_workbook_counts_as_changed(tmp_path):
    stranger = tmp_path / "stranger.xlsx"
    stranger.write_bytes(b"not a zip")
    assert "not a readable workbook" in changed_since_generation(stranger)
    wb = openpyxl.Workbook()
    wb.save(stranger)
    assert "no cvm-xl generation record" in changed_since_generation(stranger)
    assert changed_since_generation(tmp_path / "absent.xlsx") is None


def test_parallel_workers_write_the_same_books(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "CHUNK", 1)
    master = build_master()
    seen = []
    when = datetime.datetime(2026, 5, 4, 10, 30)
    one = generate_customer_books(master, tmp_path / "one", workers=1, generated=when)
    three = generate_customer_books(
        master, tmp_path / "three", workers=3, generated=when, progress=lambda d, t: seen.append(d)
    )
    assert [r.path.name for r in one] == [r.path.name for r in three]
    assert [r.fingerprint for r in one] == [r.fingerprint for r in three]
    assert all(r.status == WRITTEN for r in three)
    assert seen[-1] == 3 and seen == sorted(seen)
    for a, b in zip(
        sorted((tmp_path / "one").iterdir()), sorted((tmp_path / "three").iterdir()), strict=True
    ):
        assert a.read_bytes() == b.read_bytes()  # same generation time: identical files


def test_work_of_a_helper_that_dies_is_done_by_the_main_process(tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "CHUNK", 1)

    def dying_helper(job, chunks, counter, conn):
        batch._claim(counter, len(chunks))  # takes a chunk, then dies without a word
        os._exit(1)

    monkeypatch.setattr(batch, "_helper", dying_helper)
    results = generate_customer_books(build_master(), tmp_path, workers=2)
    assert [r.status for r in results] == [WRITTEN] * 3


# --- the command ----------------------------------------------------------------------------------


@pytest.fixture
def fake_loader(monkeypatch):
    """``load_master`` returning the fixture master (or raising the given error) for any path."""
    import cvm_xl.master.read

    state: dict[str, object] = {"master": build_master()}

    def load(path):
        if isinstance(state["master"], Exception):
            raise state["master"]
        return state["master"]

    monkeypatch.setattr(cvm_xl.cli.common, "load_master", load)
    return state


def test_cli_generate_writes_every_customer_and_exits_0(fake_loader, tmp_path, capsys):
    assert cli.main(["generate", "master.xlsx", "--out", str(tmp_path)]) == 0
    assert len(list(tmp_path.glob("*.xlsx"))) == 3
    assert "3 of 3 customer workbooks written" in capsys.readouterr().out


def test_cli_generate_one_customer(fake_loader, tmp_path):
    assert cli.main(["generate", "master.xlsx", "--out", str(tmp_path), "--customer", "ZED-41"]) == 0
    assert [p.name for p in tmp_path.glob("*.xlsx")] == ["ZED-41 Zedwick Rail & _Signal_ Co.xlsx"]


def test_cli_unknown_customer_is_a_usage_error(fake_loader, tmp_path, capsys):
    assert cli.main(["generate", "master.xlsx", "--out", str(tmp_path), "--customer", "NOPE"]) == 2
    assert "unknown customer ID NOPE" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_cli_master_with_errors_writes_nothing_and_exits_1(fake_loader, tmp_path, capsys):
    fake_loader["master"] = WorkbookError(
        [
            Problem(
                "master.xlsx",
                "Ideas",
                7,
                "Supplier annual",
                "abc",
                "'abc' is not a number",
                fix="Type a number.",
            )
        ]
    )
    out = tmp_path / "books"
    assert cli.main(["generate", "master.xlsx", "--out", str(out)]) == 1
    assert not out.exists()
    text = capsys.readouterr().out
    assert "Ideas!" in text or "Ideas row 7" in text
    assert "Nothing was written" in text
    assert cli.main(["signoff", "master.xlsx", "--out", str(tmp_path / "s.xlsx")]) == 1
    assert not (tmp_path / "s.xlsx").exists()


def test_cli_refuses_a_changed_book_without_force(fake_loader, tmp_path, capsys):
    assert cli.main(["generate", "master.xlsx", "--out", str(tmp_path), "--customer", "KAPPA-7"]) == 0
    book = next(tmp_path.glob("*.xlsx"))
    _edit_with_openpyxl(book)
    capsys.readouterr()
    assert cli.main(["generate", "master.xlsx", "--out", str(tmp_path), "--customer", "KAPPA-7"]) == 1
    assert "--force" in capsys.readouterr().out
    assert (
        cli.main(["generate", "master.xlsx", "--out", str(tmp_path), "--customer", "KAPPA-7", "--force"]) == 0
    )


def test_cli_signoff_writes_and_guards_the_consolidated_book(fake_loader, tmp_path, capsys):
    target = tmp_path / "signoff.xlsx"
    assert cli.main(["signoff", "master.xlsx", "--out", str(target)]) == 0
    assert cli.main(["signoff", "master.xlsx", "--out", str(target)]) == 0  # unchanged: replaced
    wb = openpyxl.load_workbook(target)
    wb["Summary"]["A1"] = "edited"
    wb.save(target)
    assert cli.main(["signoff", "master.xlsx", "--out", str(target)]) == 1
    assert "--force" in capsys.readouterr().out
    assert cli.main(["signoff", "master.xlsx", "--out", str(target), "--force"]) == 0
    assert cli.main(["signoff", "master.xlsx", "--out", str(tmp_path / "x.csv")]) == 2
