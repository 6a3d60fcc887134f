"""`cvm-xl chain` (issue 16) on the sample master, and the loader's chain checks (``master.chain_checks``)."""

from __future__ import annotations

import pytest

from cvm_xl.cli.main import main
from cvm_xl.core.problems import Code, WorkbookError
from cvm_xl.master.read import load_master
from cvm_xl.master.write import write_master
from cvm_xl.sample import sample_settings, sample_tables


@pytest.fixture(scope="module")
def master(tmp_path_factory):
    path = tmp_path_factory.mktemp("chain") / "master.xlsx"
    write_master(path, sample_settings(), sample_tables())
    return path


def test_chain_prints_the_sample_chain_and_exits_0(master, capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")  # every column of the tables in full
    assert main(["chain", str(master), "--customer", "C-AUT"]) == 0
    out = capsys.readouterr().out
    for text in ("AUT-SC", "AUT-TRN", "AUT-22", "150,000", "110,000", "shapley", "26,500", "Shelve"):
        assert text in out
    assert "3 chain ideas in 1 relationship." in out


def test_an_unknown_customer_is_bad_usage(master):
    assert main(["chain", str(master), "--customer", "C-NOPE"]) == 2


def test_the_loader_reads_the_chain_tables(master):
    m = load_master(master)
    assert len(m.parties) == 2 and len(m.chain_values) == 4
    assert [e.idea_id for e in m.chain.ideas] == ["AUT-22", "AUT-23", "AUT-24"]


def test_every_chain_rule_is_an_error_at_its_cell(tmp_path):
    tables = sample_tables()
    parties, chain, ideas = tables["Parties"], tables["Chain values"], tables["Ideas"]
    parties.loc[1, "Party ID"] = "Supplier"  # reserved
    chain.loc[0, "Party ID"] = "Customer"  # the customer's values go on the Ideas row
    chain.loc[1, "Party ID"] = "AUT-XX"  # not on the Parties sheet
    ideas.loc[ideas["Idea ID"] == "AUT-23", "Sharing method"] = "compensate"
    path = tmp_path / "bad.xlsx"
    write_master(path, sample_settings(), tables)
    with pytest.raises(WorkbookError) as caught:
        load_master(path)
    codes = {p.code: p for p in caught.value.errors}
    wanted = {Code.CHAIN_RESERVED_PARTY_ID, Code.CHAIN_FIRM_ROW, Code.CHAIN_UNKNOWN_PARTY, Code.CHAIN_METHOD}
    assert wanted <= set(codes)
    method = codes[Code.CHAIN_METHOD]
    assert method.sheet == "Ideas" and method.column == "Sharing method" and method.row is not None
    assert "retain, equal or shapley" in method.fix
    assert codes[Code.CHAIN_FIRM_ROW].sheet == "Chain values" and codes[Code.CHAIN_FIRM_ROW].row == 2
    assert main(["chain", str(path)]) == 1
