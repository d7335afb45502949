-- The studio's read models of projects and their cast. `__schema__` is replaced by the
-- gateway's quoted schema name. Rows are only ever written by the projection (one event,
-- one transaction); the HTTP handlers only read them.

CREATE TABLE __schema__.projects (
    id uuid PRIMARY KEY,
    topic text NOT NULL,
    style text,
    target_duration_minutes double precision,
    description text,
    audience text,
    goal text,
    tone text,
    language text NOT NULL,
    aspect_ratio text NOT NULL,
    owner text,
    status text NOT NULL DEFAULT 'draft',
    section_count integer NOT NULL DEFAULT 0,
    sentence_count integer NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    -- A deleted project keeps its row (so a late event for it stays a harmless no-op)
    -- but disappears from every query.
    deleted boolean NOT NULL DEFAULT false
);

CREATE INDEX projects_listing ON __schema__.projects (created_at DESC, id) WHERE NOT deleted;

CREATE TABLE __schema__.cast_members (
    project_id uuid NOT NULL,
    id uuid NOT NULL,
    name text NOT NULL,
    description text,
    role text,
    voice text,
    added_at timestamptz NOT NULL,
    -- Insertion order within the project: the cast lists in the order it was added.
    position bigint NOT NULL,
    PRIMARY KEY (project_id, id)
);

-- The last version of each source stream applied to the read models. Projections use it
-- to apply a stream's events in order, and HTTP handlers wait on it (read-your-writes).
CREATE TABLE __schema__.stream_positions (
    stream_id text PRIMARY KEY,
    version integer NOT NULL
);
