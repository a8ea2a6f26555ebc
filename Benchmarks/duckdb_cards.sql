-- The card rules of docs/rules.md (no risk areas, no contact list) in DuckDB SQL: the window
-- benchmark's baseline. window_bench.py fills in {raw}, {cells}, {divisions}, {countries},
-- {T}, {W}, {D}, {B}, {now}, {out}.
-- {raw} is one `SELECT msisdn, event_time, mcc, mnc, lac, cell_id, event FROM read_csv(...)` per
-- carrier (a carrier's files share a layout), joined by UNION ALL: columns are found by header name.
CREATE OR REPLACE TEMP TABLE raw AS
{raw};

CREATE OR REPLACE TEMP TABLE city_of_cell AS
SELECT CAST(c.mcc AS INTEGER) AS mcc, CAST(c.mnc AS INTEGER) AS mnc, CAST(c.lac AS BIGINT) AS lac,
       CAST(c.cell_id AS BIGINT) AS cell_id, d.city AS code
FROM read_csv('{cells}', all_varchar = true, header = true) c
JOIN read_csv('{divisions}', all_varchar = true, header = true) d ON CAST(d.adcode AS INTEGER) = CAST(c.adcode AS INTEGER)
WHERE d.city <> '';

CREATE OR REPLACE TEMP TABLE country_of_mcc AS
SELECT mcc, iso2 AS code FROM read_csv('{countries}', all_varchar = true, header = true) WHERE mcc <> '460';

-- Field checks as the project's reader does them (docs/feed-format.md); a bad line is dropped.
CREATE OR REPLACE TEMP TABLE valid AS
SELECT regexp_extract(msisdn, '^(?:\+?86)?(1[3-9][0-9]{{9}})$', 1) AS phone,
       CAST(event_time AS BIGINT) AS t,
       mcc, CAST(mnc AS INTEGER) AS mnc_n, CAST(lac AS BIGINT) AS lac_n, CAST(cell_id AS BIGINT) AS cell_n
FROM raw
WHERE regexp_full_match(msisdn, '(\+?86)?1[3-9][0-9]{{9}}')
  AND regexp_full_match(event_time, '[0-9]{{1,10}}') AND CAST(event_time AS BIGINT) <= 4294967295
  AND CAST(event_time AS BIGINT) <= {now} + 600
  AND regexp_full_match(mcc, '[0-9]{{3}}')
  AND regexp_full_match(mnc, '[0-9]{{2,3}}')
  AND regexp_full_match(lac, '[0-9]{{1,8}}') AND CAST(lac AS BIGINT) <= 16777215
  AND regexp_full_match(cell_id, '[0-9]{{1,11}}') AND CAST(cell_id AS BIGINT) <= 68719476735
  AND event IN ('attach', 'detach', 'lu', 'ho', 'call', 'sms', 'data');

-- Observations: (phone, t, place) as a set; unknown cells and MCCs are dropped.
CREATE OR REPLACE TEMP TABLE obs AS
SELECT DISTINCT v.phone, v.t, coalesce(cc.code, co.code) AS code
FROM valid v
LEFT JOIN city_of_cell cc ON v.mcc = '460' AND cc.mcc = 460 AND cc.mnc = v.mnc_n AND cc.lac = v.lac_n AND cc.cell_id = v.cell_n
LEFT JOIN country_of_mcc co ON v.mcc <> '460' AND co.mcc = v.mcc
WHERE coalesce(cc.code, co.code) IS NOT NULL;

-- Every phone with an accepted observation has a card (docs/rules.md: visits use t <= T only).
CREATE OR REPLACE TEMP TABLE phones AS SELECT DISTINCT phone FROM obs;

-- Visits (docs/rules.md): consecutive observations of a place are linked when adjacent in the phone's
-- order (by t, then code as a string) or at most B apart; a running sum of breaks numbers chains.
CREATE OR REPLACE TEMP TABLE visits AS
WITH ordered AS (
    SELECT phone, t, code, row_number() OVER (PARTITION BY phone ORDER BY t, code) AS g
    FROM obs WHERE t <= {T}
), lagged AS (
    SELECT *, lag(t) OVER w AS pt, lag(g) OVER w AS pg
    FROM ordered WINDOW w AS (PARTITION BY phone, code ORDER BY t)
), chained AS (
    SELECT *, sum(CASE WHEN pt IS NULL OR (g - pg > 1 AND t - pt > {B}) THEN 1 ELSE 0 END)
                  OVER (PARTITION BY phone, code ORDER BY t ROWS UNBOUNDED PRECEDING) AS chain
    FROM lagged
)
SELECT phone, code, chain, min(t) AS first, max(t) AS last FROM chained GROUP BY phone, code, chain;

-- The card (docs/rules.md): a city with dwell >= D, any place abroad, meeting [T - W, T].
CREATE OR REPLACE TEMP TABLE places AS
SELECT phone, code, min(first) AS first_seen, max(last) AS last_seen
FROM visits
WHERE (length(code) = 2 OR last - first >= {D}) AND last >= {T} - {W} AND first <= {T}
GROUP BY phone, code;

COPY (
    SELECT p.phone AS phone,
           CASE WHEN bool_or(length(l.code) = 2) THEN 'yellow' ELSE 'green' END AS color,
           coalesce(list({{
               'code': l.code,
               'kind': CASE WHEN length(l.code) = 6 THEN 'city' WHEN l.code IN ('HK', 'MO', 'TW') THEN 'region' ELSE 'country' END,
               'starred': false,
               'exposure': NULL::VARCHAR,
               'first_seen': strftime(to_timestamp(l.first_seen) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ'),
               'last_seen': strftime(to_timestamp(l.last_seen) AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%SZ')
           }} ORDER BY l.first_seen, l.code) FILTER (WHERE l.code IS NOT NULL), []) AS places
    FROM phones p LEFT JOIN places l USING (phone)
    GROUP BY p.phone ORDER BY p.phone
) TO '{out}' (FORMAT json);
