"""Hostile and absurd-but-possible files through every command that reads a workbook (issue 13).

Each case builds one file (an XML bomb, a zip bomb, a FIFO, a sheet with a value in XFD1048576 ...)
from the sample master, or from a customer workbook generated from it when the command takes a
returned workbook, and runs a command on it in process through ``cvm_xl.cli.main.main``. Whatever
the file, the command ends with exit code 0, 1 or 2 and never a traceback; a file that is refused
is named in the message and left exactly as it was, and nothing at all is written; a file that is
fine gives the exit code the unspoilt file gives. Nothing is ever written outside the run's own
folder (the working folder and the temporary folder of the run stay empty).

Further down: the bounds of a sheet (``spreadsheet.sheet_extent``) and the sheets a reader takes
when a hidden sheet has a visible one's name, tested on their own.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import signal
import tempfile
import time
import traceback
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest
from loader_fixtures import write_good
from msoffcrypto.format.ooxml import OOXMLFile
from python_calamine import CalamineWorkbook

from cvm_xl.cli.main import main
from cvm_xl.core.problems import Code, WorkbookError
from cvm_xl.master.live import LISTS_SHEET
from cvm_xl.master.read import load_master
from cvm_xl.master.update import CellChange, update_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables
from cvm_xl.spreadsheet import sheet_xml
from cvm_xl.spreadsheet.sheet_extent import AREA_FLOOR, SheetExtent
from cvm_xl.spreadsheet.sheet_names import workbook_sheet_names
from cvm_xl.spreadsheet.sheet_rows import stray_cells_problem
from cvm_xl.spreadsheet.sheet_xml import scan_sheets, sheet_parts
from cvm_xl.spreadsheet.tables import find_sheet, sheets_in_view

SECRET = "CANARY-7f3a9c-SECRET"  # what an external entity would leak
HANG_SECONDS = 120  # a command still running after this long is a failure (a FIFO read would block)


# --- building the files ---------------------------------------------------------------------------


def _rewrite(base: Path, target: Path, change: Callable[[str, bytes], bytes | None], extra=()) -> None:
    """A copy of the workbook ``base`` with each part passed through ``change`` (None drops it) and
    ``extra`` (name, data) parts added."""
    with zipfile.ZipFile(base) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = change(item.filename, source.read(item))
            if data is not None:
                out.writestr(item.filename, data)
        for name, data in extra:
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            out.writestr(info, data)


def _ideas_part(base: Path) -> str:
    with zipfile.ZipFile(base) as archive:
        parts = sheet_parts(archive)
    return parts[find_sheet(parts, "Ideas")]


def _ideas_layout(base: Path) -> tuple[int, dict[str, str]]:
    """Excel row of the Ideas sheet's header and each header's cell letter."""
    with CalamineWorkbook.from_path(str(base)) as workbook:
        rows = workbook.get_sheet_by_name(find_sheet(workbook.sheet_names, "Ideas")).to_python(
            skip_empty_area=False
        )
    for r, row in enumerate(rows[:30]):
        names = [str(v).strip() for v in row]
        if "Idea ID" in names and "Title" in names:
            letters = {}
            for c, name in enumerate(names):
                n, letter = c + 1, ""
                while n:
                    n, rem = divmod(n - 1, 26)
                    letter = chr(65 + rem) + letter
                letters.setdefault(name, letter)
            return r + 1, letters
    raise AssertionError(f"no Ideas header in {base}")


def _in_ideas(base: Path, target: Path, change: Callable[[bytes], bytes]) -> None:
    part = _ideas_part(base)
    _rewrite(base, target, lambda name, data: change(data) if name == part else data)


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _set_cell(xml: bytes, ref: str, cell: bytes) -> bytes:
    """The sheet XML with the cell ``ref`` replaced by ``cell`` (a whole <c> element), or with
    ``cell`` put in its place in its row when the row has no such cell."""
    pattern = re.compile(rb'<c r="' + ref.encode() + rb'"(?:[^>]*/>|[^>]*>.*?</c>)', re.S)
    replaced, n = pattern.subn(lambda _: cell, xml, count=1)
    if n:
        return replaced
    letters, row = re.fullmatch(r"([A-Z]+)(\d+)", ref).groups()
    start = re.search(rb'<row r="' + row.encode() + rb'"[^>]*>', xml)
    assert start is not None, f"no row {row}"
    end = xml.index(b"</row>", start.end())
    for later in re.finditer(rb'<c r="([A-Z]+)\d+"', xml[start.end() : end]):
        if _column(later.group(1).decode()) > _column(letters):
            at = start.end() + later.start()
            return xml[:at] + cell + xml[at:]
    return xml[:end] + cell + xml[end:]


def _before_tail(xml: bytes, fragment: bytes) -> bytes:
    """``fragment`` inserted after sheetData, before the elements that must follow it."""
    for tag in (b"<mergeCells", b"<phoneticPr", b"<conditionalFormatting", b"<dataValidations",
                b"<hyperlinks", b"<printOptions", b"<pageMargins", b"<pageSetup", b"<headerFooter",
                b"<drawing", b"<legacyDrawing", b"<tableParts", b"<extLst", b"</worksheet>"):  # fmt: skip
        at = xml.find(tag, xml.find(b"</sheetData>"))
        if at >= 0:
            return xml[:at] + fragment + xml[at:]
    raise AssertionError("no end of worksheet")


def bomb_xml(base: Path, target: Path) -> Path:
    """'Billion laughs': entities nested ten deep, in the Ideas sheet and in the workbook part."""
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    doctype = b"<!DOCTYPE worksheet [" + entities + b"]>"

    def change(name: str, data: bytes) -> bytes:
        if name in (_ideas_part(base), "xl/workbook.xml"):
            data = re.sub(rb"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or b"") + doctype, data, count=1)
            data = data.replace(b"<t>", b"<t>&lol9;", 1)
        return data

    _rewrite(base, target, change)
    return target


def external_entity(base: Path, target: Path) -> Path:
    """An entity that names a local file: its text must never show up anywhere."""
    secret = target.parent / "secret.txt"
    secret.write_text(SECRET)
    doctype = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "' + secret.resolve().as_uri().encode() + b'">]>'

    def change(data: bytes) -> bytes:
        data = re.sub(rb"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or b"") + doctype, data, count=1)
        return data.replace(b"<t>", b"<t>&xxe;", 2)

    _in_ideas(base, target, change)
    return target


def zip_bomb(base: Path, target: Path) -> Path:
    """The Ideas sheet padded with 40 MB of spaces: it compresses about a thousand times."""
    _in_ideas(base, target, lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * 40_000_000, 1))
    return target


def traversal_names(base: Path, target: Path) -> Path:
    """Extra parts named to climb out of any folder they would be unpacked into (never unpacked)."""
    extra = [
        ("../../evil-traversal.txt", b"evil"),
        ("/tmp/evil-absolute.txt", b"evil"),
        ("xl/../../../evil-dotdot.txt", b"evil"),
        ("..\\..\\evil-backslash.txt", b"evil"),
    ]
    _rewrite(base, target, lambda name, data: data, extra)
    return target


def traversal_target(base: Path, target: Path) -> Path:
    """The Ideas sheet's relationship pointing out of the package."""
    part = _ideas_part(base).rpartition("/")[2]

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/_rels/workbook.xml.rels":
            return data.replace(f"worksheets/{part}".encode(), b"../../../../etc/passwd")
        return data

    _rewrite(base, target, change)
    return target


