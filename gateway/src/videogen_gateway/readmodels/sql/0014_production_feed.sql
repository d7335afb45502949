-- The production feed (docs/jobs-api.md): the SSE messages of /api/v1/jobs/{id}/events, one
-- row each, and what each studio project's last completed render narrated (the studio's
-- `stale` flag). `__schema__` is replaced by the gateway's quoted schema name. Rows are only
-- ever written by the project projection (one event, one transaction).
--
-- A rebuild drops the read models it knows of and runs every migration again; the tables
-- below are dropped first so that a rebuild, which would find them, starts them afresh.

-- The SSE id of the production's last message. Drawn under the row's lock, in the
-- transaction that writes the message, so a job's ids have no gaps and commit in order.
ALTER TABLE __schema__.productions ADD COLUMN last_seq bigint NOT NULL DEFAULT 0;

DROP TABLE IF EXISTS __schema__.production_events;
CREATE TABLE __schema__.production_events (
    production_id uuid NOT NULL,
    seq bigint NOT NULL,
    event text NOT NULL,
    data json NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (production_id, seq)
);

-- The script a production narrates (ProductionScriptAttached), sentence by sentence.
DROP TABLE IF EXISTS __schema__.production_sentences;
CREATE TABLE __schema__.production_sentences (
    production_id uuid NOT NULL,
    sentence_id uuid NOT NULL,
    text text NOT NULL,
    PRIMARY KEY (production_id, sentence_id)
);

-- Each project's latest completed production: a sentence it did not narrate as it reads
-- now is stale.
DROP TABLE IF EXISTS __schema__.project_renders;
CREATE TABLE __schema__.project_renders (
    project_id uuid PRIMARY KEY,
    production_id uuid NOT NULL,
    rendered_at timestamptz NOT NULL
);
