"""The pure rules of CVM (SPEC §3): values, outcomes, verdicts, splits, the passbook, the wave,
tracking and the sign-off fingerprint, plus the one cell parser (``cells``).

No file input or output here and no Excel library: every surface (UDFs, native formulas, the
command line, the generators) reads these functions and the data they declare.
"""
