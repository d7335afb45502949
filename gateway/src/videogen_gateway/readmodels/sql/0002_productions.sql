-- The text2video jobs (doc 004) as a projection of the Production events on the project
-- stream. `__schema__` is replaced by the gateway's quoted schema name. Rows are only ever
-- written by the projection (one event, one transaction); the HTTP handlers only read them.

CREATE TABLE __schema__.productions (
    id uuid PRIMARY KEY,
    project_id uuid NOT NULL,
    kind text NOT NULL,
    -- The doc's view of the state machine: queued | processing | completed | failed.
    status text NOT NULL,
    -- The Production aggregate's own stage (queued, scripting, ..., cancelled).
    stage text NOT NULL,
    -- As recorded (0..100, never decreasing); the surface shows the documented steps.
    progress integer NOT NULL DEFAULT 0,
    message text NOT NULL,
    logs text[] NOT NULL DEFAULT '{}',
    video_key text,
    subtitle_key text,
    duration_s double precision,
    size_bytes bigint,
    error text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX productions_listing ON __schema__.productions (created_at, id);
