-- scrutiny store on PostgreSQL, schema version 9 (SQLite's version 14): each claim print keeps its
-- document's published date ('9999' when it has none), so a cluster's oldest claims come first
-- in an index and the claims page reads only the claims it shows.
ALTER TABLE claim_prints ADD COLUMN day text NOT NULL DEFAULT '9999';
UPDATE claim_prints AS cp SET day = coalesce(nullif(d.published, ''), '9999')
FROM documents AS d WHERE d.seq = cp.doc;
DROP INDEX claim_prints_cluster;
CREATE INDEX claim_prints_cluster ON claim_prints (cluster, day, doc, id);
