"""The media service's pure domain: deciders with no I/O, no async and no clock."""
