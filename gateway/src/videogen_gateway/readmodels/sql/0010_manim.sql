-- Doc 003 (Manim): sessions, their jobs, every code version of every scene, the high-level
-- tasks, the measured step times the ETA is read from, and each project's live feed. A
-- projection of the ManimSession and ManimTask events on the script stream. `__schema__` is
-- replaced by the gateway's quoted schema name. Rows are only written by the projection
-- (one event, one transaction); the HTTP handlers only read them.

CREATE TABLE __schema__.manim_sessions (
    session_id text PRIMARY KEY,
    -- Doc 003's free-form project_id (the session id for a session opened without one),
    -- and its subject key (manim_project_key).
    project text NOT NULL,
    project_key uuid NOT NULL,
    topic text NOT NULL,
    description text NOT NULL,
    -- The latest plan written (null until one is).
    plan_xml text,
    opened_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX manim_sessions_by_topic ON __schema__.manim_sessions (topic, opened_at DESC);

CREATE TABLE __schema__.manim_jobs (
    job_id uuid PRIMARY KEY,
    session_id text NOT NULL,
    project_key uuid NOT NULL,
    task_id uuid,
    -- plan | implement | code | render | combine
    kind text NOT NULL,
    -- pending | running | completed | failed | cancelled
    status text NOT NULL,
    topic text NOT NULL DEFAULT '',
    error text,
    scene_number integer,
    -- render: the version the client sent (echoed) and the code version rendered.
    requested_version integer,
    code_version integer,
    code text,
    -- What the writer answered (plan, implementations, code) or the combined scenes, as
    -- the surface shows it; json, returned as stored.
    output json,
    video_key text,
    srt_key text,
    code_key text,
    duration_s double precision,
    requested_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

CREATE INDEX manim_jobs_of_session ON __schema__.manim_jobs (session_id, requested_at);

-- Every code version of every scene, kept forever, with its render's outcome.
CREATE TABLE __schema__.manim_scenes (
    session_id text NOT NULL,
    scene_number integer NOT NULL,
    version integer NOT NULL,
    code text NOT NULL,
    -- written | fixed | edited | supplied
    reason text NOT NULL,
    -- written | rendered | failed
    status text NOT NULL,
    error text,
    video_key text,
    srt_key text,
    code_key text,
    duration_s double precision,
    written_at timestamptz NOT NULL,
    rendered_at timestamptz,
    PRIMARY KEY (session_id, scene_number, version)
);

CREATE TABLE __schema__.manim_tasks (
    task_id uuid PRIMARY KEY,
    -- generate | edit
    kind text NOT NULL,
    project text NOT NULL,
    project_key uuid NOT NULL,
    session_id text NOT NULL,
    scene_number integer,
    scene_count integer,
    -- queued | progress | completed | failed | cancelled
    status text NOT NULL,
    step text,
    step_index integer NOT NULL DEFAULT 0,
    steps json NOT NULL,
    progress integer NOT NULL DEFAULT 0,
    message text NOT NULL DEFAULT '',
    -- Units of the current step done and in all (scenes rendered, of how many).
    units_done integer NOT NULL DEFAULT 0,
    units_total integer NOT NULL DEFAULT 0,
    step_started_at timestamptz,
    -- ManimTaskCompleted's scenes and combined video, as stored.
    result json,
    error text,
    created_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);

-- How long each step of each task took (units: scenes for render, else 1): the ETA of a
-- running task is read from the completed tasks' rows.
CREATE TABLE __schema__.manim_step_times (
    task_id uuid NOT NULL,
    kind text NOT NULL,
    step text NOT NULL,
    units integer NOT NULL DEFAULT 1,
    started_at timestamptz NOT NULL,
    ended_at timestamptz,
    PRIMARY KEY (task_id, step)
);

-- Each project's live feed: positions dense per project and committed in order, because
-- they are drawn from `manim_feeds`, whose row stays locked until the drawing transaction
-- commits (readmodels/generations says why that orders them).
CREATE TABLE __schema__.manim_feeds (
    project_key uuid PRIMARY KEY,
    last_seq bigint NOT NULL
);

CREATE TABLE __schema__.manim_events (
    project_key uuid NOT NULL,
    seq bigint NOT NULL,
    task_id uuid,
    job_id uuid,
    event text NOT NULL,
    data json NOT NULL,
    created_at timestamptz NOT NULL,
    PRIMARY KEY (project_key, seq)
);

CREATE INDEX manim_events_of_task ON __schema__.manim_events (task_id, seq);
