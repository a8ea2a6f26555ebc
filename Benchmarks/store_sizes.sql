-- Bytes per phone of every table of the store, partitions, indexes and TOAST included (README, Storage).
WITH t AS (
    SELECT c.relname AS table_name,
           coalesce((SELECT sum(pg_total_relation_size(p.relid)) FROM pg_partition_tree(c.oid) p WHERE p.isleaf),
                    pg_total_relation_size(c.oid)) AS bytes
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
), phones AS (SELECT count(*)::numeric AS n FROM phone_tracks)
SELECT table_name, bytes, round(bytes / n, 1) AS bytes_per_phone FROM t, phones
UNION ALL SELECT 'TOTAL', sum(bytes), round(sum(bytes) / max(n), 1) FROM t, phones
ORDER BY 2 DESC;
