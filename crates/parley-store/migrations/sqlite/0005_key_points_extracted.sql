-- Whether a question's key points were extracted from its reference answer by the grader
-- (re-extracted when the answer changes) rather than written by an author. (STRICT tables
-- have no BOOLEAN: 0 or 1.)
ALTER TABLE questions ADD COLUMN key_points_extracted INTEGER NOT NULL DEFAULT 0
    CHECK (key_points_extracted IN (0, 1));
