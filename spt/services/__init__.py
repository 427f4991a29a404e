"""Use cases and rules; write services end with exactly one commit."""
