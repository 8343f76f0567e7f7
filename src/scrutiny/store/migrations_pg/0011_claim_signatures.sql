-- scrutiny store on PostgreSQL, schema version 11 (SQLite's version 16): only the claims a
-- cluster is found by, those with indexed band keys, keep a signature; the others' were never
-- read again.
UPDATE claim_prints SET signature = '\x'::bytea
WHERE length(signature) > 0 AND NOT EXISTS (SELECT 1 FROM claim_bands WHERE print = claim_prints.id);
