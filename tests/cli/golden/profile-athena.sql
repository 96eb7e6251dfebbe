-- mlscale profile: the dataset summary of an S3 Inventory table (schema_version 1).
-- Run it in Athena, download the result as CSV, then: mlscale profile RESULT.csv
-- Same rules as `mlscale profile` on a listing: delete markers (no size) and directory markers
-- (empty keys ending in '/') are left out; extensions and prefixes are computed from the key.
-- An inventory of all versions: add "AND is_latest" to the WHERE clause.
WITH objects AS (
  SELECT url_decode(key) AS key, size
  FROM s3_inventory.my_bucket
  WHERE size IS NOT NULL
    AND dt = (SELECT max(dt) FROM s3_inventory.my_bucket)
),
files AS (
  SELECT key, size,
    coalesce(regexp_extract(lower(key), '[^/]\.([a-z0-9]{1,10}\.(?:gz|bz2|xz|zst)|[a-z0-9]{1,10})$', 1), '') AS extension,
    regexp_extract(key, '^(?:[^/]*/){0,2}') AS prefix,
    CASE WHEN size = 0 THEN 0 WHEN size < 1000 THEN 1 WHEN size < 10000 THEN 2 WHEN size < 100000 THEN 3 WHEN size < 1000000 THEN 4 WHEN size < 10000000 THEN 5 WHEN size < 100000000 THEN 6 WHEN size < 1000000000 THEN 7 WHEN size < 10000000000 THEN 8 WHEN size < 100000000000 THEN 9 WHEN size < 1000000000000 THEN 10 ELSE 11 END AS bucket
  FROM objects
  WHERE NOT (size = 0 AND key LIKE '%/')
)
SELECT 'total' AS kind, '' AS name, count(*) AS objects, coalesce(sum(size), 0) AS bytes FROM files
UNION ALL SELECT 'small', '', count(*), coalesce(sum(size), 0) FROM files WHERE size < 50000000
UNION ALL SELECT 'over_single_put', '', count(*), 0 FROM files WHERE size > 5368709120
UNION ALL SELECT 'over_max_object', '', count(*), 0 FROM files WHERE size > 5497558138880
UNION ALL SELECT 'histogram', CAST(bucket AS varchar), count(*), sum(size) FROM files GROUP BY bucket
UNION ALL SELECT 'extension', extension, count(*), sum(size) FROM files GROUP BY extension
UNION ALL SELECT 'prefix_count', '2', count(DISTINCT prefix), 0 FROM files
UNION ALL SELECT * FROM (SELECT 'prefix', prefix, count(*), sum(size) FROM files GROUP BY prefix ORDER BY sum(size) DESC, prefix LIMIT 10)
UNION ALL SELECT * FROM (SELECT 'largest', key, 1, size FROM files ORDER BY size DESC, key LIMIT 1)
