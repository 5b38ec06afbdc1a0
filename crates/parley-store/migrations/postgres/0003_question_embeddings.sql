-- Sentence embeddings of questions; see the SQLite twin of this migration.
CREATE TABLE question_embeddings (
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    model       TEXT NOT NULL,
    revision    BIGINT NOT NULL,
    dim         BIGINT NOT NULL,
    vector      BYTEA NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (question_id, model)
);
