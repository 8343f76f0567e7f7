-- scrutiny store, schema version 4: claims tracked across documents.
-- Each claim annotation gets a MinHash signature of its content-word stems when its document is
-- added (scrutiny.corpus.fingerprint.claim_signature) and joins the cluster of the most similar
-- earlier claim, found through LSH band keys; documents stored before this version are indexed
-- when the store is next opened.

-- cluster is the id of the cluster's first claim (a label: it stays when that claim is deleted).
-- numbers: the claim's numbers, sorted; claims whose numbers differ are never one claim.
CREATE TABLE claim_prints (
    id         INTEGER PRIMARY KEY,
    doc        INTEGER NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    claim_id   TEXT NOT NULL,
    cluster    INTEGER NOT NULL,
    similarity REAL NOT NULL,                 -- to the claim it was matched with; 1 for the first
    numbers    TEXT NOT NULL DEFAULT '',
    signature  BLOB NOT NULL,
    UNIQUE (doc, claim_id)
);
CREATE INDEX claim_prints_cluster ON claim_prints (cluster);

CREATE TABLE claim_bands (
    key        INTEGER NOT NULL,
    print      INTEGER NOT NULL REFERENCES claim_prints (id) ON DELETE CASCADE
);
CREATE INDEX claim_bands_key ON claim_bands (key);
