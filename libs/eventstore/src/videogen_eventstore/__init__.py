"""One event store per service, in its own PostgreSQL schema.

- api.py: the EventStore contract (append with expected version, read_stream, read_all, head)
- postgres.py / appending.py: the PostgreSQL store; memory.py: the in-memory one
- migrations.py + sql/: versioned schema, applied at start by every replica
- relay.py (+ notify.py, checkpoints.py): the outbox relay to JetStream
- tracking.py, deadletters.py: what consumers write next to their effects
- decider.py: Aggregate + Streams: load → fold → decide → append(expected version), retried
- multi_stream.py: several streams decided and appended as one unit (atomic appenders)
- pool.py: an asyncpg pool suited to the store; testing.py: event builders for tests
"""
