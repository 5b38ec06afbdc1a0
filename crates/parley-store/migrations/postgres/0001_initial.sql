-- Parley's first schema on PostgreSQL. It mirrors migrations/sqlite/0001_initial.sql column for
-- column, so the Rust row decoding is shared: ids are hyphenated UUID text, times are Unix
-- milliseconds, list fields are JSON arrays kept as text. Every integer is BIGINT because the
-- shared decoding reads i64, which PostgreSQL will not produce from an INTEGER column.

CREATE TABLE orgs (
    id         TEXT NOT NULL PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE questions (
    id                TEXT NOT NULL PRIMARY KEY,
    -- Orders questions by creation for listing and cursors; identity values are never reused.
    seq               BIGINT GENERATED ALWAYS AS IDENTITY UNIQUE,
    org_id            TEXT NOT NULL REFERENCES orgs (id),
    dup_key           TEXT NOT NULL,
    text              TEXT NOT NULL,
    language          TEXT,
    section           TEXT,
    tags              TEXT NOT NULL DEFAULT '[]',
    kind              TEXT NOT NULL,
    reference_answer  TEXT,
    key_points        TEXT NOT NULL DEFAULT '[]',
    look_for          TEXT NOT NULL DEFAULT '[]',
    red_flags         TEXT NOT NULL DEFAULT '[]',
    estimated_minutes BIGINT,
    follow_up_of      TEXT REFERENCES questions (id) ON DELETE SET NULL,
    translation_of    TEXT REFERENCES questions (id) ON DELETE SET NULL,
    revision          BIGINT NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    UNIQUE (org_id, dup_key)
);

CREATE INDEX questions_org_seq ON questions (org_id, seq);
CREATE INDEX questions_org_section ON questions (org_id, section, seq);
-- Without these, deleting a question scans every row to clear links pointing at it.
CREATE INDEX questions_follow_up_of ON questions (follow_up_of);
CREATE INDEX questions_translation_of ON questions (translation_of);

CREATE TABLE question_sources (
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    file        TEXT NOT NULL,
    line        BIGINT NOT NULL,
    heading     TEXT,
    position    BIGINT NOT NULL,
    PRIMARY KEY (question_id, file, line)
);

CREATE TABLE question_revisions (
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    revision    BIGINT NOT NULL,
    content     TEXT NOT NULL,
    author      TEXT NOT NULL,
    note        TEXT NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (question_id, revision)
);

CREATE TABLE import_runs (
    id         TEXT NOT NULL PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    created_at BIGINT NOT NULL,
    author     TEXT NOT NULL,
    report     TEXT NOT NULL
);

CREATE INDEX import_runs_org ON import_runs (org_id, created_at);
