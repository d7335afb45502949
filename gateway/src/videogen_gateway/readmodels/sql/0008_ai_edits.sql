-- The editor's AI jobs (doc 002's AI half): each job, its variants, and their scores, as a
-- projection of the AiEdit events on the media stream. `__schema__` is replaced by the
-- gateway's quoted schema name. Rows are only ever written by the projection (one event,
-- one transaction); the HTTP handlers only read them.

CREATE TABLE __schema__.ai_jobs (
    id uuid PRIMARY KEY,
    project_id uuid NOT NULL,
    prompt text NOT NULL,
    -- json, not jsonb: returned as stored (the RegionEdit and the Box of AiEditRequested).
    edit json NOT NULL,
    box json NOT NULL,
    start_ts double precision NOT NULL,
    end_ts double precision NOT NULL,
    segment_id uuid NOT NULL,
    seed bigint NOT NULL,
    -- Doc 002's statuses: pending | running | completed | failed.
    status text NOT NULL,
    error text,
    requested_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX ai_jobs_by_project ON __schema__.ai_jobs (project_id, requested_at);

CREATE TABLE __schema__.ai_variants (
    id uuid PRIMARY KEY,
    job_id uuid NOT NULL,
    project_id uuid NOT NULL,
    -- The variant's place in its job (VariantSpec.index).
    variant_index integer NOT NULL,
    provider text NOT NULL,
    description text NOT NULL,
    labels json NOT NULL DEFAULT '[]',
    -- Set once rendered.
    video_key text,
    preview_key text,
    duration_s double precision,
    rendered_at timestamptz
);

CREATE INDEX ai_variants_of_job ON __schema__.ai_variants (job_id, variant_index);

-- Every score recorded (a variant may be scored again, against the prompt or the original).
CREATE TABLE __schema__.ai_scores (
    variant_id uuid NOT NULL,
    job_id uuid NOT NULL,
    project_id uuid NOT NULL,
    -- prompt | original
    compare_to text NOT NULL,
    -- The VariantScore, as stored.
    score json NOT NULL,
    scorer text NOT NULL,
    scored_at timestamptz NOT NULL,
    PRIMARY KEY (variant_id, compare_to, scored_at)
);
