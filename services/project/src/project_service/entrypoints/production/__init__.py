"""The production commands, its event consumers and the stall watch."""
