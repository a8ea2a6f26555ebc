-- 0004: hardening. A rejected record that only the reference data or the clock kept out
-- (unknown_cell, unknown_mcc, future) keeps its parsed fields, keyed by the phone's HMAC key
-- and masked number (never the number), so `itinerary rejects replay` can apply it after a
-- later load. Rows replayed are deleted; rows the lateness rules refuse become `late`.
ALTER TABLE rejects
    ADD COLUMN phone_key  bytea,
    ADD COLUMN masked     text,
    ADD COLUMN event_time bigint,
    ADD COLUMN mcc        integer,
    ADD COLUMN mnc        integer,
    ADD COLUMN lac        bigint,
    ADD COLUMN cell_id    bigint;
CREATE INDEX rejects_replayable ON rejects (file_id, line) WHERE phone_key IS NOT NULL;

-- Raw lines kept before this release were masked at the msisdn field only: mask every
-- 11-digit run that reads as a mobile number, wherever it is.
UPDATE rejects SET raw = regexp_replace(raw, '(1[3-9][0-9])[0-9]{4}([0-9]{4})', '\1****\2', 'g')
WHERE raw ~ '1[3-9][0-9]{9}';

-- One row per `rejects replay`: what it examined and what became of it.
CREATE TABLE reject_replays (
    id             bigserial   PRIMARY KEY,
    replayed_at    timestamptz NOT NULL DEFAULT now(),
    examined       bigint      NOT NULL,
    applied        bigint      NOT NULL,
    duplicates     bigint      NOT NULL,
    late           bigint      NOT NULL,
    still_rejected bigint      NOT NULL
);
