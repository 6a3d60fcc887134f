"""Excel itself: the workbook a macro runs in (xlwings or a file), what macros write into it, the
arguments of worksheet functions, and the reproducible template with its VBA project."""
