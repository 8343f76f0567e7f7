-- scrutiny store, schema version 3: entities resolved across documents (scrutiny.corpus.resolve).
-- A document's entities are linked when it is added; documents stored before this version are
-- linked when the store is next opened.

-- names and roles are JSON arrays: what later documents are compared with (fullest name first).
CREATE TABLE corpus_entities (
    id         INTEGER PRIMARY KEY,
    type       TEXT NOT NULL,                 -- OntoNotes type of the first document's entity
    grp        TEXT NOT NULL,                 -- type group compared across documents (person…)
    names      TEXT NOT NULL DEFAULT '[]',
    roles      TEXT NOT NULL DEFAULT '[]'
);

-- Blocking keys: a document's entity is compared only with corpus entities sharing one.
CREATE TABLE corpus_keys (
    key           TEXT NOT NULL,
    corpus_entity INTEGER NOT NULL REFERENCES corpus_entities (id) ON DELETE CASCADE,
    PRIMARY KEY (key, corpus_entity)
) WITHOUT ROWID;
CREATE INDEX corpus_keys_entity ON corpus_keys (corpus_entity);

-- evidence: JSON array of the reasons for the link, as shown to the user.
CREATE TABLE entity_links (
    doc           INTEGER NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    entity_id     TEXT NOT NULL,
    corpus_entity INTEGER NOT NULL REFERENCES corpus_entities (id) ON DELETE CASCADE,
    confidence    REAL NOT NULL,
    evidence      TEXT NOT NULL DEFAULT '[]',
    PRIMARY KEY (doc, entity_id)
);
CREATE INDEX entity_links_corpus ON entity_links (corpus_entity);

-- A person's decision between two names, kept apart from the links so it outlives them: a
-- document deleted and analysed again is linked under the same decisions.
CREATE TABLE entity_decisions (
    kind       TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
    grp        TEXT NOT NULL,
    a          TEXT NOT NULL,                 -- folded full names, a < b
    b          TEXT NOT NULL,
    made       TEXT NOT NULL,                 -- ISO 8601 UTC
    PRIMARY KEY (grp, a, b)
);
