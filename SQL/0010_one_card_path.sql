-- 0010: one card path (issue 18). The lookup service reads the stored current card through
-- `itinerary_card`, like every SQL reader, instead of computing cards from the engine state;
-- so `itinerary_card` must answer for every phone the service does.
--
-- The one phone the store knows without a stored card is a close contact it holds no track of
-- (contact lists keep only phone keys; the pipeline stores cards of phones it has seen). Such a
-- phone is known while one of its periods in the list in force is active at the data time, and
-- its card is the one the rules give a phone without places: orange (docs/card-states.md). Its
-- row has no masked number (the list keeps none), and `next_change` is the next start or end of
-- one of its periods (`ContactList.nextChange`). Tracked phones' cards are unchanged: the
-- pipeline computes their close-contact colour and stores it.
--
-- Still late-bound (a body resolved when called), so a shard coordinator's tables serve it. It is
-- one SELECT and no longer STRICT (a NULL key finds no row either way), so the planner now inlines
-- it into the caller's query: a lookup by key reaches one partition's index (one shard's), planned
-- with the query rather than again inside the function on every call.
CREATE OR REPLACE FUNCTION itinerary_card(phone_key bytea)
RETURNS TABLE (masked text, data_time timestamptz, color text, places json, next_change timestamptz)
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT c.masked, to_timestamp(s.newest_accepted), coalesce(c.color, 'orange'), coalesce(c.card, '[]'::json),
           CASE WHEN c.phone_key IS NOT NULL THEN to_timestamp(c.next_change)
                ELSE (SELECT min(b.at)
                      FROM contacts k JOIN current_reference r ON r.kind = 'contacts' AND r.load_id = k.load_id
                      CROSS JOIN LATERAL (VALUES (k.start_at), (k.end_at)) AS b (at)
                      WHERE k.phone_key = itinerary_card.phone_key AND b.at > to_timestamp(s.newest_accepted)) END
    FROM pipeline_state s LEFT JOIN cards c ON c.phone_key = itinerary_card.phone_key
    WHERE c.phone_key IS NOT NULL
       OR EXISTS (SELECT 1 FROM contacts k JOIN current_reference r ON r.kind = 'contacts' AND r.load_id = k.load_id
                  WHERE k.phone_key = itinerary_card.phone_key AND k.start_at <= to_timestamp(s.newest_accepted)
                    AND (k.end_at IS NULL OR k.end_at > to_timestamp(s.newest_accepted)))
$$;
