"""Use cases shared by the command line and the macros. Each returns its results and Problems as
data and prints nothing; ``cvm_xl.cli`` and ``cvm_xl.macros`` only present them."""
