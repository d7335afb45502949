"""The Production process manager: handlers, the policy that reacts to events, and what
it asks of the other services."""
