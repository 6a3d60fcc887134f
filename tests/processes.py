"""Running a second application from the tests: LibreOffice, Gnumeric, node.

Each runs in a session of its own so that a run past its time is killed with every process it
started (soffice.bin, ssconvert's helpers), never left behind to hold a profile or a core.
"""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def run_killable(
    command: Sequence[str],
    timeout: float,
    too_long: str,
    *,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> tuple[int, bytes, bytes]:
    """Exit code, stdout and stderr of ``command``; past ``timeout`` seconds its whole process group
    is killed and the test fails with ``too_long``."""
    process = subprocess.Popen(
        list(command),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=None if env is None else dict(env),
        cwd=cwd,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise AssertionError(too_long) from None
    return process.returncode, out, err
