-- scrutiny store on PostgreSQL, schema version 12 (SQLite's version 17): the whole-corpus graph
-- finds its heaviest pairs through the number of digits of their document count (tier). An
-- update that changes no indexed value can stay on its page without touching any index (a HOT
-- update); with the count itself indexed, every one of an add's hundreds of pair count changes
-- wrote a new entry into each of the table's three indexes. The free space per page lets the
-- new version of a pair stay beside the old one; it is set before the column is added, since
-- adding a stored column rewrites the table.
DROP INDEX entity_pairs_weight;
ALTER TABLE entity_pairs SET (fillfactor = 80);
ALTER TABLE entity_pairs ADD COLUMN tier integer GENERATED ALWAYS AS (length(docs::text)) STORED;
CREATE INDEX entity_pairs_tier ON entity_pairs (tier);
