"""Every `cvm-xl ...` command line of the README parses with the real argument parser, and the ones of
the wave table, the facilitator's flow and the round trip can be pasted as they stand (issue 13: the
wave table's commands lacked the MASTER argument).

What counts as a command line: a line of a code block, a cell of a table with a "command" column, and
any other code span that says more than a command's name (a bare `cvm-xl wave` in prose names the
command; its name must exist). A usage synopsis (`cvm-xl wave MASTER [--customer ID] [--dry-run]`)
parses without its optional parts, and each option it shows must be one of the command's.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import pytest

from cvm_xl.cli.main import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"
# The sections whose commands must run as written, with no placeholder to fill in.
PASTEABLE = (
    "A CVM wave, step by step",
    "The facilitator's flow: from raw ideas to the monthly report",
    "The round trip: from the master to the customer and back",
)
PLACEHOLDER = re.compile(r"^[A-Z][A-Z_]*(\.\.\.|…)?$")  # MASTER, BOOK..., BOOK_A, DIR, ID


@dataclass(frozen=True)
class Command:
    line: int  # 1-based line of the README
    text: str  # as written, without a leading '$ ' and trailing comment
    section: str  # the '## ' heading above it
    command_line: bool  # a code line or a command-table cell (else: a code span in prose)
    heading: bool

    @property
    def synopsis(self) -> bool:
        return "[" in self.text

    @property
    def bare(self) -> bool:
        """Only the command's name (`cvm-xl wave`), in prose: a mention, not a line to run."""
        return not self.command_line and len(self.text.split()) == 2

    def __str__(self) -> str:
        return f"README.md:{self.line}: {self.text}"


def _tokens(text: str) -> list[str]:
    return shlex.split(text, comments=True)


def readme_commands(text: str) -> list[Command]:
    lines = text.splitlines()
    section = ""
    sections: list[str] = []
    in_fence = False
    fenced: list[bool] = []
    command_table: list[bool] = []
    table_has_command = False
    for index, line in enumerate(lines):
        if line.startswith("```"):
            in_fence = not in_fence
            fenced.append(True)
        else:
            fenced.append(in_fence)
        if not in_fence and line.startswith("## "):
            section = line[3:].strip()
        sections.append(section)
        if line.startswith("|"):
            if index == 0 or not lines[index - 1].startswith("|"):  # a table's header row
                cells = [c.strip().lower() for c in line.strip("|").split("|")]
                table_has_command = "command" in cells
            command_table.append(table_has_command)
        else:
            command_table.append(False)

    found: list[Command] = []
    for index, line in enumerate(lines):
        code = line.strip()
        indented = line.startswith("    ") and not fenced[index]
        if (fenced[index] or indented) and re.match(r"^(\$ )?cvm-xl ", code):
            text = re.sub(r"\s+#\s.*$", "", code.removeprefix("$ "))  # the comment left out
            found.append(Command(index + 1, text, sections[index], True, False))
    # Code spans outside code blocks; a span may run over a line break.
    prose = "\n".join("" if fenced[i] else line for i, line in enumerate(lines))
    for match in re.finditer(r"`(cvm-xl[^`]*)`", prose):
        index = prose.count("\n", 0, match.start())
        line = lines[index]
        if line.startswith("    ") and line.strip().startswith("cvm-xl"):
            continue  # an indented code line, taken above
        text = " ".join(match.group(1).split())
        found.append(Command(index + 1, text, sections[index], command_table[index], line.startswith("#")))
    return found


COMMANDS = readme_commands(README.read_text(encoding="utf-8"))


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def _parses(argv: list[str]) -> str:
    """'' when the real parser takes ``argv``, else what it said."""
    said = io.StringIO()
    try:
        with contextlib.redirect_stderr(said):
            build_parser().parse_args(argv)
    except SystemExit:
        return said.getvalue().strip().splitlines()[-1]
    return ""


def problem(command: Command) -> str:
    """What is wrong with a command line of the README ('' when nothing is)."""
    tokens = _tokens(command.text)
    assert tokens[0] == "cvm-xl"
    subcommands = _subcommands(build_parser())
    if len(tokens) < 2 or tokens[1] not in subcommands:
        return f"no command {tokens[1:2]}"
    if command.bare:
        return ""
    if command.synopsis:
        optional = re.findall(r"\[([^\]]*)\]", command.text)
        options = subcommands[tokens[1]]._option_string_actions
        unknown = [o for group in optional for o in re.findall(r"--[\w-]+", group) if o not in options]
        if unknown:
            return f"unknown options {unknown}"
        required = re.sub(r"\s*\[[^\]]*\]", "", command.text)
        said = _parses(_tokens(required)[1:])
        return f"does not parse without its optional parts: {said}" if said else ""
    said = _parses(tokens[1:])
    if said:
        return f"does not parse: {said}"
    if command.section in PASTEABLE and not command.heading:
        placeholders = [t for t in tokens[1:] if PLACEHOLDER.match(t)]
        if placeholders:
            return f"cannot be pasted as it stands: fill in {placeholders}"
    return ""


def test_the_readme_has_the_commands_this_test_is_about():
    texts = {c.text for c in COMMANDS}
    assert "cvm-xl select cvm_master.xlsx --apply" in texts  # the wave table
    assert 'cvm-xl import master.xlsx "customers/KAPPA-7 Kappa Tubes Ltd.xlsx" --dry-run' in texts
    assert {c.section for c in COMMANDS if not c.synopsis} >= set(PASTEABLE)
    assert sum(c.command_line for c in COMMANDS) >= 30


@pytest.mark.parametrize("command", COMMANDS, ids=str)
def test_every_readme_command_parses(command: Command):
    assert problem(command) == "", f"{command}: {problem(command)}"


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("cvm-xl select --apply", "does not parse"),  # the wave table before issue 13
        ("cvm-xl verify BOOK", "cannot be pasted"),
        ("cvm-xl import cvm_master.xlsx BOOK…", "cannot be pasted"),
        ("cvm-xl reconcile A B", "cannot be pasted"),
        ("cvm-xl wave MASTER [--customer ID] [--nonsense]", "unknown options"),
        ("cvm-xl waves cvm_master.xlsx", "no command"),
    ],
)
def test_the_check_catches_what_cannot_be_pasted(text: str, why: str):
    command = Command(1, text, PASTEABLE[0], True, False)
    assert problem(command).startswith(why)
