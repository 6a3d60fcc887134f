"""Set up cvm-xl in a private virtual environment and run it: the README's two commands.

    python bootstrap.py demo [--out DIR]   # install, then run `cvm-xl demo`
    python bootstrap.py test [PYTEST ARGS] # install with test extras and the JavaScript readers,
                                           # then ruff, lint-imports, mypy, pytest
    python bootstrap.py cvm-xl ARGS...     # install, then any cvm-xl command

Only the Python standard library is used here, so it works on a machine that has only Python
(Linux, macOS, Windows). The environment lives in .venv and is reinstalled when pyproject.toml
changes.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".cvm-xl-installed"
# The JavaScript readers of the reader tests (exceljs, SheetJS), pinned by their package-lock.json.
NODE_READERS = ROOT / "tests" / "readers" / "node"
NODE_STAMP = NODE_READERS / "node_modules" / ".cvm-xl-lock"


def _wanted_stamp(extras: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"{digest} {extras}"


def ensure_installed(extras: str) -> None:
    if sys.version_info < (3, 11):
        sys.exit(f"cvm-xl needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if not PYTHON.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    wanted = _wanted_stamp(extras)
    if STAMP.exists() and STAMP.read_text() in (wanted, _wanted_stamp("test")):
        return
    print("Installing cvm-xl and its dependencies into .venv ...", flush=True)
    target = f".[{extras}]" if extras else "."
    subprocess.run(
        [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target],
        cwd=ROOT,
        check=True,
    )
    STAMP.write_text(wanted)


def ensure_node_readers() -> None:
    """``npm ci`` in tests/readers/node when its node_modules is missing or was installed from
    another package-lock.json. Without npm the reader tests say what is missing (and fail under CI)."""
    digest = hashlib.sha256((NODE_READERS / "package-lock.json").read_bytes()).hexdigest()
    if NODE_STAMP.exists() and NODE_STAMP.read_text() == digest:
        return
    npm = shutil.which("npm")
    if npm is None:
        print(
            "npm was not found: the reader tests need Node.js and npm for exceljs and SheetJS "
            "(Debian: apt-get install nodejs npm; elsewhere: https://nodejs.org). Continuing without them.",
            file=sys.stderr,
        )
        return
    print("Installing the JavaScript readers (npm ci in tests/readers/node) ...", flush=True)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=NODE_READERS, check=True)
    NODE_STAMP.write_text(digest)


def run(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0 if argv else 2
    command, rest = argv[0], argv[1:]
    if command == "test":
        ensure_installed("test")
        ensure_node_readers()
        # The shape of the code first (seconds), then the tests (minutes).
        checks = (
            ("ruff", [str(PYTHON), "-m", "ruff", "check", "."]),
            ("import contracts", [str(BIN / ("lint-imports.exe" if os.name == "nt" else "lint-imports"))]),
            ("type check", [str(PYTHON), "-m", "mypy"]),
        )
        for name, argv in checks:
            print(f"Checking: {name} ...", flush=True)
            done = subprocess.run(argv, cwd=ROOT)
            if done.returncode:
                print(f"{name} failed: see above.", file=sys.stderr)
                return done.returncode
        return subprocess.run([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT).returncode
    ensure_installed("")
    cli = [str(PYTHON), "-m", "cvm_xl"]
    if command == "demo":
        return subprocess.run([*cli, "demo", *rest], cwd=ROOT).returncode
    if command == "cvm-xl":
        return subprocess.run([*cli, *rest]).returncode
    print(f"Unknown command {command!r}.\n{__doc__}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(run(sys.argv[1:]))
    except subprocess.CalledProcessError as exc:
        sys.exit(f"Setup failed ({exc}); see the pip (or npm) output above.")
