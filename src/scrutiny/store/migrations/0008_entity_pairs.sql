-- scrutiny store, schema version 8: the entity graph reads its edges from a table of pair counts.
-- Counting every pair of entities in every document on each request took 15 s for the whole
-- corpus at 31,000 documents. entity_pairs keeps, for each pair of corpus entities x < y, the
-- number of documents naming both; adding, deleting, merging and splitting keep it exact.
-- A document with more than 200 linked entities (MAX_PAIRED_LINKS in sqlite_entities.py) is a
-- list, not a context, and pairs none of them: a 100,000-name document would add 5·10⁹ pairs.
-- Changing that number needs a migration that counts the table again.
CREATE TABLE entity_pairs (
    x    INTEGER NOT NULL,
    y    INTEGER NOT NULL,
    docs INTEGER NOT NULL,
    PRIMARY KEY (x, y)
) WITHOUT ROWID;

INSERT INTO entity_pairs (x, y, docs)
WITH paired AS (SELECT doc FROM entity_links GROUP BY doc HAVING count(*) <= 200)
SELECT a.corpus_entity, b.corpus_entity, count(DISTINCT a.doc)
FROM paired AS p
JOIN entity_links AS a ON a.doc = p.doc
JOIN entity_links AS b ON b.doc = a.doc AND a.corpus_entity < b.corpus_entity
GROUP BY a.corpus_entity, b.corpus_entity;

CREATE INDEX entity_pairs_y ON entity_pairs (y);
CREATE INDEX entity_pairs_weight ON entity_pairs (docs DESC, x, y);
