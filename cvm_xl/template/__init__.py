"""The master workbook template (``workbook_template.xlsm``), built reproducibly from the repository's
sources: the table layout of ``cvm_xl.schema``, the worksheet functions of ``udfs`` and the VBA
modules of ``cvm_xl.vba``. Never edited by hand: ``cvm-xl template`` rebuilds it.
"""

from .builder import FILE_NAME, build_template

__all__ = ["FILE_NAME", "build_template"]
