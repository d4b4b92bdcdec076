"""Models of the seizures app."""
