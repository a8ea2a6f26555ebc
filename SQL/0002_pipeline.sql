-- The pipeline: its ledger of files, rejects, engine state, and the visits and cards it writes.

-- One row per applied file, committed in the same transaction as the file's effects.
CREATE TABLE ingest_files (
    id                 bigserial   PRIMARY KEY,
    file_name          text        NOT NULL,
    content_hash       bytea       NOT NULL UNIQUE,
    compressed_bytes   bigint      NOT NULL,
    decompressed_bytes bigint      NOT NULL,
    records            bigint      NOT NULL,
    accepted           bigint      NOT NULL,
    duplicates         bigint      NOT NULL,
    late               bigint      NOT NULL,
    rejected           bigint      NOT NULL,
    watermark          bigint,
    newest_event       bigint,
    ingested_at        timestamptz NOT NULL DEFAULT now()
);

-- Files refused whole (bad name, corrupt or truncated zstd, missing header), never applied.
CREATE TABLE refused_files (
    id           bigserial   PRIMARY KEY,
    file_name    text        NOT NULL,
    content_hash bytea,
    reason       text        NOT NULL,
    moved_to     text,
    refused_at   timestamptz NOT NULL DEFAULT now()
);

-- Lines not applied, with their reason. The msisdn field of the raw line is masked.
CREATE TABLE rejects (
    file_id   bigint  NOT NULL REFERENCES ingest_files (id) ON DELETE CASCADE,
    file_name text    NOT NULL,
    line      integer NOT NULL,
    reason    text    NOT NULL,
    raw       text    NOT NULL
);
CREATE INDEX rejects_file ON rejects (file_id);

-- The newest event time accepted so far: the watermark is this minus the lateness.
CREATE TABLE pipeline_state (
    singleton       boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    newest_accepted bigint
);
INSERT INTO pipeline_state (singleton, newest_accepted) VALUES (true, NULL);

-- Per-phone tables are hash-partitioned by the phone key: the same hash a sharded
-- deployment splits pipelines by, so each shard's rows live in its own partitions.
CREATE TABLE phone_tracks (
    phone_key  bytea       NOT NULL,
    masked     text        NOT NULL,
    state      bytea       NOT NULL,
    newest_at  bigint      NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (phone_key)
) PARTITION BY HASH (phone_key);

CREATE TABLE visits (
    phone_key bytea       NOT NULL,
    place     text        NOT NULL,
    kind      text        NOT NULL,
    first_at  timestamptz NOT NULL,
    last_at   timestamptz NOT NULL,
    PRIMARY KEY (phone_key, first_at, place)
) PARTITION BY HASH (phone_key);

CREATE TABLE cards (
    phone_key   bytea       NOT NULL,
    masked      text        NOT NULL,
    evaluated_at timestamptz NOT NULL,
    color       text        NOT NULL,
    -- json, not jsonb: written far more often than queried, and json input is much cheaper.
    card        json        NOT NULL,
    PRIMARY KEY (phone_key)
) PARTITION BY HASH (phone_key);

DO $$
BEGIN
    FOR remainder IN 0..7 LOOP
        EXECUTE format('CREATE TABLE phone_tracks_p%s PARTITION OF phone_tracks FOR VALUES WITH (MODULUS 8, REMAINDER %s)', remainder, remainder);
        EXECUTE format('CREATE TABLE visits_p%s PARTITION OF visits FOR VALUES WITH (MODULUS 8, REMAINDER %s)', remainder, remainder);
        EXECUTE format('CREATE TABLE cards_p%s PARTITION OF cards FOR VALUES WITH (MODULUS 8, REMAINDER %s)', remainder, remainder);
    END LOOP;
END $$;
