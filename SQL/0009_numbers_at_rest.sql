-- 0009: no phone number at rest, in any form (docs/feed-format.md, Rejects).
--
-- A replayable reject keeps its cell id sealed (ChaCha20-Poly1305 under a key derived from the
-- phone-key secret, which is not in the database): a valid cell id can have 11 digits, and a
-- phone number misplaced in the cell_id field is one. `cell_id` stays only for the rows kept
-- before this release; the pipeline seals them when it next starts (PipelineStore.sealClearCellIDs),
-- finding them by this index.
ALTER TABLE rejects ADD COLUMN cell_sealed bytea;
CREATE INDEX rejects_clear_cell ON rejects (file_id, line) WHERE cell_id IS NOT NULL;

-- Text kept before this release was masked only where an 11-digit run read as a mobile number.
-- From now on every run of 11 digits or more, however written, keeps its first 3 and last 4
-- digits (DigitRunMasker, the one masker). Rows kept before are scrubbed more bluntly: a value
-- holding such a run loses every digit. A run: a digit (ASCII or full-width), then at least ten
-- more, any separators (space - . / ( ), control characters, the \xNN escape of kept lines,
-- Unicode spaces, joiners, dashes, full-width punctuation) between two of them.
CREATE FUNCTION pg_temp.scrub(value text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN value ~ ('[0-9０-９](?:(?:[-. /()\x01-\x20\x7f-\xa0\xad\u2000-\u2015\u2028-\u202f\u2060-\u206f\u2212\u3000\ufeff\uff08\uff09\uff0d-\uff0f]'
                      || '|\\x[0-9A-Fa-f]{2})*[0-9０-９]){10,}')
        THEN regexp_replace(value, '[0-9０-９]', '*', 'g')
        ELSE value
    END
$$;

UPDATE rejects SET raw = pg_temp.scrub(raw), file_name = pg_temp.scrub(file_name)
WHERE pg_temp.scrub(raw) <> raw OR pg_temp.scrub(file_name) <> file_name;
UPDATE ingest_files SET file_name = pg_temp.scrub(file_name) WHERE pg_temp.scrub(file_name) <> file_name;
UPDATE refused_files
SET file_name = pg_temp.scrub(file_name), reason = pg_temp.scrub(reason), moved_to = pg_temp.scrub(moved_to)
WHERE pg_temp.scrub(file_name) <> file_name OR pg_temp.scrub(reason) <> reason
    OR pg_temp.scrub(moved_to) IS DISTINCT FROM moved_to;

DROP FUNCTION pg_temp.scrub(text);
