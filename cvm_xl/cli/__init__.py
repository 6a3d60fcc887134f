"""The `cvm-xl` command line: ``main`` (in ``cvm_xl.cli.main``) and one module per sub-command,
each presenting an action of ``cvm_xl.actions`` or a reading of the master in the terminal.
``cvm_xl.cli.common`` holds what the commands share: exit codes, usage errors, problem tables.
"""

from cvm_xl.cli.main import main

__all__ = ["main"]
