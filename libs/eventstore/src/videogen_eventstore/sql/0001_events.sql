-- The event log of one service. `__schema__` is replaced by the quoted schema name and
-- `__channel__` by the NOTIFY channel the relay listens on.

CREATE TABLE __schema__.events (
    global_position bigint GENERATED ALWAYS AS IDENTITY,
    -- Assigned at insert, but its order is the order in which transactions *started*
    -- writing, and pg_snapshot_xmin tells a reader which of them are certainly finished.
    -- That is what makes read_all gap-free (see postgres.py).
    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    stream_id text NOT NULL,
    stream_version integer NOT NULL CHECK (stream_version > 0),
    event_id uuid NOT NULL UNIQUE,
    type text NOT NULL,
    schema_version integer NOT NULL DEFAULT 1,
    data jsonb NOT NULL,
    metadata jsonb NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (stream_id, stream_version)
);

CREATE INDEX events_commit_order ON __schema__.events (transaction_id, global_position);

-- Named cursors into the log: the relay's ("relay") and any other tailing reader's.
CREATE TABLE __schema__.checkpoints (
    name text PRIMARY KEY,
    transaction_id xid8 NOT NULL,
    global_position bigint NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);

-- One row per (consumer, event) already handled, written in the same transaction as the
-- consumer's effect: a redelivered event finds its row and changes nothing.
CREATE TABLE __schema__.tracking (
    consumer text NOT NULL,
    event_id uuid NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);

CREATE TABLE __schema__.dead_letters (
    id bigserial PRIMARY KEY,
    consumer text NOT NULL,
    subject text NOT NULL,
    payload bytea NOT NULL,
    error text NOT NULL,
    recorded_at timestamptz NOT NULL DEFAULT now()
);
