"""The master workbook template (``workbook_template.xlsm``), built reproducibly from the repository's
sources: the table layout of ``cvm_xl.master.schema``, the worksheet functions of ``udfs`` and the VBA
modules of ``cvm_xl.excel.vba``. Never edited by hand: ``cvm-xl template`` rebuilds it.
"""

from cvm_xl.excel.template.builder import FILE_NAME, build_template

__all__ = ["FILE_NAME", "build_template"]
