-- scrutiny store, schema version 6: deleting a document no longer reads every band key.
-- Deleting a document cascades to its passages and claim prints, and from each of those SQLite
-- looked for the band keys naming it through a column without an index: a scan of lsh_bands per
-- passage and of claim_bands per claim, about a second a document at 1,000 documents stored and
-- growing with the corpus. Both tables are rebuilt, keeping every row.

-- A passage's band keys carry its document too and go with it through doc; a second cascade
-- through passage only cost the scan, so passage stays a plain column.
CREATE TABLE lsh_bands_v6 (
    key        INTEGER NOT NULL,
    kind       INTEGER NOT NULL,
    doc        INTEGER NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    passage    INTEGER                        -- passages.id for kind 3, else NULL
);
INSERT INTO lsh_bands_v6 (key, kind, doc, passage) SELECT key, kind, doc, passage FROM lsh_bands;
DROP TABLE lsh_bands;
ALTER TABLE lsh_bands_v6 RENAME TO lsh_bands;
CREATE INDEX lsh_bands_key ON lsh_bands (kind, key);
CREATE INDEX lsh_bands_doc ON lsh_bands (doc);

-- Keyed by (key, print), so finding the claims that share a key reads the table alone; the
-- index on print is what the cascade from claim_prints uses. A key is unique within one print
-- (the band number is hashed into it), so the primary key drops nothing.
CREATE TABLE claim_bands_v6 (
    key        INTEGER NOT NULL,
    print      INTEGER NOT NULL REFERENCES claim_prints (id) ON DELETE CASCADE,
    PRIMARY KEY (key, print)
) WITHOUT ROWID;
INSERT OR IGNORE INTO claim_bands_v6 (key, print) SELECT key, print FROM claim_bands;
DROP TABLE claim_bands;
ALTER TABLE claim_bands_v6 RENAME TO claim_bands;
CREATE INDEX claim_bands_print ON claim_bands (print);
