"""Document kinds of this capability (declared with the documents mechanism)."""
