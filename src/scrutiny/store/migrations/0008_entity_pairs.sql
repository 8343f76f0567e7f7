-- scrutiny store, schema version 8: the entity graph reads its edges from a table of pair counts.
-- Counting every pair of entities in every document on each request took 15 s for the whole
-- corpus at 31,000 documents. entity_pairs keeps, for each pair of corpus entities x < y, the
-- number of documents naming both and of events both take part in; adding, deleting, merging
-- and splitting keep them exact.
-- A document with more than 200 linked entities (MAX_PAIRED_LINKS in sqlite_entities.py) is a
-- list, not a context, and pairs none of them: a 100,000-name document would add 5·10⁹ pairs.
-- Changing that number needs a migration that counts the table again.
CREATE TABLE entity_pairs (
    x      INTEGER NOT NULL,
    y      INTEGER NOT NULL,
    docs   INTEGER NOT NULL,
    events INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (x, y)
) WITHOUT ROWID;

INSERT INTO entity_pairs (x, y, docs, events)
WITH paired AS (SELECT doc FROM entity_links GROUP BY doc HAVING count(*) <= 200),
pairs AS (
    SELECT a.corpus_entity AS x, b.corpus_entity AS y, count(DISTINCT a.doc) AS docs
    FROM paired AS p
    JOIN entity_links AS a ON a.doc = p.doc
    JOIN entity_links AS b ON b.doc = a.doc AND a.corpus_entity < b.corpus_entity
    GROUP BY a.corpus_entity, b.corpus_entity
),
shared AS (
    SELECT DISTINCT la.corpus_entity AS x, lb.corpus_entity AS y, ra.doc, ra.event_id
    FROM paired AS p
    JOIN event_roles AS ra ON ra.doc = p.doc
    JOIN event_roles AS rb ON rb.doc = ra.doc AND rb.event_id = ra.event_id
    JOIN entity_links AS la ON la.doc = ra.doc AND la.entity_id = ra.entity_id
    JOIN entity_links AS lb ON lb.doc = rb.doc AND lb.entity_id = rb.entity_id
    WHERE la.corpus_entity < lb.corpus_entity
),
events AS (SELECT x, y, count(*) AS n FROM shared GROUP BY x, y)
SELECT pairs.x, pairs.y, pairs.docs, coalesce(events.n, 0)
FROM pairs LEFT JOIN events ON events.x = pairs.x AND events.y = pairs.y;

CREATE INDEX entity_pairs_y ON entity_pairs (y);
CREATE INDEX entity_pairs_weight ON entity_pairs (docs DESC, x, y);
