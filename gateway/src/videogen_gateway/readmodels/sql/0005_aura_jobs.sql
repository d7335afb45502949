-- Aura jobs (doc 001): a projection of the Production events of kind "brief", with their
-- steps and the SSE messages of /api/jobs/{id}/events. `__schema__` is replaced by the
-- gateway's quoted schema name. Rows are only ever written by the project projection (one
-- event, one transaction); the HTTP handlers only read them.

CREATE TABLE __schema__.aura_jobs (
    id uuid PRIMARY KEY,
    correlation_id text NOT NULL,
    -- Queued | Running | Succeeded | Failed | Canceled
    status text NOT NULL,
    -- The production's own stage (queued, scripting, ..., cancelled).
    stage text NOT NULL,
    progress integer NOT NULL DEFAULT 0,
    attempt integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL,
    started_at timestamptz,
    ended_at timestamptz,
    -- json, not jsonb: returned as stored, in the order the fields were written.
    errors json NOT NULL DEFAULT '[]',
    warnings json NOT NULL DEFAULT '[]',
    output json,
    artifacts json NOT NULL DEFAULT '[]',
    video_key text,
    subtitle_key text,
    -- The SSE id of the job's last message. Drawn under this row's lock, in the
    -- transaction that writes the message, so a job's ids have no gaps and commit in order.
    last_seq bigint NOT NULL DEFAULT 0
);

CREATE INDEX aura_jobs_listing ON __schema__.aura_jobs (created_at DESC, id);

CREATE TABLE __schema__.aura_job_steps (
    job_id uuid NOT NULL,
    position integer NOT NULL,
    name text NOT NULL,
    -- Pending | Running | Succeeded | Failed | Canceled
    status text NOT NULL,
    progress_pct integer NOT NULL DEFAULT 0,
    started_at timestamptz,
    completed_at timestamptz,
    errors json NOT NULL DEFAULT '[]',
    PRIMARY KEY (job_id, name)
);

CREATE TABLE __schema__.aura_job_events (
    job_id uuid NOT NULL,
    seq bigint NOT NULL,
    event text NOT NULL,
    data json NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (job_id, seq)
);
