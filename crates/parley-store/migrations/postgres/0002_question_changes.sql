-- A log of which questions changed, in commit order per organisation; see the SQLite twin of
-- this migration for why it exists and why its order is trustworthy.
CREATE TABLE question_changes (
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    org_id      TEXT NOT NULL REFERENCES orgs (id),
    question_id TEXT NOT NULL,
    changed_at  BIGINT NOT NULL
);

CREATE INDEX question_changes_org_seq ON question_changes (org_id, seq);

INSERT INTO question_changes (org_id, question_id, changed_at)
    SELECT org_id, id, updated_at FROM questions ORDER BY seq;
