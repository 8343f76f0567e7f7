-- scrutiny store on PostgreSQL, schema version 2 (SQLite's version 7): counts of documents per
-- entity, per claim cluster and per pair of entities can be answered by index-only scans instead
-- of fetching every row for its doc.
DROP INDEX entity_links_corpus;
CREATE INDEX entity_links_corpus ON entity_links (corpus_entity, doc);
CREATE INDEX entity_links_doc_entity ON entity_links (doc, corpus_entity);
DROP INDEX claim_prints_cluster;
CREATE INDEX claim_prints_cluster ON claim_prints (cluster, doc);
