-- Parley's first schema on SQLite. It mirrors migrations/postgres/0001_initial.sql column for
-- column, so the Rust row decoding is shared: ids are hyphenated UUID text, times are Unix
-- milliseconds, list fields are JSON arrays kept as text. STRICT makes SQLite reject a value of
-- the wrong type instead of silently storing it.

CREATE TABLE orgs (
    id         TEXT NOT NULL PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE questions (
    -- seq is the rowid, so the table is stored in creation order; AUTOINCREMENT keeps a deleted
    -- question's number from being handed out again, which keeps cursors stable.
    seq               INTEGER PRIMARY KEY AUTOINCREMENT,
    id                TEXT NOT NULL UNIQUE,
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
    estimated_minutes INTEGER,
    follow_up_of      TEXT REFERENCES questions (id) ON DELETE SET NULL,
    translation_of    TEXT REFERENCES questions (id) ON DELETE SET NULL,
    revision          INTEGER NOT NULL,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    UNIQUE (org_id, dup_key)
) STRICT;

CREATE INDEX questions_org_seq ON questions (org_id, seq);
CREATE INDEX questions_org_section ON questions (org_id, section, seq);
-- Without these, deleting a question scans every row to clear links pointing at it.
CREATE INDEX questions_follow_up_of ON questions (follow_up_of);
CREATE INDEX questions_translation_of ON questions (translation_of);

CREATE TABLE question_sources (
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    file        TEXT NOT NULL,
    line        INTEGER NOT NULL,
    heading     TEXT,
    position    INTEGER NOT NULL,
    PRIMARY KEY (question_id, file, line)
) STRICT;

CREATE TABLE question_revisions (
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    revision    INTEGER NOT NULL,
    content     TEXT NOT NULL,
    author      TEXT NOT NULL,
    note        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (question_id, revision)
) STRICT;

CREATE TABLE import_runs (
    id         TEXT NOT NULL PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    created_at INTEGER NOT NULL,
    author     TEXT NOT NULL,
    report     TEXT NOT NULL
) STRICT;

CREATE INDEX import_runs_org ON import_runs (org_id, created_at);
