"""The command groups of `videogen`; each module's `register(app)` adds its commands."""
