-- Issue 15: every finished video comes with a quality report (JSON) and WebVTT captions with
-- word timings, both blobs beside the video (ProductionCompleted.report_key / vtt_key).
-- NULL for a job that has not finished, and for one rendered before reports existed.
-- `__schema__` is replaced by the gateway's quoted schema name.
ALTER TABLE __schema__.productions ADD COLUMN report_key text, ADD COLUMN vtt_key text;
