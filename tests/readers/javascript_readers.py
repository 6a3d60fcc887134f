"""exceljs and SheetJS driven from Python: ``node read.js READER FILE`` (tests/readers/node), what the
reader read as {sheet name: {cell: value}}."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

NODE_DIR = Path(__file__).parent / "node"
NODE_TIMEOUT_SECONDS = 120


class NodeReaders:
    """``node read.js READER FILE``: what exceljs or SheetJS reads, as {sheet name: {cell: value}}."""

    def __init__(self, node: str) -> None:
        self.node = node

    def read(self, reader: str, path: Path) -> dict[str, dict[str, object]]:
        process = subprocess.Popen(
            [self.node, str(NODE_DIR / "read.js"), reader, str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=NODE_DIR,
            start_new_session=True,
        )
        try:
            out, err = process.communicate(timeout=NODE_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise AssertionError(
                f"{reader} did not load {path.name} within {NODE_TIMEOUT_SECONDS} s"
            ) from None
        assert process.returncode == 0, (
            f"{reader} could not load {path.name}:\n{err.decode(errors='replace')}"
        )
        return {sheet["name"]: sheet["cells"] for sheet in json.loads(out)["sheets"]}
