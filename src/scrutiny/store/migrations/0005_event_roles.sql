-- scrutiny store, schema version 5: who takes part in which event, for the entity graph.
-- One row per (event, participant entity of the document); corpus entities are reached through
-- entity_links, so merges and splits apply to the graph at once. Documents stored before this
-- version are indexed when the store is next opened.

CREATE TABLE event_roles (
    doc        INTEGER NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    event_id   TEXT NOT NULL,
    entity_id  TEXT NOT NULL,                 -- the document's entity
    role       TEXT NOT NULL,                 -- agent, patient, place
    PRIMARY KEY (doc, event_id, entity_id, role)
);
