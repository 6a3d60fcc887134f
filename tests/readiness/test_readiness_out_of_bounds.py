def test_an_empty_table_stays_an_empty_table() -> None:
    import pandas as pd

    from cvm_xl.readiness.out_of_bounds import without_out_of_bounds

    empty = pd.DataFrame({"Customer ID": [], "Risk": [], "Out of bounds": []})
    kept = without_out_of_bounds(empty, drop_column=True)
    assert list(kept.columns) == ["Customer ID", "Risk"] and kept.empty
