-- The editor's read models (doc 002): uploaded assets and every project's timeline.
-- `__schema__` is replaced by the gateway's quoted schema name. Rows are only ever written
-- by the media projection (one event, one transaction); the HTTP handlers only read them.

CREATE TABLE __schema__.editor_assets (
    id uuid PRIMARY KEY,
    project_id uuid NOT NULL,
    file_name text NOT NULL,
    content_type text NOT NULL,
    -- uploading | stored | rejected
    status text NOT NULL,
    blob_key text,
    sha256 text,
    size_bytes bigint,
    duration_s double precision,
    -- json, not jsonb: returned as stored (the MediaStream list of AssetStored).
    streams json NOT NULL DEFAULT '[]',
    -- The asset's first segment, once stored.
    segment_id uuid,
    -- Why it was rejected.
    reason text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX editor_assets_of_project ON __schema__.editor_assets (project_id, created_at, id);

-- Every segment ever made, active or not: edits deactivate, never delete.
CREATE TABLE __schema__.editor_segments (
    id uuid PRIMARY KEY,
    project_id uuid NOT NULL,
    asset_id uuid NOT NULL,
    -- upload | graded | generated
    source text NOT NULL,
    media_key text NOT NULL,
    start_ts double precision NOT NULL,
    end_ts double precision NOT NULL,
    grade json,
    variant_id uuid,
    active boolean NOT NULL,
    -- What deactivated it: split | deleted | replaced.
    ended text,
    -- Place in the project's whole timeline, inactive segments included, 0-based and
    -- dense: the new segments of a split or a grade come right after the one they
    -- replace, and the segments after them move down. Not unique: a move shifts rows one
    -- by one inside the projection's transaction.
    position integer NOT NULL,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX editor_segments_in_order ON __schema__.editor_segments (project_id, position);
