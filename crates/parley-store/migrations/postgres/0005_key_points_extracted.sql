-- Whether a question's key points were extracted from its reference answer by the grader
-- (re-extracted when the answer changes) rather than written by an author.
ALTER TABLE questions ADD COLUMN key_points_extracted BOOLEAN NOT NULL DEFAULT FALSE;
