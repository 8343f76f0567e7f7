-- scrutiny store on PostgreSQL, schema version 10: a passage's band keys go with their document,
-- as in SQLite since its version 6; the passage column is plain.
-- Every band key row was checked against passages when added and kept an index on passage for the
-- cascade, 870 rows an added document: at 100,000 documents, 13 ms of the server's 51 ms an add
-- went to writing band keys into three indexes. Deleting a document deletes its passages and,
-- through doc, all its band keys, so the second cascade removed nothing the first did not.
ALTER TABLE lsh_bands DROP CONSTRAINT IF EXISTS lsh_bands_passage_fkey;
DROP INDEX IF EXISTS lsh_bands_passage;
