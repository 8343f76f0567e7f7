-- scrutiny store, schema version 1.
-- Applied by scrutiny.store.sqlite inside one transaction, which then sets PRAGMA user_version.
-- Statements end with ";" (trigger bodies included); no BEGIN/COMMIT here.

-- Marks the file as a scrutiny store ("SCRU"), so another application's database is refused.
PRAGMA application_id = 1396920917;

-- seq is the storage key: the FTS index and the child tables point at it (a small integer
-- rather than the 71-character id repeated on every annotation row); id is the public key.
-- Rows are never updated: an analysis is immutable once stored.
CREATE TABLE documents (
    seq        INTEGER PRIMARY KEY,
    id         TEXT NOT NULL UNIQUE,
    title      TEXT,
    author     TEXT,
    published  TEXT,
    source     TEXT,
    media_type TEXT NOT NULL,
    meta       TEXT NOT NULL DEFAULT '{}',   -- JSON object
    text       TEXT NOT NULL,
    language   TEXT,                          -- label of the language annotation, for listings
    chars      INTEGER NOT NULL,              -- len(text), so listings never read the text
    added      TEXT NOT NULL                  -- ISO 8601 UTC
);

-- ord keeps the analysis's own order, so get() rebuilds the exact tuple of annotations.
CREATE TABLE annotations (
    doc        INTEGER NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    ord        INTEGER NOT NULL,
    id         TEXT NOT NULL,
    layer      TEXT NOT NULL,
    char_start INTEGER NOT NULL,
    char_end   INTEGER NOT NULL,
    label      TEXT NOT NULL,
    confidence REAL NOT NULL,
    analyzer   TEXT NOT NULL,
    version    TEXT NOT NULL,
    attrs      TEXT NOT NULL DEFAULT '{}',   -- JSON object
    PRIMARY KEY (doc, id)
);
CREATE INDEX annotations_layer_label ON annotations (layer, label);

-- Within-document entities, copied out of the entity annotations when a document is added, so
-- cross-document work (resolution, the entity graph) can query names without parsing JSON.
CREATE TABLE entities (
    doc        INTEGER NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    entity_id  TEXT NOT NULL,
    name       TEXT NOT NULL,
    type       TEXT NOT NULL,
    aliases    TEXT NOT NULL DEFAULT '[]',   -- JSON array of surface names
    PRIMARY KEY (doc, entity_id)
);
CREATE INDEX entities_name ON entities (name);

CREATE TABLE provenance (
    doc        INTEGER NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    layer      TEXT NOT NULL,
    analyzer   TEXT NOT NULL,
    version    TEXT NOT NULL,
    PRIMARY KEY (doc, layer)
);

-- External-content FTS5 index over title and text: the text is stored once (in documents) and
-- snippet() still works, which a contentless table cannot do. The triggers keep the index in
-- step with documents; rows are never updated, so insert and delete are all that is needed.
CREATE VIRTUAL TABLE documents_fts USING fts5 (
    title,
    text,
    content = 'documents',
    content_rowid = 'seq',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER documents_fts_insert AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts (rowid, title, text) VALUES (new.seq, new.title, new.text);
END;

CREATE TRIGGER documents_fts_delete AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts (documents_fts, rowid, title, text)
        VALUES ('delete', old.seq, old.title, old.text);
END;
