-- The card rules of docs/rules.md (no risk areas, no contact list) in Flink SQL, batch mode: the
-- window benchmark's Flink peer, statement for statement the shape of duckdb_cards.sql. peers.py
-- declares the tables feed (a view over one filesystem table per carrier, its columns named from
-- the carrier's header, every column a string), cells, divisions, countries and the sink
-- places_out, fills in {T}, {W}, {D}, {B}, {now}, and runs the statements separated by ';' in
-- order; the last one fills places_out (phone, code, first_seen, last_seen; a phone without a
-- listed place has one row with a null code). Flink SQL has no ordered list aggregate, so peers.py
-- shapes the JSON cards from those rows, inside the timed run.
CREATE TEMPORARY VIEW city_of_cell AS
SELECT TRY_CAST(c.mcc AS INT) AS mcc, TRY_CAST(c.mnc AS INT) AS mnc, TRY_CAST(c.lac AS BIGINT) AS lac,
       TRY_CAST(c.cell_id AS BIGINT) AS cell_id, d.city AS code
FROM cells c JOIN divisions d ON TRY_CAST(d.adcode AS INT) = TRY_CAST(c.adcode AS INT)
WHERE d.city <> '';

CREATE TEMPORARY VIEW country_of_mcc AS
SELECT mcc, iso2 AS code FROM countries WHERE mcc <> '460';

-- Field checks as the project's reader does them (docs/feed-format.md); a bad line is dropped.
CREATE TEMPORARY VIEW valid AS
SELECT REGEXP_EXTRACT(msisdn, '^(?:[+]?86)?(1[3-9][0-9]{{9}})$', 1) AS phone,
       TRY_CAST(event_time AS BIGINT) AS t,
       mcc, TRY_CAST(mnc AS INT) AS mnc_n, TRY_CAST(lac AS BIGINT) AS lac_n, TRY_CAST(cell_id AS BIGINT) AS cell_n
FROM feed
WHERE REGEXP(msisdn, '^([+]?86)?1[3-9][0-9]{{9}}$')
  AND REGEXP(event_time, '^[0-9]{{1,10}}$') AND TRY_CAST(event_time AS BIGINT) <= 4294967295
  AND TRY_CAST(event_time AS BIGINT) <= {now} + 600
  AND REGEXP(mcc, '^[0-9]{{3}}$')
  AND REGEXP(mnc, '^[0-9]{{2,3}}$')
  AND REGEXP(lac, '^[0-9]{{1,8}}$') AND TRY_CAST(lac AS BIGINT) <= 16777215
  AND REGEXP(cell_id, '^[0-9]{{1,11}}$') AND TRY_CAST(cell_id AS BIGINT) <= 68719476735
  AND event IN ('attach', 'detach', 'lu', 'ho', 'call', 'sms', 'data');

-- Observations: (phone, t, place) as a set; unknown cells and MCCs are dropped. The hints send
-- the reference tables to every task: without statistics the planner otherwise broadcast the
-- records into a nested-loop join (2.8 k cells × 0.57 M records: minutes at 2k phones × 7 d).
CREATE TEMPORARY VIEW obs AS
SELECT DISTINCT phone, t, code FROM (
    SELECT /*+ BROADCAST(cc) */ v.phone, v.t, cc.code FROM valid v
    JOIN city_of_cell cc ON cc.mcc = 460 AND cc.mnc = v.mnc_n AND cc.lac = v.lac_n AND cc.cell_id = v.cell_n
    WHERE v.mcc = '460'
    UNION ALL
    SELECT /*+ BROADCAST(co) */ v.phone, v.t, co.code FROM valid v JOIN country_of_mcc co ON co.mcc = v.mcc
    WHERE v.mcc <> '460'
);

-- Visits. g numbers the phone's observations (by t, then code as a string), r those of one place:
-- while a place's observations are adjacent in the phone's order, g - r stays the same, so it
-- names runs of adjacent ones; two runs of a place are one visit when at most B apart (the rule
-- of duckdb_cards.sql, with one window over the runs instead of LAG over the observations, which
-- Flink's planner fails to plan: "Field names must be unique").
CREATE TEMPORARY VIEW ordered AS
SELECT phone, t, code,
       ROW_NUMBER() OVER (PARTITION BY phone ORDER BY t, code) AS g,
       ROW_NUMBER() OVER (PARTITION BY phone, code ORDER BY t) AS r
FROM obs WHERE t <= {T};

CREATE TEMPORARY VIEW runs AS
SELECT phone, code, g - r AS run, MIN(t) AS first_t, MAX(t) AS last_t FROM ordered GROUP BY phone, code, g - r;

CREATE TEMPORARY VIEW breaks AS
SELECT phone, code, first_t, last_t,
       CASE WHEN first_t - LAG(last_t) OVER (PARTITION BY phone, code ORDER BY first_t) <= {B} THEN 0 ELSE 1 END AS break
FROM runs;

CREATE TEMPORARY VIEW chained AS
SELECT phone, code, first_t, last_t,
       SUM(break) OVER (PARTITION BY phone, code ORDER BY first_t ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS chain
FROM breaks;

CREATE TEMPORARY VIEW visits AS
SELECT phone, code, chain, MIN(first_t) AS first_t, MAX(last_t) AS last_t FROM chained GROUP BY phone, code, chain;

-- The card: a city with dwell >= D, any place abroad, meeting [T - W, T].
CREATE TEMPORARY VIEW places AS
SELECT phone, code, MIN(first_t) AS first_seen, MAX(last_t) AS last_seen
FROM visits
WHERE (CHAR_LENGTH(code) = 2 OR last_t - first_t >= {D}) AND last_t >= {T} - {W} AND first_t <= {T}
GROUP BY phone, code;

-- Every phone with an accepted observation has a card (visits use t <= T only).
INSERT INTO places_out
SELECT p.phone, l.code, l.first_seen, l.last_seen
FROM (SELECT DISTINCT phone FROM obs) p LEFT JOIN places l ON p.phone = l.phone
