-- scrutiny store on PostgreSQL, schema version 5 (SQLite's version 10): each claim cluster's
-- number of documents and first dates, kept exact by adding and deleting, so the claims page no
-- longer counts every claim print (the SQLite migration says what the columns hold).
CREATE TABLE claim_clusters (
    cluster    bigint PRIMARY KEY,
    docs       integer NOT NULL,
    published  text,
    added      text NOT NULL
);

INSERT INTO claim_clusters (cluster, docs, published, added)
SELECT cp.cluster, count(DISTINCT cp.doc), min(nullif(d.published, '')), min(d.added)
FROM claim_prints AS cp JOIN documents AS d ON d.seq = cp.doc
GROUP BY cp.cluster;

CREATE INDEX claim_clusters_rank ON claim_clusters (docs DESC, cluster);
