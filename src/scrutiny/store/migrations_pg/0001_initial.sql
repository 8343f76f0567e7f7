-- scrutiny store on PostgreSQL, schema version 1: the whole of SQLite's versions 1 to 4.
-- Applied by scrutiny.store.postgres in one transaction, which also records the version in
-- scrutiny.schema_migrations. Everything lives in the schema "scrutiny" (created by the store
-- before this runs), so the store never touches another application's tables; the connection's
-- search_path is "scrutiny, public".

-- Full-text search: english snowball stems without a stop-word list (SQLite's porter index
-- keeps "the" too, so the same queries find the same documents), accents folded by unaccent
-- when the server has it (Debian's postgresql package does; it is a trusted extension, so a
-- database owner may create it). Without unaccent, "cafe" does not find "Café".
CREATE TEXT SEARCH DICTIONARY english_stem_all (TEMPLATE = snowball, Language = english);
CREATE TEXT SEARCH CONFIGURATION search (COPY = pg_catalog.english);
DO $$
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS unaccent SCHEMA scrutiny;
    EXCEPTION WHEN OTHERS THEN
        RAISE NOTICE 'unaccent unavailable (%); search will not fold accents', SQLERRM;
    END;
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'unaccent') THEN
        ALTER TEXT SEARCH CONFIGURATION search
            ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
            WITH unaccent, english_stem_all;
    ELSE
        ALTER TEXT SEARCH CONFIGURATION search
            ALTER MAPPING FOR asciiword, asciihword, hword_asciipart, word, hword, hword_part
            WITH english_stem_all;
    END IF;
END
$$;

-- seq is the storage key the child tables point at; id is the public key. meta and attrs are
-- the JSON text exactly as written (json, not jsonb, which would reorder keys). The title is
-- weighted A and the text D, so ts_rank can count a title word five times a text word.
CREATE TABLE documents (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         text NOT NULL UNIQUE,
    title      text,
    author     text,
    published  text,
    source     text,
    media_type text NOT NULL,
    meta       text NOT NULL DEFAULT '{}',
    text       text NOT NULL,
    language   text,
    chars      integer NOT NULL,
    added      text NOT NULL,                  -- ISO 8601 UTC
    search     tsvector NOT NULL GENERATED ALWAYS AS (
        setweight(to_tsvector('scrutiny.search'::regconfig, coalesce(title, '')), 'A')
        || setweight(to_tsvector('scrutiny.search'::regconfig, text), 'D')
    ) STORED
);
CREATE INDEX documents_search ON documents USING gin (search);
-- Prefix lookups of ids (get by a few hex digits) scan a range of this index.
CREATE INDEX documents_id_pattern ON documents (id text_pattern_ops);

CREATE TABLE annotations (
    doc        bigint NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    ord        integer NOT NULL,
    id         text NOT NULL,
    layer      text NOT NULL,
    char_start integer NOT NULL,
    char_end   integer NOT NULL,
    label      text NOT NULL,
    confidence double precision NOT NULL,
    analyzer   text NOT NULL,
    version    text NOT NULL,
    attrs      text NOT NULL DEFAULT '{}',
    PRIMARY KEY (doc, id)
);
CREATE INDEX annotations_layer_label ON annotations (layer, label);

CREATE TABLE entities (
    doc        bigint NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    entity_id  text NOT NULL,
    name       text NOT NULL,
    type       text NOT NULL,
    aliases    text NOT NULL DEFAULT '[]',    -- JSON array of surface names
    PRIMARY KEY (doc, entity_id)
);
CREATE INDEX entities_name ON entities (lower(name));

CREATE TABLE provenance (
    doc        bigint NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    ord        integer NOT NULL,              -- the analysis's order of layers
    layer      text NOT NULL,
    analyzer   text NOT NULL,
    version    text NOT NULL,
    PRIMARY KEY (doc, layer)
);

-- Near-duplicates (scrutiny.corpus.fingerprint): see the SQLite migration 0002.
CREATE TABLE fingerprints (
    doc        bigint PRIMARY KEY REFERENCES documents (seq) ON DELETE CASCADE,
    shingles   bytea,
    words      bytea
);

CREATE TABLE passages (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    doc        bigint NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    char_start integer NOT NULL,
    char_end   integer NOT NULL,
    signature  bytea NOT NULL
);
CREATE INDEX passages_doc ON passages (doc);

-- kind 1 = document shingles, 2 = document words, 3 = passage.
CREATE TABLE lsh_bands (
    key        bigint NOT NULL,
    kind       smallint NOT NULL,
    doc        bigint NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    passage    bigint REFERENCES passages (id) ON DELETE CASCADE
);
CREATE INDEX lsh_bands_key ON lsh_bands (kind, key);
CREATE INDEX lsh_bands_doc ON lsh_bands (doc);
CREATE INDEX lsh_bands_passage ON lsh_bands (passage);

-- Entities across documents (scrutiny.corpus.resolve): see the SQLite migration 0003.
CREATE TABLE corpus_entities (
    id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    type       text NOT NULL,
    grp        text NOT NULL,
    names      text NOT NULL DEFAULT '[]',
    roles      text NOT NULL DEFAULT '[]'
);

CREATE TABLE corpus_keys (
    key           text NOT NULL,
    corpus_entity bigint NOT NULL REFERENCES corpus_entities (id) ON DELETE CASCADE,
    PRIMARY KEY (key, corpus_entity)
);
CREATE INDEX corpus_keys_entity ON corpus_keys (corpus_entity);

CREATE TABLE entity_links (
    doc           bigint NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    entity_id     text NOT NULL,
    corpus_entity bigint NOT NULL REFERENCES corpus_entities (id) ON DELETE CASCADE,
    confidence    double precision NOT NULL,
    evidence      text NOT NULL DEFAULT '[]',
    PRIMARY KEY (doc, entity_id)
);
CREATE INDEX entity_links_corpus ON entity_links (corpus_entity);

-- Who takes part in which event (SQLite migration 0005), for the entity graph.
CREATE TABLE event_roles (
    doc        bigint NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    event_id   text NOT NULL,
    entity_id  text NOT NULL,
    role       text NOT NULL,
    PRIMARY KEY (doc, event_id, entity_id, role)
);

CREATE TABLE entity_decisions (
    kind       text NOT NULL CHECK (kind IN ('merge', 'split')),
    grp        text NOT NULL,
    a          text NOT NULL,
    b          text NOT NULL,
    made       text NOT NULL,
    PRIMARY KEY (grp, a, b)
);

-- Claims tracked across documents: see the SQLite migration 0004.
CREATE TABLE claim_prints (
    id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    doc        bigint NOT NULL REFERENCES documents (seq) ON DELETE CASCADE,
    claim_id   text NOT NULL,
    cluster    bigint NOT NULL,
    similarity double precision NOT NULL,
    numbers    text NOT NULL DEFAULT '',
    signature  bytea NOT NULL,
    UNIQUE (doc, claim_id)
);
CREATE INDEX claim_prints_cluster ON claim_prints (cluster);

CREATE TABLE claim_bands (
    key        bigint NOT NULL,
    print      bigint NOT NULL REFERENCES claim_prints (id) ON DELETE CASCADE
);
CREATE INDEX claim_bands_key ON claim_bands (key);
CREATE INDEX claim_bands_print ON claim_bands (print);
