-- scrutiny store, schema version 17: the whole-corpus graph finds its heaviest pairs through
-- the number of digits of their document count (tier), no longer through an index on the count
-- itself. Nearly every add changes hundreds of pair counts (433 on average at 100,000
-- documents), and each change moved the pair inside a (docs, x, y) index of 21 million entries;
-- a pair changes tier only when its count gains a digit. The graph reads the top tiers whole
-- and sorts them (sqlite_entities.py: EntityIndex.graph).
DROP INDEX entity_pairs_weight;
ALTER TABLE entity_pairs ADD COLUMN tier INTEGER GENERATED ALWAYS AS (length(docs)) VIRTUAL;
CREATE INDEX entity_pairs_tier ON entity_pairs (tier);
