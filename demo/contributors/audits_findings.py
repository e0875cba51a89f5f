"""The demo's findings in every state, client responses, and a FAR carried over (H10)."""
