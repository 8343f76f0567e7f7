-- scrutiny store, schema version 13: the documents too crowded to pair their entities are listed.
-- A document linking more than 200 entities (MAX_PAIRED_LINKS in sqlite_entities.py) pairs none
-- of them (version 8). Whether a document was crowded was counted from its links wherever the
-- graph needed to know: PostgreSQL counted them for every document of an entity, before pairing
-- it with the other (2,000 counts for one edge's evidence, 1.4 s for a graph around one entity at
-- 100,000 documents). Listed when added, such a document is one lookup in a table that is
-- usually empty. Changing the number needs a migration that lists them again.
CREATE TABLE crowded_documents (
    doc        INTEGER PRIMARY KEY REFERENCES documents (seq) ON DELETE CASCADE
);
INSERT INTO crowded_documents (doc)
SELECT doc FROM entity_links GROUP BY doc HAVING count(*) > 200;
