-- 0006: the store as a product (issue 11). Stored cards stay current, lookup services get an
-- SQL entry point by phone key, and a phone costs a fraction of what it did.
--
-- * `cards.next_change` (Unix seconds): when the stored card next reads differently without a
--   new record (a listed visit leaving the window, a risk or close-contact period of the phone
--   starting or ending) or one of the phone's visits passes retention, whichever comes first;
--   NULL when neither ever will. Every pipeline commit rewrites the phones due at its data time,
--   so each stored card is the card at the data time (`pipeline_state.newest_accepted`).
-- * Visits are one row per phone (`phone_visits`), packed; the view `visits` unpacks them into
--   the rows it held before (phone_key, place, kind, first_at, last_at).
-- * `itinerary_card(phone_key)`: the current card of one phone (docs/sql.md).
--
-- Existing rows are converted in place; every stored card is marked due, so the first pipeline
-- commit after this migration (or the next risk or contact load) re-evaluates them all.

-- Place codes as the engine packs them: a 6-digit adcode, or 1000000 + the two letters of an
-- ISO 3166-1 alpha-2 code as 8-bit values.
CREATE FUNCTION itinerary_place(code bigint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN code < 1000000 THEN code::text
            ELSE chr(((code - 1000000) >> 8)::int) || chr(((code - 1000000) & 255)::int) END;

CREATE FUNCTION itinerary_place_kind(code bigint) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN code < 1000000 THEN 'city'
            WHEN itinerary_place(code) IN ('HK', 'MO', 'TW') THEN 'region'
            ELSE 'country' END;

-- The unsigned big-endian 32-bit number at a byte offset.
CREATE FUNCTION itinerary_u32(bytes bytea, at int) RETURNS bigint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (get_byte(bytes, at)::bigint << 24) | (get_byte(bytes, at + 1) << 16) | (get_byte(bytes, at + 2) << 8)
       | get_byte(bytes, at + 3);

-- A phone's packed visits as rows: 12 bytes each, place code, first and last (Unix seconds),
-- each an unsigned big-endian 32-bit number, ordered by first, then place.
CREATE FUNCTION itinerary_visits(packed bytea)
RETURNS TABLE (place text, kind text, first_at timestamptz, last_at timestamptz)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
BEGIN ATOMIC
    SELECT itinerary_place(itinerary_u32(packed, o)), itinerary_place_kind(itinerary_u32(packed, o)),
           to_timestamp(itinerary_u32(packed, o + 4)), to_timestamp(itinerary_u32(packed, o + 8))
    FROM generate_series(0, length(packed) - 12, 12) AS o
    ORDER BY o;
END;

CREATE TABLE phone_visits (
    phone_key bytea NOT NULL,
    visits    bytea NOT NULL,
    PRIMARY KEY (phone_key)
) PARTITION BY HASH (phone_key);

DO $$
BEGIN
    FOR remainder IN 0..7 LOOP
        EXECUTE format('CREATE TABLE phone_visits_p%s PARTITION OF phone_visits FOR VALUES WITH (MODULUS 8, REMAINDER %s)', remainder, remainder);
    END LOOP;
END $$;

INSERT INTO phone_visits (phone_key, visits)
SELECT phone_key,
       string_agg(substring(int8send(CASE WHEN place ~ '^[0-9]{6}$' THEN place::bigint
                                          ELSE 1000000 + (ascii(substr(place, 1, 1)) << 8) + ascii(substr(place, 2, 1)) END) FROM 5)
                  || substring(int8send(extract(epoch FROM first_at)::bigint) FROM 5)
                  || substring(int8send(extract(epoch FROM last_at)::bigint) FROM 5),
                  ''::bytea ORDER BY first_at, place)
FROM visits GROUP BY phone_key;

DROP TABLE visits;

-- The per-phone tables are read through functions whose bodies are resolved when called (not
-- `BEGIN ATOMIC`, which would bind them to these very tables), so a sharded store's coordinator
-- can replace the tables with its own over the shards (`itinerary shards init`) and keep the
-- view and the entry point. Single-SELECT SQL functions are inlined: a filter on the view still
-- reaches the table's index.
CREATE FUNCTION itinerary_visit_rows()
RETURNS TABLE (phone_key bytea, place text, kind text, first_at timestamptz, last_at timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT v.phone_key, u.place, u.kind, u.first_at, u.last_at
    FROM phone_visits v CROSS JOIN LATERAL itinerary_visits(v.visits) AS u
$$;

CREATE VIEW visits AS SELECT * FROM itinerary_visit_rows();

-- The masked number lives with the card; engine state is only what the engine needs.
ALTER TABLE phone_tracks DROP COLUMN masked, DROP COLUMN updated_at;

ALTER TABLE cards ADD COLUMN next_change bigint;
UPDATE cards SET next_change = 0;
CREATE INDEX cards_next_change ON cards (next_change) WHERE next_change IS NOT NULL;

-- The card of one phone at the data time, as lookup services read it (docs/sql.md).
CREATE FUNCTION itinerary_card(phone_key bytea)
RETURNS TABLE (masked text, data_time timestamptz, color text, places json, next_change timestamptz)
LANGUAGE sql STABLE STRICT PARALLEL SAFE
AS $$
    SELECT c.masked, to_timestamp(s.newest_accepted), c.color, c.card, to_timestamp(c.next_change)
    FROM cards c CROSS JOIN pipeline_state s
    WHERE c.phone_key = itinerary_card.phone_key
$$;
