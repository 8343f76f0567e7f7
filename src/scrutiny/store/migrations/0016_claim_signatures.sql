-- scrutiny store, schema version 16: only the claims a cluster is found by keep a signature.
-- A new claim is compared with the earlier claims sharing one of its band keys, and only the
-- first few claims of each cluster have their band keys indexed (REPRESENTATIVES in
-- sqlite_claims.py); the signatures of the others were never read again: 1.6 GB of a 13 GB
-- store of 100,000 documents whose claims are each repeated in thousands. The space is reused by
-- later writes (VACUUM gives it back to the file system).
UPDATE claim_prints SET signature = x''
WHERE length(signature) > 0 AND NOT EXISTS (SELECT 1 FROM claim_bands WHERE print = claim_prints.id);
