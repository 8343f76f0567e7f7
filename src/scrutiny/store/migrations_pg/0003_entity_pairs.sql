-- scrutiny store on PostgreSQL, schema version 3 (SQLite's version 8): the entity graph reads its
-- edges from a table of pair counts, kept exact by adding, deleting, merging and splitting (the
-- SQLite migration says why, and why documents with more than 200 linked entities pair none).
CREATE TABLE entity_pairs (
    x    bigint NOT NULL,
    y    bigint NOT NULL,
    docs integer NOT NULL,
    PRIMARY KEY (x, y)
);

INSERT INTO entity_pairs (x, y, docs)
WITH paired AS (SELECT doc FROM entity_links GROUP BY doc HAVING count(*) <= 200)
SELECT a.corpus_entity, b.corpus_entity, count(DISTINCT a.doc)
FROM paired AS p
JOIN entity_links AS a ON a.doc = p.doc
JOIN entity_links AS b ON b.doc = a.doc AND a.corpus_entity < b.corpus_entity
GROUP BY a.corpus_entity, b.corpus_entity;

CREATE INDEX entity_pairs_y ON entity_pairs (y);
CREATE INDEX entity_pairs_weight ON entity_pairs (docs DESC, x, y);
