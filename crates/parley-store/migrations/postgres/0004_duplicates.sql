-- Near-duplicate suggestions and decisions, and what merges removed; see the SQLite twin.
CREATE TABLE duplicate_pairs (
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    question_a TEXT NOT NULL,
    question_b TEXT NOT NULL,
    score      DOUBLE PRECISION NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('open', 'merged', 'not_duplicate')),
    created_at BIGINT NOT NULL,
    decided_at BIGINT,
    decided_by TEXT,
    PRIMARY KEY (org_id, question_a, question_b)
);

CREATE TABLE merged_questions (
    question_id TEXT NOT NULL REFERENCES questions (id) ON DELETE CASCADE,
    merged_id   TEXT NOT NULL,
    content     TEXT NOT NULL,
    revisions   TEXT NOT NULL,
    merged_at   BIGINT NOT NULL,
    merged_by   TEXT NOT NULL,
    PRIMARY KEY (question_id, merged_id)
);
