"""Document kinds of the competence capability."""
