"""Sheet writers of the generated workbooks, one module per sheet."""
