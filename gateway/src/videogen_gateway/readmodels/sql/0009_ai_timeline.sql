-- The AI timeline (doc 002's GET /api/ai/timeline): one row per AI operation, newest first.
-- A projection of the media stream (AiEdit events: a generation and its scores; the
-- Timeline's VariantAccepted) and of the script stream (GenerationRun events: script
-- writing). `__schema__` is replaced by the gateway's quoted schema name. Rows are only
-- written by the projection (one event, one transaction); the HTTP handlers only read them.

CREATE TABLE __schema__.ai_timeline (
    -- The operation: its job's id (a generation, a script run), or the id of the event
    -- that is the whole operation (an accept, a score). Stable, so a rebuild gives it again.
    id uuid PRIMARY KEY,
    -- generate | accept | score | script
    kind text NOT NULL,
    project_id uuid NOT NULL,
    job_id uuid NOT NULL,
    variant_id uuid,
    -- pending | running | completed | failed (generate, script); completed otherwise.
    status text NOT NULL,
    -- One sentence saying what was done, with its figures.
    summary text NOT NULL,
    -- What did it: "offline", the vision model's or the LLM's label; null when unknown.
    provider text,
    error text,
    -- When it was asked (the order of the listing), and when it last changed.
    at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX ai_timeline_newest ON __schema__.ai_timeline (at DESC, id DESC);
