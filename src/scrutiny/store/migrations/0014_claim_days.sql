-- scrutiny store, schema version 14: a claim cluster's oldest claims come first in an index.
-- The claims page shows the 50 oldest claims of each cluster, and found them by reading the date
-- of every document of the cluster: 5,000 each at 100,000 documents, 0.46 s for 20 clusters.
-- Each claim print now keeps its document's published date (documents never change once
-- stored), '9999' when it has none, so that undated claims come last.
ALTER TABLE claim_prints ADD COLUMN day TEXT NOT NULL DEFAULT '9999';
UPDATE claim_prints SET day = coalesce(
    (SELECT nullif(d.published, '') FROM documents AS d WHERE d.seq = claim_prints.doc), '9999');
DROP INDEX claim_prints_cluster;
CREATE INDEX claim_prints_cluster ON claim_prints (cluster, day, doc, id);
