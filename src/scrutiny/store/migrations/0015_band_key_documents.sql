-- scrutiny store, schema version 15: the band keys of similar documents are counted from an index
-- alone.
-- Similar documents counts, for each other document, the band keys it shares with this one. The
-- (kind, key) index found the sharing rows but each row's doc was a second read in the table: 80,000
-- random reads for a document with 2,500 near-copies, 320 ms at 100,000 documents, 30 ms with doc
-- in the index. The index replaces the old one (the same entries, 8 bytes longer); PostgreSQL,
-- whose hash join reads the table in order, keeps its (kind, key) index.
DROP INDEX lsh_bands_key;
CREATE INDEX lsh_bands_key ON lsh_bands (kind, key, doc);
