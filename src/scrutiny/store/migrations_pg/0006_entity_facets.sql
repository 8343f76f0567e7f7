-- scrutiny store on PostgreSQL, schema version 6 (SQLite's version 11): the entity facets and the
-- entity-type filter read a document's entities from an index.
CREATE INDEX IF NOT EXISTS entities_doc_type_name ON entities (doc, type, name);
