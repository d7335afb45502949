-- The gateway's API keys (issue 13): a projection of the ApiKey events on the project
-- stream. Only the key's sha256 is kept; authentication looks a presented key up by it
-- (the unique index), so a revocation is seen by every replica as soon as it is projected.
-- `__schema__` is replaced by the gateway's quoted schema name.

CREATE TABLE __schema__.api_keys (
    key_id text PRIMARY KEY,
    user_id text NOT NULL,
    name text NOT NULL,
    scopes text[] NOT NULL,
    key_hash text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL,
    revoked_at timestamptz
);

CREATE INDEX api_keys_by_user ON __schema__.api_keys (user_id, created_at);
