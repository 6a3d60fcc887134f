"""Excel worksheet functions (xlwings UDFs) over the cvm_xl core; see ``udfs.cvm_udfs``."""
