-- The editor's exports (doc 002) as a projection of the Export events on the export
-- stream. `__schema__` is replaced by the gateway's quoted schema name. Rows are only ever
-- written by the projection (one event, one transaction); the HTTP handlers only read them.

CREATE TABLE __schema__.editor_exports (
    id uuid PRIMARY KEY,
    project_id uuid NOT NULL,
    format text NOT NULL,
    -- Doc 002's statuses: pending | running | completed | failed.
    status text NOT NULL,
    -- Set when the project was exported as a production (a script, no uploads).
    production_id uuid,
    output_key text NOT NULL,
    video_key text,
    duration_s double precision,
    size_bytes bigint,
    -- True when an earlier export had rendered the same cuts and format.
    reused boolean NOT NULL DEFAULT false,
    error text,
    requested_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX editor_exports_by_project ON __schema__.editor_exports (project_id, requested_at);
