"""The master workbook (SPEC §4): the schema of every table, reading it into typed tables, the
checks (pure functions returning Problems), writing a new master and updating one in place."""
