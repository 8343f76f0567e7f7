-- scrutiny store, schema version 11: the entity and entity-type facets, and the entity-type
-- filter, read a document's entities from an index alone.
-- Looked up by the primary key (doc, entity_id), each of a document's entities cost a second read
-- in the table for its name and type: 10,000 matching documents have 270,000 entities. At 100,000
-- documents the two facets took 60 and 65 ms (median over 15 two-word searches), 33 and 47 ms
-- with (doc, type, name).
CREATE INDEX IF NOT EXISTS entities_doc_type_name ON entities (doc, type, name);
