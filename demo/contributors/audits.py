"""The demo's engagements of every kind in a spread of states, with their teams (H9)."""
