-- scrutiny store on PostgreSQL, schema version 7 (SQLite's version 12): each corpus entity keeps
-- the number of documents linking it, kept exact by adding, deleting, merging and splitting, so
-- listing the most mentioned entities no longer counts every entity link (3.6 s at 100,000).
ALTER TABLE corpus_entities ADD COLUMN docs integer NOT NULL DEFAULT 0;
UPDATE corpus_entities SET docs =
    (SELECT count(DISTINCT l.doc) FROM entity_links AS l WHERE l.corpus_entity = corpus_entities.id);
CREATE INDEX corpus_entities_docs ON corpus_entities (docs DESC, id);
