"""One module per capability (or engine) contributing to the demo data; each registers itself on import."""
