-- scrutiny store, schema version 7: counts of documents per entity, per claim cluster and per pair
-- of entities are read from indexes alone.
-- Indexes on corpus_entity and cluster alone made every count look up each row for its doc: one
-- random read a row: 44 s to list the most mentioned entities at 26,000 documents, 14 s to rank
-- claim clusters at 31,000 (0.1 s each with doc in the index); and pairing the entities of each
-- document read every link's row twice (the whole-corpus graph at 31,000: 23 s, 13 s with the
-- pair index).
DROP INDEX entity_links_corpus;
CREATE INDEX entity_links_corpus ON entity_links (corpus_entity, doc);
CREATE INDEX entity_links_doc_entity ON entity_links (doc, corpus_entity);
DROP INDEX claim_prints_cluster;
CREATE INDEX claim_prints_cluster ON claim_prints (cluster, doc);
