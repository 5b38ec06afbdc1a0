-- Roles, candidates and interviews (each interview carries its kit), the panel, the state
-- history and each interviewer's notes per kit item. Twin of migrations/sqlite/0008_interviews.sql.
-- Roles, kits and a candidate's technologies are kept as JSON documents: they are read and
-- written whole, and the domain types validate them on the way in and out.

CREATE TABLE org_settings (
    org_id     TEXT NOT NULL PRIMARY KEY REFERENCES orgs (id),
    body       TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE job_roles (
    id         TEXT NOT NULL PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES orgs (id),
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    revision   BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

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
    revision     BIGINT NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL
);

CREATE INDEX candidates_org ON candidates (org_id, created_at);

CREATE TABLE interviews (
    id             TEXT NOT NULL PRIMARY KEY,
    org_id         TEXT NOT NULL REFERENCES orgs (id),
    role_id        TEXT NOT NULL REFERENCES job_roles (id),
    candidate_id   TEXT NOT NULL REFERENCES candidates (id),
    state          TEXT NOT NULL CHECK (state IN ('draft', 'scheduled', 'in_progress', 'completed',
                                                  'assessed', 'feedback_sent', 'cancelled', 'no_show')),
    length_minutes BIGINT NOT NULL,
    kit            TEXT NOT NULL,
    kit_revision   BIGINT NOT NULL,
    scheduled_at   BIGINT,
    -- Bumped whenever the time changes, so calendars replace the old entry.
    sequence       BIGINT NOT NULL,
    started_at     BIGINT,
    created_by     TEXT NOT NULL,
    created_at     BIGINT NOT NULL,
    updated_at     BIGINT NOT NULL
);

CREATE INDEX interviews_org ON interviews (org_id, created_at);
CREATE INDEX interviews_candidate ON interviews (candidate_id);

-- Members are kept by id without a foreign key: removing a member from the organisation must
-- not erase the notes they took, which are the evidence of an assessment.
CREATE TABLE interview_panel (
    interview_id TEXT NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL,
    PRIMARY KEY (interview_id, user_id)
);

CREATE TABLE interview_transitions (
    interview_id TEXT NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    seq          BIGINT NOT NULL,
    from_state   TEXT NOT NULL,
    to_state     TEXT NOT NULL,
    by_user      TEXT NOT NULL,
    at           BIGINT NOT NULL,
    PRIMARY KEY (interview_id, seq)
);

-- One row per interviewer and kit item, replaced whole: a retried save can never add a second
-- copy. `client_rev` orders saves from one screen; an older one never overwrites a newer one.
CREATE TABLE interview_entries (
    interview_id TEXT NOT NULL REFERENCES interviews (id) ON DELETE CASCADE,
    user_id      TEXT NOT NULL,
    item_id      BIGINT NOT NULL,
    notes        TEXT NOT NULL,
    rating       BIGINT,
    checked      TEXT NOT NULL,
    client_rev   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (interview_id, user_id, item_id)
);
