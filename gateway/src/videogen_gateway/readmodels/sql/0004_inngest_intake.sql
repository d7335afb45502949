-- Inngest event ids the intake has acted on (surfaces/inngest.py). NOT a read model: it is
-- the gateway's own memory that an event id was seen, which no log could rebuild, so a
-- rebuild keeps it (it is absent from READ_MODEL_TABLES, and `IF NOT EXISTS` lets the
-- rebuild's re-run of every migration pass over it). Rows are never deleted: a repeated id
-- is ignored with no time window.
CREATE TABLE IF NOT EXISTS __schema__.inngest_events (
    id text PRIMARY KEY,
    name text NOT NULL,
    -- What the event started, as answered the first time: {"jobId": ...} / {"outlineId": ...}.
    result jsonb NOT NULL,
    received_at timestamptz NOT NULL
);
