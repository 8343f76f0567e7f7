-- scrutiny store on PostgreSQL, schema version 8 (SQLite's version 13): the documents linking more
-- than 200 entities, which pair none of them, are listed when added instead of counted from their
-- links by every graph read (the SQLite migration says why).
CREATE TABLE crowded_documents (
    doc        bigint PRIMARY KEY REFERENCES documents (seq) ON DELETE CASCADE
);
INSERT INTO crowded_documents (doc)
SELECT doc FROM entity_links GROUP BY doc HAVING count(*) > 200;
