"""The Render aggregate: pure decisions, no I/O, no clock."""
