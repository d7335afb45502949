-- The abuse limits (access/limits.py): the rate buckets every gateway replica shares, and
-- the jobs that are not finished yet, with their owners. `__schema__` is replaced by the
-- gateway's quoted schema name.

-- One token bucket per user and kind of costly operation. Not a read model (no log could
-- rebuild it, and a rebuild must not hand everyone a full bucket), so a rebuild keeps it:
-- IF NOT EXISTS, because the rebuild forgets which migrations ran and runs this one again.
CREATE TABLE IF NOT EXISTS __schema__.rate_buckets (
    user_id text NOT NULL,
    kind text NOT NULL,
    tokens double precision NOT NULL,
    updated_at timestamptz NOT NULL,
    PRIMARY KEY (user_id, kind)
);

-- The costly requests admitted and still being answered, one row each: a job they start is
-- not in the read models yet, so the job limits count these too (access/limits.py). A row
-- is deleted when its request has been answered (its job visible by then, read-your-
-- writes); one left by a crashed gateway expires. Not a read model either.
CREATE TABLE IF NOT EXISTS __schema__.job_admissions (
    id uuid PRIMARY KEY,
    user_id text NOT NULL,
    admitted_at timestamptz NOT NULL DEFAULT now()
);

-- Every job that still holds a place in a queue, once: a production (text2video, Aura,
-- studio quick runs), a script generation that no active production drives, an editor
-- export or AI edit, a Manim task, and a Manim job that no task drives. The owner is the
-- job's, else its project's (resource_owners, 0012; null for system-made work, which
-- counts only in the depth).
CREATE OR REPLACE VIEW __schema__.active_jobs AS
WITH jobs (resource_id, project_id) AS (
    SELECT id::text, project_id::text FROM __schema__.productions
    WHERE status IN ('queued', 'processing')
    UNION ALL
    SELECT g.id::text, g.project_id::text FROM __schema__.generation_runs g
    WHERE g.status IN ('queued', 'generating') AND NOT EXISTS (
        SELECT 1 FROM __schema__.productions p
        WHERE p.project_id = g.project_id AND p.status IN ('queued', 'processing'))
    UNION ALL
    SELECT id::text, project_id::text FROM __schema__.editor_exports
    WHERE status IN ('pending', 'running') AND production_id IS NULL
    UNION ALL
    SELECT id::text, project_id::text FROM __schema__.ai_jobs
    WHERE status IN ('pending', 'running')
    UNION ALL
    SELECT task_id::text, project_key::text FROM __schema__.manim_tasks
    WHERE status IN ('queued', 'progress')
    UNION ALL
    SELECT job_id::text, project_key::text FROM __schema__.manim_jobs
    WHERE status IN ('pending', 'running') AND task_id IS NULL
)
SELECT j.resource_id, COALESCE(mine.owner, project.owner) AS owner
FROM jobs j
LEFT JOIN __schema__.resource_owners mine ON mine.resource_id = j.resource_id
LEFT JOIN __schema__.resource_owners project ON project.resource_id = j.project_id;
