-- scrutiny store, schema version 2: MinHash fingerprints for near-duplicate and reuse search.
-- Computed when a document is added (scrutiny.corpus.fingerprint), so finding similar documents
-- is an index lookup and adding a document never revisits the others. Documents stored before
-- this version are fingerprinted when the store is next opened.

-- One row per document, NULL signatures when the text has no words to hash.
CREATE TABLE fingerprints (
    doc        INTEGER PRIMARY KEY REFERENCES documents (seq) ON DELETE CASCADE,
    shingles   BLOB,                          -- 128 little-endian uint32 minima, 5-word shingles
    words      BLOB                           -- the same over the set of content words
);

-- Paragraphs long enough to recognise when another document reuses them.
CREATE TABLE passages (
    id         INTEGER PRIMARY KEY,
    doc        INTEGER NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    char_start INTEGER NOT NULL,
    char_end   INTEGER NOT NULL,
    signature  BLOB NOT NULL
);
CREATE INDEX passages_doc ON passages (doc);

-- LSH band keys: two texts sharing a key are candidates. kind 1 = document shingles,
-- 2 = document words, 3 = passage (then passage names the row in passages).
CREATE TABLE lsh_bands (
    key        INTEGER NOT NULL,
    kind       INTEGER NOT NULL,
    doc        INTEGER NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    passage    INTEGER REFERENCES passages (id) ON DELETE CASCADE
);
CREATE INDEX lsh_bands_key ON lsh_bands (kind, key);
CREATE INDEX lsh_bands_doc ON lsh_bands (doc);
