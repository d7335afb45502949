-- The studio's scripts (seed 000): sections and sentences of each project's current script,
-- its outlines, and its generation runs with the feed their SSE replays. `__schema__` is
-- replaced by the gateway's quoted schema name. Rows are only ever written by the script
-- projection (one event, one transaction); the HTTP handlers only read them.

CREATE TABLE __schema__.sections (
    id uuid PRIMARY KEY,
    project_id uuid NOT NULL,
    script_id uuid NOT NULL,
    title text NOT NULL,
    -- 0-based; dense within the project (the projection renumbers on every change).
    position integer NOT NULL,
    -- Who wrote the script: "offline" or "openai:<model>" (null for a text2video draft).
    provider_label text,
    updated_at timestamptz NOT NULL
);

CREATE INDEX sections_by_project ON __schema__.sections (project_id, position);

CREATE TABLE __schema__.sentences (
    id uuid PRIMARY KEY,
    section_id uuid NOT NULL,
    project_id uuid NOT NULL,
    text text NOT NULL,
    -- 0-based; dense within the section.
    position integer NOT NULL,
    -- 1 when written; +1 per text change (the narration of an older revision is stale).
    revision integer NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL
);

CREATE INDEX sentences_by_section ON __schema__.sentences (section_id, position);
CREATE INDEX sentences_by_project ON __schema__.sentences (project_id);

CREATE TABLE __schema__.outlines (
    id uuid PRIMARY KEY,
    project_id uuid NOT NULL,
    title text NOT NULL,
    total_target_minutes double precision NOT NULL,
    -- [{title, summary, targetMinutes, keyPoints}] as the studio shows them.
    sections jsonb NOT NULL,
    status text NOT NULL DEFAULT 'draft',  -- draft | approved
    provider_label text NOT NULL,
    -- The run that wrote it for itself (mode "auto"), or the run it was approved for.
    job_id uuid,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX outlines_by_project ON __schema__.outlines (project_id, created_at);

CREATE TABLE __schema__.generation_runs (
    id uuid PRIMARY KEY,
    project_id uuid NOT NULL,
    mode text NOT NULL,
    outline_id uuid,
    status text NOT NULL,  -- queued | generating | completed | failed
    total_sections integer NOT NULL DEFAULT 0,
    sections_completed integer NOT NULL DEFAULT 0,
    current_section integer NOT NULL DEFAULT 0,  -- 1-based; 0 before the first
    current_section_title text,
    estimated_seconds integer NOT NULL,
    total_sentences integer,
    total_duration_minutes double precision,
    error text,
    queued_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    ended_at timestamptz
);

CREATE INDEX generation_runs_by_project ON __schema__.generation_runs (project_id, queued_at);

-- What the generation-status SSE sends, one row per message. `seq` is the SSE id: per
-- project, dense, and committed in order, because it is drawn from `generation_feeds`
-- whose row stays locked until the drawing transaction commits (see scripts_feed.py).
CREATE TABLE __schema__.generation_events (
    project_id uuid NOT NULL,
    seq bigint NOT NULL,
    job_id uuid NOT NULL,
    event text NOT NULL,  -- progress | complete | error
    -- json, not jsonb: sent as stored, byte for byte, in the order the fields were written.
    data json NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (project_id, seq)
);

CREATE TABLE __schema__.generation_feeds (
    project_id uuid PRIMARY KEY,
    last_seq bigint NOT NULL
);
