"""The `videogen` command: a client of the gateway's public HTTP API, nothing more."""
