"""The idea workshop (seed 000 §6.5): raw ideas reduced to their meaning and grouped live into
suggested mother ideas. Pure rules, no file input or output."""