def truncated(base: Path, target: Path) -> Path:
    data = base.read_bytes()
    target.write_bytes(data[: len(data) * 3 // 5])
    return target


def encrypted(base: Path, target: Path) -> Path:
    out = io.BytesIO()
    with base.open("rb") as source:
        OOXMLFile(source).encrypt("s3cret", out)
    target.write_bytes(out.getvalue())
    return target


def xls_renamed(base: Path, target: Path) -> Path:
    """An Excel 97-2003 compound file named .xlsx (its header, then sectors of junk)."""
    target.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 64)
    return target


def ods_renamed(base: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        office = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
        content = f'<office:document-content xmlns:office="{office}"><office:body/></office:document-content>'
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", "<manifest/>")
    return target


def empty(base: Path, target: Path) -> Path:
    target.touch()
    return target


def folder(base: Path, target: Path) -> Path:
    target.mkdir()
    return target


def unreadable(base: Path, target: Path) -> Path:
    target.write_bytes(base.read_bytes())
    target.chmod(0)
    try:
        with target.open("rb"):
            pass
    except PermissionError:
        return target
    target.chmod(0o600)
    pytest.skip("running as root, a file with mode 000 can be read; the FIFO and path-through-a-file cases "
                "cover a file that cannot be read")  # fmt: skip


def fifo(base: Path, target: Path) -> Path:
    os.mkfifo(target)
    return target


def through_a_file(base: Path, target: Path) -> Path:
    """A path whose folder is a file: 'master.xlsx/master.xlsx'."""
    target.write_bytes(base.read_bytes())
    return target / target.name


def link_loop(base: Path, target: Path) -> Path:
    other = target.with_name("loop-" + target.name)
    target.symlink_to(other.name)
    other.symlink_to(target.name)
    return target


def claims_all_rows(base: Path, target: Path) -> Path:
    """The Ideas sheet claims A1:XFD1048576 in its dimension; it holds what it held."""

    def change(xml: bytes) -> bytes:
        if b"<dimension" in xml:
            return re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="A1:XFD1048576"/>', xml)
        return xml.replace(b"<sheetViews>", b'<dimension ref="A1:XFD1048576"/><sheetViews>', 1)

    _in_ideas(base, target, change)
    return target


def long_cells(base: Path, target: Path) -> Path:
    """The first idea's title and description 32,767 characters long (Excel's most)."""
    header, letters = _ideas_layout(base)
    long = b"W" * 32_767

    def change(xml: bytes) -> bytes:
        for name in ("Title", "Description"):
            ref = f"{letters[name]}{header + 1}"
            style = re.search(rb'<c r="' + ref.encode() + rb'"[^>]*?( s="\d+")', xml)
            cell = b'<c r="%s"%s t="inlineStr"><is><t>%s</t></is></c>' % (
                ref.encode(),
                style.group(1) if style else b"",
                long,
            )
            xml = _set_cell(xml, ref, cell)
        return xml

    _in_ideas(base, target, change)
    return target


def not_finite(base: Path, target: Path) -> Path:
    """NaN, Infinity and 1e309 where the first ideas' values are."""
    header, letters = _ideas_layout(base)

    def change(xml: bytes) -> bytes:
        for offset, (name, value) in enumerate(
            (("Supplier annual", b"NaN"), ("Customer annual", b"INF"), ("Supplier one-time", b"1e309"))
        ):
            ref = f"{letters[name]}{header + 1 + offset}"
            xml = _set_cell(xml, ref, b'<c r="%s"><v>%s</v></c>' % (ref.encode(), value))
        return xml

    _in_ideas(base, target, change)
    return target


def absurd_values(base: Path, target: Path) -> Path:
    """1e308 where a value is (turned into infinity by any sum) and a start in the year 9999."""
    header, letters = _ideas_layout(base)

    def change(xml: bytes) -> bytes:
        value = f"{letters['Supplier annual']}{header + 1}"
        start = f"{letters['Start']}{header + 2}"
        xml = _set_cell(xml, value, b'<c r="%s"><v>1e308</v></c>' % value.encode())
        return _set_cell(xml, start, b'<c r="%s"><v>2958465</v></c>' % start.encode())  # 9999-12-31

    _in_ideas(base, target, change)
    return target


def merged_header(base: Path, target: Path) -> Path:
    """'Idea ID' and 'Customer ID' merged into one header cell (the second header is gone)."""
    header, letters = _ideas_layout(base)
    first, second = f"{letters['Idea ID']}{header}", f"{letters['Customer ID']}{header}"

    def change(xml: bytes) -> bytes:
        xml = _set_cell(xml, second, b'<c r="%s"/>' % second.encode())
        merge = b'<mergeCell ref="%s:%s"/>' % (first.encode(), second.encode())
        if b"<mergeCells" in xml:
            return re.sub(rb"(<mergeCells[^>]*>)", lambda m: m.group(1) + merge, xml, count=1)
        return _before_tail(xml, b'<mergeCells count="1">' + merge + b"</mergeCells>")

    _in_ideas(base, target, change)
    return target


def duplicated_header(base: Path, target: Path) -> Path:
    """The 'Description' header renamed 'Title': two Title columns."""
    header, letters = _ideas_layout(base)
    ref = f"{letters['Description']}{header}"
    cell = b'<c r="%s" t="inlineStr"><is><t>Title</t></is></c>' % ref.encode()
    _in_ideas(base, target, lambda xml: _set_cell(xml, ref, cell))
    return target


def _far_value(ref: bytes) -> Callable[[Path, Path], Path]:
    row = re.sub(rb"[A-Z]", b"", ref)

    def build(base: Path, target: Path) -> Path:
        fragment = b'<row r="%s"><c r="%s" t="inlineStr"><is><t>x</t></is></c></row>' % (row, ref)
        _in_ideas(base, target, lambda xml: xml.replace(b"</sheetData>", fragment + b"</sheetData>", 1))
        return target

    return build


MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _with_sheet_before(workbook_xml: bytes, before: str, attributes: dict[str, str]) -> bytes:
    """The workbook part with a sheet entry added before the sheet named ``before``. The XML is
    parsed, not matched: openpyxl declares the relationships namespace on the workbook element or,
    with lxml installed, on every sheet element."""
    ElementTree.register_namespace("", MAIN_NS)
    ElementTree.register_namespace("r", REL_NS)
    root = ElementTree.fromstring(workbook_xml)
    sheets = root.find(f"{{{MAIN_NS}}}sheets")
    assert sheets is not None
    names = [s.get("name") for s in sheets]
    entry = ElementTree.Element(f"{{{MAIN_NS}}}sheet", attributes)
    sheets.insert(names.index(before), entry)
    return ElementTree.tostring(root, encoding="UTF-8", xml_declaration=True)


def hidden_copy(base: Path, target: Path) -> Path:
    """A hidden sheet 'ideas' before the visible 'Ideas': a stale copy whose titles say so."""
    part = _ideas_part(base)
    with zipfile.ZipFile(base) as archive:
        copy = archive.read(part)
    copy = re.sub(
        rb"<tableParts.*?</tableParts>|<tableParts[^>]*/>|<legacyDrawing[^>]*/>|<drawing[^>]*/>", b"", copy
    )
    copy = re.sub(rb"<t>[^<]*</t>", b"<t>HIDDEN STALE COPY</t>", copy)
    copy = re.sub(rb"<t xml:space=\"preserve\">[^<]*</t>", b"<t>HIDDEN STALE COPY</t>", copy)
    ideas_name = find_sheet(workbook_sheet_names(base), "Ideas")

    def change(name: str, data: bytes) -> bytes:
        if name == "xl/workbook.xml":
            return _with_sheet_before(data, ideas_name, {"name": "ideas", "sheetId": "999", "state": "hidden",
                                                         f"{{{REL_NS}}}id": "rIdHiddenCopy"})  # fmt: skip
        if name == "xl/_rels/workbook.xml.rels":
            rel = (
                b'<Relationship Id="rIdHiddenCopy" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'relationships/worksheet" Target="worksheets/hiddencopy.xml"/>'
            )
            return data.replace(b"</Relationships>", rel + b"</Relationships>")
        if name == "[Content_Types].xml":
            override = (
                b'<Override PartName="/xl/worksheets/hiddencopy.xml" ContentType="application/'
                b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            )
            return data.replace(b"</Types>", override + b"</Types>")
        return data

    _rewrite(base, target, change, [("xl/worksheets/hiddencopy.xml", copy)])
    return target


@dataclass(frozen=True)
class Case:
    """``fine``: the file is fine, and the command must answer as for the unspoilt file; ``edits``:
    it changes what a returned workbook says, so a command checking its signed fields may find a
    change (exit 0 or 1)."""

    name: str
    build: Callable[[Path, Path], Path]
    fine: bool
    edits: bool = False


CASES = [
    Case("XML bomb", bomb_xml, False),
    Case("external entity", external_entity, False),
    Case("zip bomb", zip_bomb, False),
    Case("traversal member names", traversal_names, True),
    Case("traversal part target", traversal_target, False),
    Case("truncated zip", truncated, False),
    Case("encrypted", encrypted, False),
    Case(".xls renamed .xlsx", xls_renamed, False),
    Case(".ods renamed .xlsx", ods_renamed, False),
    Case("0-byte file", empty, False),
    Case("directory", folder, False),
    Case("unreadable (mode 000)", unreadable, False),
    Case("FIFO", fifo, False),
    Case("path through a file", through_a_file, False),
    Case("symlink loop", link_loop, False),
    Case("claims 1,048,576 rows", claims_all_rows, True),
    Case("32,767-character cells", long_cells, True, edits=True),
    Case("NaN and Infinity cells", not_finite, False),
    Case("1e308 and a year-9999 date", absurd_values, False),
    Case("merged header cells", merged_header, False),
    Case("duplicated header", duplicated_header, False),  # the reader refuses a repeated heading
    Case("value in XFD1048576", _far_value(b"XFD1048576"), False),
    Case("value in A1048576", _far_value(b"A1048576"), False),
    Case("hidden 'ideas' before 'Ideas'", hidden_copy, True),
]


# --- the commands ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Command:
    """``argv(hostile, master, book, run)``: the arguments, the hostile file in its place; ``book``:
    the hostile file is built from a returned customer workbook (else from the master)."""

    name: str
    argv: Callable[[Path, Path, Path, Path], list[str]]
    book: bool = False
    writes: bool = False  # the command may rewrite the file in the hostile file's place


COMMANDS = [
    Command("validate", lambda h, m, b, run: ["validate", str(h)]),
    Command("generate", lambda h, m, b, run: ["generate", str(h), "--out", str(run / "out")]),
    Command("signoff", lambda h, m, b, run: ["signoff", str(h), "--out", str(run / "signoff.xlsx")]),
    Command("select --apply", lambda h, m, b, run: ["select", str(h), "--apply"], writes=True),
    Command("synthesize", lambda h, m, b, run: ["synthesize", str(h)], writes=True),
    Command("wave", lambda h, m, b, run: ["wave", str(h)], writes=True),
    Command("track", lambda h, m, b, run: ["track", str(h)], writes=True),
    Command("passbook", lambda h, m, b, run: ["passbook", str(h)], writes=True),
    Command("import (master)", lambda h, m, b, run: ["import", str(h), str(b)], writes=True),
    Command("import (book)", lambda h, m, b, run: ["import", str(m), str(h)], book=True),
    Command("verify", lambda h, m, b, run: ["verify", str(h)], book=True),
    Command("reconcile (master)", lambda h, m, b, run: ["reconcile", str(h), str(b)]),
    Command("reconcile (book)", lambda h, m, b, run: ["reconcile", str(m), str(h)], book=True),
]


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sample master and one of its customer workbooks, as generated."""
    folder = tmp_path_factory.mktemp("originals")
    master = folder / "master.xlsx"
    write_master(master, sample_settings(), sample_tables())
    with _quiet():
        assert main(["generate", str(master), "--out", str(folder / "books")]) == 0
    book = sorted((folder / "books").glob("*.xlsx"))[0]
    return master, book


@contextlib.contextmanager
def _quiet() -> Iterator[io.StringIO]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        yield out


class Hang(Exception):
    pass


def _digests(root: Path, skip: Path) -> dict[str, str]:
    out = {}
    for path in sorted(root.rglob("*")):
        if skip in path.parents or path == skip or path.is_symlink() or not path.is_file():
            continue
        out[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def _sheet_names(path: Path) -> list[str]:
    """The workbook's sheet names, [] when it is no readable workbook (never opening a FIFO)."""
    if path.is_symlink() or not path.is_file():
        return []
    try:
        return workbook_sheet_names(path)
    except Exception:  # not a zip, no workbook part, or one expat refuses (the XML bomb)
        return []


def _files(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and not p.is_symlink()}


def _peak_reset() -> None:
    with contextlib.suppress(OSError), open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")  # resets this process's peak resident memory (VmHWM)


def _status_mb(field: str) -> float:
    with open("/proc/self/status") as status:
        return int(status.read().split(f"{field}:")[1].split()[0]) / 1024


def _peak_mb() -> float:
    return _status_mb("VmHWM")


def _resident_mb() -> float:
    return _status_mb("VmRSS")


@dataclass
class Run:
    case: str
    command: str
    code: int | None
    seconds: float
    peak_mb: float
    traceback: str = ""
    outside: int = 0


RUNS: list[Run] = []


def _run(argv: list[str]) -> tuple[int | None, str, str]:
    """The exit code and output of a command run in process; a traceback is returned as text."""
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code: int | None = main(argv)
    except SystemExit as exc:  # argparse refusing the arguments: a usage error, no traceback
        code = exc.code if isinstance(exc.code, int) else 2
    except BaseException as exc:  # a traceback (or a hang, see ``watchdog``) is what this test looks for
        return None, out.getvalue(), "".join(traceback.format_exception(exc))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def watchdog() -> Iterator[None]:
    """A test still running after ``HANG_SECONDS`` fails (a read of a FIFO would block for ever)."""

    def alarm(signum: int, frame: object) -> None:
        raise Hang(f"still running after {HANG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(HANG_SECONDS)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.fixture(scope="module")
def baselines(
    originals: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, int | None]:
    """Each command's exit code on copies of the unspoilt files."""
    master, book = originals
    codes = {}
    for command in COMMANDS:
        run = tmp_path_factory.mktemp("baseline")
        m, b = run / "m.xlsx", run / "b.xlsx"
        m.write_bytes(master.read_bytes())
        b.write_bytes(book.read_bytes())
        hostile = run / "h.xlsx"
        hostile.write_bytes((book if command.book else master).read_bytes())
        codes[command.name], _, _ = _run(command.argv(hostile, m, b, run))
    return codes


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_hostile_file(
    case: Case, command: Command, originals, baselines, watchdog, tmp_path, monkeypatch
) -> None:
    master, book = originals
    run = tmp_path / "run"
    run.mkdir()
    # the working folder, the temporary folder and the home folder of the run: all must stay empty
    here, temporary, home = tmp_path / "cwd", tmp_path / "tmp", tmp_path / "home"
    for folder_ in (here, temporary, home):
        folder_.mkdir()
    monkeypatch.chdir(here)
    monkeypatch.setenv("TMPDIR", str(temporary))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setattr(tempfile, "tempdir", None)
    good_master, good_book = run / "master.xlsx", run / "book.xlsx"
    good_master.write_bytes(master.read_bytes())
    good_book.write_bytes(book.read_bytes())
    hostile = case.build(book if command.book else master, run / "hostile.xlsx")
    before_hostile = hostile.read_bytes() if hostile.is_file() and os.access(hostile, os.R_OK) else None
    before_run = _digests(run, skip=run / "out")
    names_before = {p: _sheet_names(p) for p in (good_master, good_book, hostile)}
    outside_before = _digests(master.parent, skip=master.parent / "books") | _digests(book.parent, skip=run)
    argv = command.argv(hostile, good_master, good_book, run)

    _peak_reset()
    start = time.perf_counter()
    code, out, err = _run(argv)
    record = Run(case.name, command.name, code, time.perf_counter() - start, _peak_mb())
    RUNS.append(record)

    if code is None:
        record.traceback = err
    assert code is not None, f"{case.name} / {command.name}: a traceback\n{err[-3000:]}"
    stray = sorted(_files(here) | _files(temporary) | _files(home))
    outside_after = _digests(master.parent, skip=master.parent / "books") | _digests(book.parent, skip=run)
    record.outside = len(stray) + len(set(outside_after.items()) ^ set(outside_before.items()))
    assert not stray, f"written outside the run's folder: {stray}"
    assert outside_after == outside_before, "a file outside the run's folder changed"
    assert "Traceback (most recent call last)" not in out + err
    assert SECRET not in out + err
    assert not any("evil" in name for name in _files(tmp_path)), "a traversal name was unpacked"
    assert code in (0, 1, 2)
    said = (err or out)[-2000:]
    for path, names in names_before.items():
        if names:  # sheets may be added (Passbook, Wave plan ...); none renamed, none lost
            assert [n for n in _sheet_names(path) if n in names] == names, path.name
    if before_hostile is not None and not command.writes:
        assert hostile.read_bytes() == before_hostile, "a command that only reads changed its input"
    if case.fine:
        if case.edits and command.book:
            assert code in (0, 1), f"{case.name} / {command.name}: {said}"
        else:
            assert code == baselines[command.name], f"{case.name} / {command.name}: {said}"
        return
    assert code in (1, 2), said
    assert hostile.name in out + err, f"the message does not name {hostile.name}: {said}"
    # refused: nothing written, the file as it was
    assert _digests(run, skip=run / "out") == before_run
    if before_hostile is not None:
        assert hostile.read_bytes() == before_hostile
    assert not (run / "out").exists() or not any((run / "out").iterdir()), "a refused command wrote books"
    assert not (run / "signoff.xlsx").exists()
    for path in run.rglob("*"):
        if path.is_file() and not path.is_symlink():
            assert SECRET.encode() not in path.read_bytes() or path.name == "secret.txt"


def test_catalogue_summary(tmp_path) -> None:
    """The figures of the catalogue (written to $CVM_HOSTILE_REPORT when set): runs, tracebacks, files
    written outside, and the slowest and the hungriest run."""
    if not RUNS:
        pytest.skip("the catalogue did not run (deselected)")
    slowest = max(RUNS, key=lambda r: r.seconds)
    hungriest = max(RUNS, key=lambda r: r.peak_mb)
    summary = {
        "cases": len({r.case for r in RUNS}),
        "commands": len({r.command for r in RUNS}),
        "runs": len(RUNS),
        "tracebacks": sum(1 for r in RUNS if r.traceback),
        "files_written_outside": sum(r.outside for r in RUNS),
        "slowest": {"case": slowest.case, "command": slowest.command, "seconds": round(slowest.seconds, 2)},
        "most_memory": {
            "case": hungriest.case,
            "command": hungriest.command,
            "peak_mb": round(hungriest.peak_mb),
        },
        "exit_codes": {str(c): sum(1 for r in RUNS if r.code == c) for c in (0, 1, 2)},
    }
    report = os.environ.get("CVM_HOSTILE_REPORT")
    if report:
        Path(report).write_text(json.dumps(summary, indent=2))
    print(json.dumps(summary, indent=2))
    assert summary["tracebacks"] == 0 and summary["files_written_outside"] == 0
    assert slowest.seconds < 60 and hungriest.peak_mb < 1024


# --- how far a sheet reaches (spreadsheet.sheet_extent) -------------------------------------------


def _stray(path: Path) -> list:
    with pytest.raises(WorkbookError) as caught:
        load_master(path)
    return [p for p in caught.value.problems if p.code == Code.SHEET_STRAY_CELLS]


@pytest.mark.parametrize("ref", ["XFD1048576", "A1048576", "XFD300"])
def test_a_far_value_is_named_at_once_and_not_read(tmp_path, ref: str) -> None:
    """python-calamine would allocate the rectangle up to the far cell (549 GB for XFD1048576, which
    aborts the process; a million rows for A1048576): the sheet is refused first, naming the cell."""
    base = write_good(tmp_path / "good.xlsx")
    path = _far_value(ref.encode())(base, tmp_path / "far.xlsx")
    _peak_reset()
    # What reading the sheet adds to this process (already large after a long test run): the far
    # rectangle would take gigabytes.
    resident = _resident_mb()
    start = time.perf_counter()
    [problem] = _stray(path)
    assert time.perf_counter() - start < 2.0
    assert _peak_mb() - resident < 400
    assert (problem.sheet, problem.ref, problem.severity) == ("Ideas", ref, "error")
    assert problem.message.startswith("The sheet reaches ")
    assert "cvm-xl reads a sheet only as far as twice the " in problem.message
    assert problem.fix.startswith(f"Clear {ref} and any other stray cell")


def test_far_formatting_and_a_claimed_dimension_are_read_as_usual(tmp_path) -> None:
    """A formatted empty cell far away and a <dimension> claiming the whole sheet hold no value: the
    master reads as if they were not there."""
    base = write_good(tmp_path / "good.xlsx")
    formatted = tmp_path / "formatted.xlsx"
    fragment = b'<row r="1048576"><c r="XFD1048576" s="0"/></row>'
    _in_ideas(base, formatted, lambda xml: xml.replace(b"</sheetData>", fragment + b"</sheetData>"))
    claimed = claims_all_rows(base, tmp_path / "claimed.xlsx")
    for path in (formatted, claimed):
        assert len(load_master(path).ideas) == len(load_master(base).ideas)


def test_a_far_value_on_a_small_sheet_is_read(tmp_path) -> None:
    """XFD2 on a sheet of four rows is 65,536 cells: cheap, so read as before (no stray-cell problem)."""
    base = write_good(tmp_path / "good.xlsx")
    path = tmp_path / "wide.xlsx"
    cell = b'<c r="XFD2" t="inlineStr"><is><t>note</t></is></c>'
    _in_ideas(base, path, lambda xml: _set_cell(xml, "XFD2", cell))
    assert len(load_master(path).ideas) == 3


def _sheet_xml(rows: bytes, prefix: bytes = b"") -> bytes:
    p = prefix + b":" if prefix else b""
    namespace = b"xmlns" + (b":" + prefix if prefix else b"")
    head = (
        b'<?xml version="1.0"?><%sworksheet %s="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        % (
            p,
            namespace,
        )
    )
    return head + b"<%ssheetData>" % p + rows + b"</%ssheetData></%sworksheet>" % (p, p)


def _with_sheet(base: Path, target: Path, xml: bytes) -> Path:
    part = _ideas_part(base)
    _rewrite(base, target, lambda name, data: xml if name == part else data)
    return target


def _value(ref: bytes, p: bytes = b"") -> bytes:
    return b'<%sc r="%s" t="inlineStr"><%sis><%st>v</%st></%sis></%sc>' % (p, ref, p, p, p, p, p)


def _rows_of_a(first: int, last: int) -> bytes:
    return b"".join(b'<row r="%d">' % r + _value(b"A%d" % r) + b"</row>" for r in range(first, last + 1))


_NO_ADDRESS = b'<c t="inlineStr"><is><t>v</t></is></c>'
# name: (the rows of sheetData, namespace prefix, last row, rows holding values, stray)
EXTENT_SHEETS = {
    "plain": (
        b'<row r="1">' + _value(b"A1") + _value(b"C1") + b'</row><row r="2">' + _value(b"B2") + b"</row>",
        b"", 2, 2, False,
    ),
    "prefixed": (
        b'<x:row r="1">' + _value(b"A1", b"x:") + b"</x:row>"
        + b'<x:row r="1048576">' + _value(b"XFD1048576", b"x:") + b"</x:row>",
        b"x", 1_048_576, 2, True,
    ),
    "rows without address": (b"<row/>" * 3000 + b"<row>" + _NO_ADDRESS * 400 + b"</row>", b"", 3001, 1, True),
    "cells without address": (
        b'<row r="1">' + b"<c/>" * 16000 + _NO_ADDRESS + b"</row>" + _rows_of_a(2, 199), b"", 199, 199, True
    ),
    "a far row first": (
        b'<row r="1048576">' + _value(b"A1048576") + b"</row>" + _rows_of_a(1, 199), b"", 1_048_576, 200, True
    ),
    "an address that disagrees with its row": (
        _rows_of_a(1, 99) + b'<row r="100">' + _value(b"A1048576") + b"</row>" + _rows_of_a(101, 199),
        b"", 1_048_576, 199, True,
    ),
    "cells out of order": (
        b'<row r="1">' + _value(b"XFD1") + _value(b"A1") + b"</row>" + _rows_of_a(2, 199), b"", 199, 199, True
    ),
}  # fmt: skip


@pytest.mark.parametrize("chunk", [1 << 20, 64])
@pytest.mark.parametrize("case", EXTENT_SHEETS)
def test_the_extent_is_measured_whatever_the_writer(tmp_path, monkeypatch, case: str, chunk: int) -> None:
    """Namespace prefixes, rows and cells without an address (their place follows the one before),
    cells out of order, and pieces of the stream cut anywhere: the fast path either measures the
    sheet or hands it to the exact one, and the result is the same."""
    monkeypatch.setattr(sheet_xml, "_CHUNK", chunk)
    rows, prefix, last_row, used_rows, stray = EXTENT_SHEETS[case]
    base = write_good(tmp_path / "good.xlsx")
    path = _with_sheet(base, tmp_path / "sheet.xlsx", _sheet_xml(rows, prefix))
    extent = scan_sheets(path, ["Ideas"])["Ideas"].extent
    assert (extent.rows, extent.used_rows, extent.stray) == (last_row, used_rows, stray)
    if stray:
        assert _stray(path)


def test_the_stray_rule() -> None:
    """Stray: more than a million cells to allocate, and the last row (column) more than twice the
    rows (columns) holding values, plus a margin."""
    assert not SheetExtent(300_001, 33, 300_001, 33).stray  # a big master: every row holds values
    assert SheetExtent(1_048_576, 33, 300_001, 33).stray  # ... and one value in row 1,048,576
    assert SheetExtent(300_001, 16_384, 300_001, 34).stray  # ... and one in column XFD
    assert not SheetExtent(5, 16_384, 5, 21).stray  # XFD5 on a small sheet: 81,920 cells
    assert not SheetExtent(40_000, 20, 18_000, 20).stray  # blank rows in the table, under the limit
    assert SheetExtent(AREA_FLOOR, 2, 10, 2).area == 2 * AREA_FLOOR
    huge = SheetExtent(1_000_000, 116, 1_000_000, 33, "DL1000000")  # dense, but past any master
    assert huge.stray and not huge.far_rows and not huge.far_columns
    problem = stray_cells_problem("m.xlsx", "Ideas", huge)
    assert "cvm-xl reads at most 100,000,000 cells of a sheet" in problem.message
    assert (problem.ref, problem.row, problem.code) == ("DL1000000", 1_000_000, Code.SHEET_STRAY_CELLS)


# --- a hidden sheet with a visible sheet's name ---------------------------------------------------


def test_sheets_in_view_leave_out_a_hidden_sheet_with_a_visible_ones_name() -> None:
    sheets = [("Settings", False), ("ideas", True), ("Ideas ", False), ("Archive", True)]
    assert sheets_in_view(sheets) == ["Settings", "Ideas ", "Archive"]
    assert find_sheet(sheets_in_view(sheets), "Ideas") == "Ideas "
    assert sheets_in_view([("Ideas", True)]) == ["Ideas"]  # hidden and alone: still read


def test_the_visible_ideas_sheet_is_read_and_written_and_no_sheet_is_renamed(tmp_path) -> None:
    """A hidden stale copy named 'ideas' before the visible 'Ideas': the loader reads the visible
    one, a change goes to the visible one, and both keep their names (openpyxl would save the
    visible one as 'Ideas1')."""
    base = write_good(tmp_path / "good.xlsx")
    path = hidden_copy(base, tmp_path / "hidden.xlsx")
    names = workbook_sheet_names(path)
    assert names[3:5] == ["ideas", "Ideas"]
    master = load_master(path)
    assert "HIDDEN STALE COPY" not in set(master.ideas["Title"])
    row = int(master.ideas.index[master.ideas["Idea ID"] == "I-02"][0])
    update_master(path, [CellChange("Ideas", row, "Status", "Selected")], backup=False)
    # None renamed; the save made the master live, which adds the hidden Lists sheet its formulas read.
    assert workbook_sheet_names(path) == [*names, LISTS_SHEET]
    with CalamineWorkbook.from_path(str(path)) as workbook:
        visible = workbook.get_sheet_by_name("Ideas").to_python()
        hidden = workbook.get_sheet_by_name("ideas").to_python()
    assert visible[row - 1][visible[0].index("Status")] == "Selected"
    assert "Selected" not in {v for r in hidden for v in r}
    assert load_master(path).ideas.loc[row, "Status"] == "Selected"


def test_select_apply_on_a_master_with_a_hidden_copy(originals, tmp_path) -> None:
    master, _ = originals
    path = hidden_copy(master, tmp_path / "master.xlsx")
    names = workbook_sheet_names(path)
    with _quiet():
        assert main(["select", str(path), "--apply"]) == 0
        assert main(["wave", str(path)]) == 0
    assert [n for n in workbook_sheet_names(path) if n in names] == names  # none renamed, none lost
    selected = load_master(path).ideas["Status"].eq("Selected").sum()
    assert selected > 0
