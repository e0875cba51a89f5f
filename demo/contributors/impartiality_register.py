"""The demo's impartiality register (one overdue risk) and committee meetings (H3)."""
