"""The rules of SPEC §3 as native worksheet formulas, for every workbook cvm-xl writes (SPEC §7).

One formula writer for the customer workbooks (``cvm_xl.generate``) and the live master
(``cvm_xl.master.live``): each builder takes the column letters of its sheet and the defined names
its workbook gives the settings and lists (``names.FormulaNames``) as data, so the same rule text
serves a workbook whose Settings sit in fixed cells and a master whose Settings table a user may
re-sort. The rules that exist as data in the core are rendered from that data, never restated.

- ``functions``: the classic functions a formula may use.
- ``names``: the defined names formulas read the settings and lists by.
- ``cells``: how a formula reads a typed cell (Yes/No, numbers typed as text, blanks) the way
  ``core.cells`` reads it, and which typed text it cannot read the same way.
- ``ideas``: the 13 computed columns of the Ideas table.
- ``settings``: the named formulas that read a master's Settings table.
- ``readiness``: the computed columns of the relationship tables (SPEC §3.9).
"""
