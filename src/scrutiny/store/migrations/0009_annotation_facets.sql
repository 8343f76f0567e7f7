-- scrutiny store, schema version 9: the technique and signal facets, and the filters on them,
-- find a document's annotations of one layer from an index.
-- Both looked a document's annotations up by its primary key and read every row (all layers,
-- with their JSON attributes) to keep the few techniques or signals: 100-130 ms each over 2,000
-- matching documents, 11 and 4 ms with (doc, layer, label). The (layer, label) index it replaces
-- served only the backfills of old stores.
DROP INDEX IF EXISTS annotations_layer_label;
CREATE INDEX IF NOT EXISTS annotations_doc_layer ON annotations (doc, layer, label);
