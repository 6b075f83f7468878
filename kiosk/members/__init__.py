"""Members' face templates: consent, encryption at rest, erasure, the second factor."""
