-- A log of which questions changed, in commit order per organisation, so that derived data (the
-- search index each app node keeps) can catch up from a watermark instead of rereading the
-- bank. Writers of one organisation take turns (see lock_org_writes), so within an
-- organisation a larger seq always committed later. Deleted questions keep their entries:
-- that is how a follower learns of the deletion.
CREATE TABLE question_changes (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      TEXT NOT NULL REFERENCES orgs (id),
    question_id TEXT NOT NULL,
    changed_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX question_changes_org_seq ON question_changes (org_id, seq);

-- Questions that existed before this log did count as changed once.
INSERT INTO question_changes (org_id, question_id, changed_at)
    SELECT org_id, id, updated_at FROM questions ORDER BY seq;
