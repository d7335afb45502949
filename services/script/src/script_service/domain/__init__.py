"""Pure domain: deciders with no I/O, no async and no clock."""
