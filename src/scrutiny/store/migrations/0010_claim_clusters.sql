-- scrutiny store, schema version 10: the claims page reads each cluster's size and first date from
-- a table instead of from every claim print.
-- Ranking clusters by their number of documents counted all 3.6 million claim prints of 100,000
-- documents, and the first-seen date of each cluster shown read all its documents: 1.2 s for the
-- top 20 clusters, 3.1 s for a page of 50. Adding and deleting keep claim_clusters exact.
-- published: the earliest non-empty published date of the cluster's documents (NULL: none dated);
-- added: the earliest time one of them was added, the first-seen date when none is dated.
CREATE TABLE claim_clusters (
    cluster    INTEGER PRIMARY KEY,
    docs       INTEGER NOT NULL,
    published  TEXT,
    added      TEXT NOT NULL
);

INSERT INTO claim_clusters (cluster, docs, published, added)
SELECT cp.cluster, count(DISTINCT cp.doc), min(nullif(d.published, '')), min(d.added)
FROM claim_prints AS cp JOIN documents AS d ON d.seq = cp.doc
GROUP BY cp.cluster;

CREATE INDEX claim_clusters_rank ON claim_clusters (docs DESC, cluster);
