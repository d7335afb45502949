-- append_events: the whole append in one statement, so a single-event append costs one
-- round trip. It returns an outcome instead of raising, so that an expected conflict never
-- aborts a caller's surrounding transaction (a consumer appending inside its own).
--
-- Why a per-stream advisory lock: appends to one stream are serialized for the length of
-- the appending transaction. The version check and the insert below therefore see every
-- earlier append to the stream already committed (each statement of a VOLATILE function
-- takes a fresh snapshot under READ COMMITTED), and the primary key can never be hit by a
-- race: a conflict is always reported as 'conflict', with the actual version. Appends to
-- different streams never wait for each other (a 64-bit hash collision would only make two
-- streams share a lock, never break correctness).
--
-- Idempotency comes before the version check: a retried append (same event ids) must be a
-- no-op even though its expected version is now stale.

CREATE FUNCTION __schema__.append_events(
    p_stream_id text,
    p_expected integer,               -- NULL: any; 0: no stream yet; n: last version is n
    p_event_ids uuid[],
    p_types text[],
    p_schema_versions integer[],
    p_data text[],
    p_metadata text[],
    p_notify boolean,                 -- NOTIFY the relay at commit (see postgres.py)
    OUT outcome text,                 -- written | duplicate | conflict | ids_taken
    OUT last_version integer,         -- the stream's version after (on conflict: now)
    OUT last_position bigint          -- global position of the last event written/found
) LANGUAGE plpgsql AS $fn$
DECLARE
    n_found integer;
    n_same integer;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('__name__/' || p_stream_id, 0));

    SELECT count(*), count(*) FILTER (WHERE e.stream_id = p_stream_id),
           max(e.stream_version), max(e.global_position)
      INTO n_found, n_same, last_version, last_position
      FROM __schema__.events e
     WHERE e.event_id = ANY (p_event_ids);
    IF n_found > 0 THEN
        -- All of them, in this stream: a repeat. Some, or elsewhere: a caller's bug.
        outcome := CASE WHEN n_same = cardinality(p_event_ids) THEN 'duplicate'
                        ELSE 'ids_taken' END;
        RETURN;
    END IF;

    SELECT coalesce(max(e.stream_version), 0) INTO last_version
      FROM __schema__.events e
     WHERE e.stream_id = p_stream_id;
    IF p_expected IS NOT NULL AND p_expected <> last_version THEN
        outcome := 'conflict';
        last_position := NULL;
        RETURN;
    END IF;

    WITH inserted AS (
        INSERT INTO __schema__.events
               (stream_id, stream_version, event_id, type, schema_version, data, metadata)
        SELECT p_stream_id, last_version + u.ord, u.event_id, u.type, u.schema_version,
               u.data::jsonb, u.metadata::jsonb
          FROM unnest(p_event_ids, p_types, p_schema_versions, p_data, p_metadata)
               WITH ORDINALITY AS u(event_id, type, schema_version, data, metadata, ord)
         ORDER BY u.ord
        RETURNING global_position
    )
    SELECT max(i.global_position) INTO last_position FROM inserted i;
    last_version := last_version + cardinality(p_event_ids);
    outcome := 'written';
    IF p_notify THEN
        -- Delivered only if (and when) this transaction commits.
        PERFORM pg_notify('__channel__', '');
    END IF;
END
$fn$;

-- The single-event append, the hot path: the same steps as append_events with scalar
-- parameters and a plain INSERT ... VALUES, which costs PostgreSQL about half the CPU of
-- the array version (no unnest, no CTE) and the client less encoding. Keep them in step.
CREATE FUNCTION __schema__.append_event(
    p_stream_id text,
    p_expected integer,
    p_event_id uuid,
    p_type text,
    p_schema_version integer,
    p_data text,
    p_metadata text,
    p_notify boolean,
    OUT outcome text,
    OUT last_version integer,
    OUT last_position bigint
) LANGUAGE plpgsql AS $fn$
DECLARE
    found_stream text;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('__name__/' || p_stream_id, 0));

    SELECT e.stream_id, e.stream_version, e.global_position
      INTO found_stream, last_version, last_position
      FROM __schema__.events e
     WHERE e.event_id = p_event_id;
    IF found_stream IS NOT NULL THEN
        outcome := CASE WHEN found_stream = p_stream_id THEN 'duplicate' ELSE 'ids_taken' END;
        RETURN;
    END IF;

    SELECT coalesce(max(e.stream_version), 0) INTO last_version
      FROM __schema__.events e
     WHERE e.stream_id = p_stream_id;
    IF p_expected IS NOT NULL AND p_expected <> last_version THEN
        outcome := 'conflict';
        RETURN;
    END IF;

    last_version := last_version + 1;
    INSERT INTO __schema__.events
           (stream_id, stream_version, event_id, type, schema_version, data, metadata)
    VALUES (p_stream_id, last_version, p_event_id, p_type, p_schema_version,
            p_data::jsonb, p_metadata::jsonb)
    RETURNING global_position INTO last_position;
    outcome := 'written';
    IF p_notify THEN
        PERFORM pg_notify('__channel__', '');
    END IF;
END
$fn$;
