"""exceljs and SheetJS driven from Python: ``node read.js READER FILE`` (tests/readers/node), what the
reader read as {sheet name: {cell: value}}."""

from __future__ import annotations

import json
from pathlib import Path

from processes import run_killable

NODE_DIR = Path(__file__).parent / "node"
NODE_TIMEOUT_SECONDS = 120


class NodeReaders:
    """``node read.js READER FILE``: what exceljs or SheetJS reads, as {sheet name: {cell: value}}."""

    def __init__(self, node: str) -> None:
        self.node = node

    def read(self, reader: str, path: Path) -> dict[str, dict[str, object]]:
        code, out, err = run_killable(
            [self.node, str(NODE_DIR / "read.js"), reader, str(path)],
            NODE_TIMEOUT_SECONDS,
            f"{reader} did not load {path.name} within {NODE_TIMEOUT_SECONDS} s",
            cwd=NODE_DIR,
        )
        assert code == 0, f"{reader} could not load {path.name}:\n{err.decode(errors='replace')}"
        return {sheet["name"]: sheet["cells"] for sheet in json.loads(out)["sheets"]}
