-- The card rules of docs/rules.md (no risk areas, no contact list) in Spark SQL: the window
-- benchmark's Spark peer, statement for statement the shape of duckdb_cards.sql. peers.py
-- registers the views raw (each carrier's files read by header name, every column a string),
-- cells, divisions and countries, fills in {T}, {W}, {D}, {B}, {now}, and runs the statements
-- separated by ';' in order; the last one is the cards as JSON lines.
CACHE TABLE city_of_cell AS
SELECT TRY_CAST(c.mcc AS INT) AS mcc, TRY_CAST(c.mnc AS INT) AS mnc, TRY_CAST(c.lac AS BIGINT) AS lac,
       TRY_CAST(c.cell_id AS BIGINT) AS cell_id, d.city AS code
FROM cells c JOIN divisions d ON TRY_CAST(d.adcode AS INT) = TRY_CAST(c.adcode AS INT)
WHERE d.city <> '';

CACHE TABLE country_of_mcc AS
SELECT mcc, iso2 AS code FROM countries WHERE mcc <> '460';

-- Field checks as the project's reader does them (docs/feed-format.md); a bad line is dropped.
CREATE OR REPLACE TEMP VIEW valid AS
SELECT regexp_extract(msisdn, '^(?:[+]?86)?(1[3-9][0-9]{{9}})$', 1) AS phone,
       TRY_CAST(event_time AS BIGINT) AS t,
       mcc, TRY_CAST(mnc AS INT) AS mnc_n, TRY_CAST(lac AS BIGINT) AS lac_n, TRY_CAST(cell_id AS BIGINT) AS cell_n
FROM raw
WHERE msisdn RLIKE '^([+]?86)?1[3-9][0-9]{{9}}$'
  AND event_time RLIKE '^[0-9]{{1,10}}$' AND TRY_CAST(event_time AS BIGINT) <= 4294967295
  AND TRY_CAST(event_time AS BIGINT) <= {now} + 600
  AND mcc RLIKE '^[0-9]{{3}}$'
  AND mnc RLIKE '^[0-9]{{2,3}}$'
  AND lac RLIKE '^[0-9]{{1,8}}$' AND TRY_CAST(lac AS BIGINT) <= 16777215
  AND cell_id RLIKE '^[0-9]{{1,11}}$' AND TRY_CAST(cell_id AS BIGINT) <= 68719476735
  AND event IN ('attach', 'detach', 'lu', 'ho', 'call', 'sms', 'data');

-- Observations: (phone, t, place) as a set; unknown cells and MCCs are dropped.
CACHE TABLE obs AS
SELECT DISTINCT phone, t, code FROM (
    SELECT v.phone, v.t, cc.code FROM valid v
    JOIN city_of_cell cc ON v.mcc = '460' AND cc.mcc = 460 AND cc.mnc = v.mnc_n AND cc.lac = v.lac_n AND cc.cell_id = v.cell_n
    UNION ALL
    SELECT v.phone, v.t, co.code FROM valid v JOIN country_of_mcc co ON v.mcc <> '460' AND co.mcc = v.mcc
);

-- Visits: consecutive observations of a place are linked when adjacent in the phone's order
-- (by t, then code as a string) or at most B apart; a running sum of breaks numbers chains.
CREATE OR REPLACE TEMP VIEW visits AS
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

-- The card: a city with dwell >= D, any place abroad, meeting [T - W, T].
CREATE OR REPLACE TEMP VIEW places AS
SELECT phone, code, min(first) AS first_seen, max(last) AS last_seen
FROM visits
WHERE (length(code) = 2 OR last - first >= {D}) AND last >= {T} - {W} AND first <= {T}
GROUP BY phone, code;

-- Every phone with an accepted observation has a card (visits use t <= T only). The places
-- array is sorted on (first_seen, code), then shaped; to_json keeps the null exposure.
SELECT to_json(named_struct(
           'phone', phone,
           'color', CASE WHEN exists(list, x -> length(x.code) = 2) THEN 'yellow' ELSE 'green' END,
           'places', transform(array_sort(list), x -> named_struct(
               'code', x.code,
               'kind', CASE WHEN length(x.code) = 6 THEN 'city' WHEN x.code IN ('HK', 'MO', 'TW') THEN 'region' ELSE 'country' END,
               'starred', false,
               'exposure', CAST(NULL AS STRING),
               'first_seen', date_format(timestamp_seconds(x.first_seen), "yyyy-MM-dd'T'HH:mm:ss'Z'"),
               'last_seen', date_format(timestamp_seconds(x.last_seen), "yyyy-MM-dd'T'HH:mm:ss'Z'")))),
       map('ignoreNullFields', 'false')) AS card
FROM (
    SELECT p.phone, collect_list(CASE WHEN l.code IS NOT NULL THEN named_struct(
               'first_seen', l.first_seen, 'code', l.code, 'last_seen', l.last_seen) END) AS list
    FROM (SELECT DISTINCT phone FROM obs) p LEFT JOIN places l ON p.phone = l.phone
    GROUP BY p.phone
)
