-- Roles, candidates and interviews (each interview carries its kit), the panel, the state
-- history and each interviewer's notes per kit item. Mirrors migrations/postgres/0008.
-- Roles, kits and a candidate's technologies are kept as JSON documents: they are read and
-- written whole, and the domain types validate them on the way in and out.

CREATE TABLE org_settings (
    org_id     TEXT NOT NULL PRIMARY KEY REFERENCES orgs (id),
    body       TEXT NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE TABLE job_roles (
    id         TEXT NOT NULL PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    revision   INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
) STRICT;

CREATE INDEX job_roles_org ON job_roles (org_id, title);

CREATE TABLE candidates (
    id           TEXT NOT NULL PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES orgs (id),
    role_id      TEXT REFERENCES job_roles (id),
    name         TEXT NOT NULL,
    email        TEXT,
    contact      TEXT NOT NULL,
    experience   TEXT NOT NULL,
    technologies TEXT NOT NULL,
    revision     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
) STRICT;

CREATE INDEX candidates_org ON candidates (org_id, created_at);

CREATE TABLE interviews (
    id             TEXT NOT NULL PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES orgs (id),
    role_id        TEXT NOT NULL REFERENCES job_roles (id),
    candidate_id   TEXT NOT NULL REFERENCES candidates (id),
    state          TEXT NOT NULL CHECK (state IN ('draft', 'scheduled', 'in_progress', 'completed',
                                                  'assessed', 'feedback_sent', 'cancelled', 'no_show')),
    length_minutes INTEGER NOT NULL,
    kit            TEXT NOT NULL,
    kit_revision   INTEGER NOT NULL,
    scheduled_at   INTEGER,
    -- Bumped whenever the time changes, so calendars replace the old entry.
    sequence       INTEGER NOT NULL,
    started_at     INTEGER,
    created_by     TEXT NOT NULL,
    created_at     INTEGER NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX interviews_org ON interviews (org_id, created_at);
CREATE INDEX interviews_candidate ON interviews (candidate_id);

-- Members are kept by id without a foreign key: removing a member from the organisation must
-- not erase the notes they took, which are the evidence of an assessment.
CREATE TABLE interview_panel (
    interview_id TEXT NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL,
    PRIMARY KEY (interview_id, user_id)
) STRICT;

CREATE TABLE interview_transitions (
    interview_id TEXT NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    from_state   TEXT NOT NULL,
    to_state     TEXT NOT NULL,
    by_user      TEXT NOT NULL,
    at           INTEGER NOT NULL,
    PRIMARY KEY (interview_id, seq)
) STRICT;

-- One row per interviewer and kit item, replaced whole: a retried save can never add a second
-- copy. `client_rev` orders saves from one screen; an older one never overwrites a newer one.
CREATE TABLE interview_entries (
    interview_id TEXT NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL,
    item_id      INTEGER NOT NULL,
    notes        TEXT NOT NULL,
    rating       INTEGER,
    checked      TEXT NOT NULL,
    client_rev   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (interview_id, user_id, item_id)
) STRICT;
