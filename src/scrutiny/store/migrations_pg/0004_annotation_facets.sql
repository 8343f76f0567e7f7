-- scrutiny store on PostgreSQL, schema version 4 (SQLite's version 9): a document's annotations of
-- one layer come from an index, for the technique and signal facets and filters.
DROP INDEX IF EXISTS annotations_layer_label;
CREATE INDEX IF NOT EXISTS annotations_doc_layer ON annotations (doc, layer, label);
