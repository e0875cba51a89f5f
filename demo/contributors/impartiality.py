"""The demo's declarations of interest, reviews and a consultancy inside the cooling-off period (H2)."""
