-- Who owns every resource a path or a list can name (issue 13): the stream keys, the
-- projects and the entity ids the events mint (sections, sentences, segments, variants,
-- jobs...), each filed under the `owner` of the event that first named it. Written by the
-- generic projector hook (readmodels/owners.py) in the same transaction as the projection,
-- so a resource is never visible without its owner. First owner wins (ON CONFLICT DO
-- NOTHING): a later event of another stream that mentions the id cannot take it over.
-- Read by the ownership guard (access/ownership.py) and by every list query.

CREATE TABLE __schema__.resource_owners (
    resource_id text PRIMARY KEY,
    owner text NOT NULL
);

CREATE INDEX resource_owners_by_owner ON __schema__.resource_owners (owner);
