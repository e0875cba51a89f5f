"""ISO 14068-1 carbon-neutrality plans and claims (a later issue builds them here)."""
