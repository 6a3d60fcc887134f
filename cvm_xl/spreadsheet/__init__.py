"""Spreadsheet files as files: can a file be read at all, what its sheet XML says, where a table
sits on a sheet by its header names, and writing a file so it is either old or new, never half."""
