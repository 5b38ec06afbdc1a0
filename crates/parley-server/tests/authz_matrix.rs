//! The authorisation matrix: every endpoint × every role (and no credentials) × a resource of
//! the member's own organisation, of another organisation, and one that does not exist. Every
//! cell is asserted; a foreign id must answer exactly like an unknown one.

mod support;

use parley_domain::assessment::{Recommendation, Verdict};
use parley_domain::hiring::{CandidateDraft, Competency, JobRoleDraft, Level};
use parley_domain::interview::InterviewState;
use parley_domain::plan::{KitRequest, Scripts, plan};
use parley_domain::{CandidateId, JobRoleId, QuestionDraft, Role, UserId};
use parley_server::secrets::{hash_secret, new_token};
use parley_store::{NewInterview, Org, User};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use std::collections::HashSet;
use support::{Db, TestApp, send};

on_both_backends!(every_endpoint_role_and_organisation_cell_holds);

/// What an id in a row's path refers to.
#[derive(Clone, Copy, PartialEq)]
enum Target {
    Nothing,
    Question,
    Token,
    /// An interviewer of the organisation.
    Member,
    /// An open invitation of the organisation.
    Invitation,
    /// A role we hire for, used by nothing.
    JobRole,
    Candidate,
    /// A scheduled-time draft interview whose panel is every staff member.
    Interview,
    /// The same, in progress (notes are taken).
    LiveInterview,
    /// Completed, with a scorecard from a panel member who is none of the roles tried.
    CompletedInterview,
    /// Decided, with a saved note.
    AssessedInterview,
    /// A practice answer of the member trying (of the owner, without credentials).
    PracticeAnswer,
    /// A mock interview of the member trying (of the owner, without credentials).
    Mock,
}

struct Row {
    method: Method,
    /// The path with `{id}` for the target.
    path: &'static str,
    body: Option<Value>,
    target: Target,
    /// Owner, admin, interviewer, candidate, no credentials — on the member's own resource.
    own: [u16; 5],
}

const WHO: [&str; 5] = ["owner", "admin", "interviewer", "candidate", "anonymous"];

fn rows() -> Vec<Row> {
    use Target::*;
    let r = |method: Method, path, body: Option<Value>, target, own| Row {
        method,
        path,
        body,
        target,
        own,
    };
    vec![
        r(
            Method::GET,
            "/api/v1/questions",
            None,
            Nothing,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::POST,
            "/api/v1/questions",
            Some(json!({"text": "unique"})),
            Nothing,
            [201, 201, 201, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/questions/{id}",
            None,
            Question,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::PATCH,
            "/api/v1/questions/{id}",
            Some(json!({"tags": ["edited"]})),
            Question,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::DELETE,
            "/api/v1/questions/{id}",
            None,
            Question,
            [204, 204, 403, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/questions/{id}/revisions",
            None,
            Question,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/me",
            None,
            Nothing,
            [200, 200, 200, 200, 401],
        ),
        r(
            Method::GET,
            "/api/v1/tokens",
            None,
            Nothing,
            [200, 200, 200, 200, 401],
        ),
        r(
            Method::POST,
            "/api/v1/tokens",
            Some(json!({"name": "script"})),
            Nothing,
            [201, 201, 201, 201, 401],
        ),
        r(
            Method::DELETE,
            "/api/v1/tokens/{id}",
            None,
            Token,
            [204, 204, 204, 204, 401],
        ),
        r(
            Method::GET,
            "/api/v1/members",
            None,
            Nothing,
            [200, 200, 403, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/invitations",
            None,
            Nothing,
            [200, 200, 403, 403, 401],
        ),
        r(
            Method::POST,
            "/api/v1/invitations",
            Some(json!({"role": "candidate"})),
            Nothing,
            [201, 201, 403, 403, 401],
        ),
        r(
            Method::POST,
            "/api/v1/grade",
            Some(json!({"question": "Why?", "reference_answer": "Because.", "answer": "Because."})),
            Nothing,
            [200, 200, 200, 200, 401],
        ),
        r(
            Method::GET,
            "/api/v1/search?q=question",
            None,
            Nothing,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/questions/{id}/similar",
            None,
            Question,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::PATCH,
            "/api/v1/members/{id}",
            Some(json!({"role": "candidate"})),
            Member,
            [200, 200, 403, 403, 401],
        ),
        r(
            Method::DELETE,
            "/api/v1/members/{id}",
            None,
            Member,
            [204, 204, 403, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/sections",
            None,
            Nothing,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/tags",
            None,
            Nothing,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/duplicates",
            None,
            Nothing,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::POST,
            "/api/v1/duplicates/dismiss",
            Some(json!({"a": "{id}", "b": "{other}"})),
            Question,
            [204, 204, 204, 403, 401],
        ),
        r(
            Method::POST,
            "/api/v1/duplicates/merge",
            Some(json!({"keep": "{other}", "other": "{id}"})),
            Question,
            [200, 200, 403, 403, 401],
        ),
        r(
            Method::POST,
            "/api/v1/imports?dry_run=true",
            None,
            Nothing,
            [415, 415, 415, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/openapi.json",
            None,
            Nothing,
            [200, 200, 200, 200, 200],
        ),
        // The web pages ask the same questions (a page without credentials sends you to log in).
        r(
            Method::GET,
            "/questions",
            None,
            Nothing,
            [200, 200, 200, 403, 303],
        ),
        r(
            Method::GET,
            "/questions?q=question",
            None,
            Nothing,
            [200, 200, 200, 403, 303],
        ),
        r(
            Method::GET,
            "/questions/{id}",
            None,
            Question,
            [200, 200, 200, 403, 303],
        ),
        r(
            Method::GET,
            "/questions/{id}/edit",
            None,
            Question,
            [200, 200, 200, 403, 303],
        ),
        r(
            Method::POST,
            "/questions/{id}/delete",
            Some(json!({"csrf": ""})),
            Question,
            [303, 303, 403, 403, 303],
        ),
        r(
            Method::GET,
            "/questions/new",
            None,
            Nothing,
            [200, 200, 200, 403, 303],
        ),
        r(
            Method::GET,
            "/import",
            None,
            Nothing,
            [200, 200, 200, 403, 303],
        ),
        r(
            Method::GET,
            "/duplicates",
            None,
            Nothing,
            [200, 200, 200, 403, 303],
        ),
        r(
            Method::GET,
            "/account",
            None,
            Nothing,
            [200, 200, 200, 200, 303],
        ),
        r(
            Method::POST,
            "/account/invitations/{id}/withdraw",
            Some(json!({"csrf": ""})),
            Invitation,
            [200, 200, 403, 403, 303],
        ),
        r(
            Method::POST,
            "/account/members/{id}/remove",
            Some(json!({"csrf": ""})),
            Member,
            [200, 200, 403, 403, 303],
        ),
        r(
            Method::GET,
            "/api/v1/roles",
            None,
            Nothing,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::POST,
            "/api/v1/roles",
            Some(role_body()),
            Nothing,
            [201, 201, 403, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/roles/{id}",
            None,
            JobRole,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::PUT,
            "/api/v1/roles/{id}",
            Some(role_body()),
            JobRole,
            [200, 200, 403, 403, 401],
        ),
        r(
            Method::DELETE,
            "/api/v1/roles/{id}",
            None,
            JobRole,
            [204, 204, 403, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/candidates",
            None,
            Nothing,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::POST,
            "/api/v1/candidates",
            Some(json!({"name": "Ada"})),
            Nothing,
            [201, 201, 201, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/candidates/{id}",
            None,
            Candidate,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::PUT,
            "/api/v1/candidates/{id}",
            Some(json!({"name": "Ada B."})),
            Candidate,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/settings/interviews",
            None,
            Nothing,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::PUT,
            "/api/v1/settings/interviews",
            Some(
                json!({"company": "Acme", "opening_script": "Hi", "closing_script": "Bye", "scale": ["No", "Yes"]}),
            ),
            Nothing,
            [200, 200, 403, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/interviews",
            None,
            Nothing,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::POST,
            "/api/v1/interviews",
            Some(json!({"candidate_id": "{candidate}", "length_minutes": 30})),
            Nothing,
            [201, 201, 201, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/interviews/{id}",
            None,
            Interview,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::PUT,
            "/api/v1/interviews/{id}/plan",
            Some(json!({"scheduled_at": 1_800_000_000_000_i64, "interviewers": []})),
            Interview,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::POST,
            "/api/v1/interviews/{id}/kit",
            Some(json!({"op": "rebuild"})),
            Interview,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/interviews/{id}/kit/alternatives?block=databases",
            None,
            Interview,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/interviews/{id}/kit.md",
            None,
            Interview,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/interviews/{id}/calendar.ics",
            None,
            Interview,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/interviews/{id}/transitions",
            None,
            Interview,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::POST,
            "/api/v1/interviews/{id}/transitions",
            Some(json!({"to": "cancelled"})),
            Interview,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/interviews/{id}/entries",
            None,
            LiveInterview,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::PUT,
            "/api/v1/interviews/{id}/entries/1",
            Some(json!({"notes": "calm", "client_rev": 1})),
            LiveInterview,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/interviews/{id}/assessment",
            None,
            CompletedInterview,
            [200, 200, 200, 403, 401],
        ),
        r(
            Method::POST,
            "/api/v1/interviews/{id}/scorecard",
            Some(json!({"recommendation": "yes", "rationale": "clear"})),
            CompletedInterview,
            [201, 201, 201, 403, 401],
        ),
        r(
            Method::POST,
            "/api/v1/interviews/{id}/decision",
            Some(json!({"recommendation": "no", "rationale": "gaps"})),
            CompletedInterview,
            [201, 201, 403, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/interviews/{id}/note",
            None,
            AssessedInterview,
            [200, 200, 403, 403, 401],
        ),
        r(
            Method::PUT,
            "/api/v1/interviews/{id}/note",
            Some(json!({"body": "Hello again"})),
            AssessedInterview,
            [200, 200, 403, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/interviews/{id}/note.md",
            None,
            AssessedInterview,
            [200, 200, 403, 403, 401],
        ),
        r(
            Method::POST,
            "/api/v1/interviews/{id}/note/share",
            Some(json!({"days": 2})),
            AssessedInterview,
            [201, 201, 403, 403, 401],
        ),
        r(
            Method::GET,
            "/api/v1/candidates/{id}/export",
            None,
            Candidate,
            [200, 200, 403, 403, 401],
        ),
        r(
            Method::POST,
            "/api/v1/candidates/{id}/erase",
            None,
            Candidate,
            [204, 204, 403, 403, 401],
        ),
        r(
            Method::POST,
            "/candidates/{id}/erase",
            Some(json!({"csrf": ""})),
            Candidate,
            [303, 303, 403, 403, 303],
        ),
        r(
            Method::GET,
            "/api/v1/interviews/{id}/note.html",
            None,
            AssessedInterview,
            [200, 200, 403, 403, 401],
        ),
        r(
            Method::POST,
            "/api/v1/interviews/{id}/note/send",
            Some(json!({})),
            AssessedInterview,
            [409, 409, 403, 403, 401],
        ),
        r(
            Method::GET,
            "/interviews/{id}/assessment",
            None,
            CompletedInterview,
            [200, 200, 200, 403, 303],
        ),
        r(
            Method::GET,
            "/interviews/{id}/note",
            None,
            AssessedInterview,
            [200, 200, 403, 403, 303],
        ),
        r(
            Method::GET,
            "/roles",
            None,
            Nothing,
            [200, 200, 200, 403, 303],
        ),
        r(
            Method::GET,
            "/roles/{id}/edit",
            None,
            JobRole,
            [200, 200, 403, 403, 303],
        ),
        r(
            Method::GET,
            "/candidates",
            None,
            Nothing,
            [200, 200, 200, 403, 303],
        ),
        r(
            Method::GET,
            "/candidates/{id}",
            None,
            Candidate,
            [200, 200, 200, 403, 303],
        ),
        r(
            Method::GET,
            "/interviews",
            None,
            Nothing,
            [200, 200, 200, 403, 303],
        ),
        r(
            Method::GET,
            "/interviews/{id}",
            None,
            Interview,
            [200, 200, 200, 403, 303],
        ),
        r(
            Method::GET,
            "/interviews/{id}/live",
            None,
            LiveInterview,
            [200, 200, 200, 403, 303],
        ),
        r(
            Method::POST,
            "/interviews/{id}/transition",
            Some(json!({"csrf": "", "to": "cancelled"})),
            Interview,
            [303, 303, 303, 403, 303],
        ),
        r(
            Method::POST,
            "/interviews/{id}/entries/1",
            Some(json!({"csrf": "", "notes": "calm"})),
            LiveInterview,
            [303, 303, 303, 403, 303],
        ),
        r(
            Method::GET,
            "/api/v1/practice/settings",
            None,
            Nothing,
            [200, 200, 200, 200, 401],
        ),
        r(
            Method::PUT,
            "/api/v1/practice/settings",
            Some(json!({"new_per_day": 5})),
            Nothing,
            [200, 200, 200, 200, 401],
        ),
        r(
            Method::GET,
            "/api/v1/practice/next",
            None,
            Nothing,
            [200, 200, 200, 200, 401],
        ),
        r(
            Method::POST,
            "/api/v1/practice/answers",
            Some(json!({"question_id": "{practisable}", "answer": "An answer."})),
            Nothing,
            [201, 201, 201, 201, 401],
        ),
        r(
            Method::GET,
            "/api/v1/practice/answers/{id}",
            None,
            PracticeAnswer,
            [200, 200, 200, 200, 401],
        ),
        r(
            Method::POST,
            "/api/v1/practice/answers/{id}/rating",
            Some(json!({"rating": "good"})),
            PracticeAnswer,
            [200, 200, 200, 200, 401],
        ),
        r(
            Method::GET,
            "/api/v1/practice/progress",
            None,
            Nothing,
            [200, 200, 200, 200, 401],
        ),
        r(
            Method::GET,
            "/api/v1/practice/progress.svg",
            None,
            Nothing,
            [200, 200, 200, 200, 401],
        ),
        r(
            Method::GET,
            "/api/v1/practice/deck.txt",
            None,
            Nothing,
            [200, 200, 200, 200, 401],
        ),
        r(
            Method::GET,
            "/api/v1/practice/mocks",
            None,
            Nothing,
            [200, 200, 200, 200, 401],
        ),
        // The matrix's bank has no section a mock could draw from: refused for what it is.
        r(
            Method::POST,
            "/api/v1/practice/mocks",
            Some(json!({"length": 30})),
            Nothing,
            [409, 409, 409, 409, 401],
        ),
        r(
            Method::GET,
            "/api/v1/practice/mocks/{id}",
            None,
            Mock,
            [200, 200, 200, 200, 401],
        ),
        r(
            Method::POST,
            "/api/v1/practice/mocks/{id}/finish",
            None,
            Mock,
            [200, 200, 200, 200, 401],
        ),
        r(
            Method::GET,
            "/practice",
            None,
            Nothing,
            [200, 200, 200, 200, 303],
        ),
        r(
            Method::GET,
            "/practice/next",
            None,
            Nothing,
            [200, 200, 200, 200, 303],
        ),
        r(
            Method::GET,
            "/practice/progress",
            None,
            Nothing,
            [200, 200, 200, 200, 303],
        ),
        r(
            Method::GET,
            "/practice/mocks",
            None,
            Nothing,
            [200, 200, 200, 200, 303],
        ),
        r(
            Method::GET,
            "/practice/answers/{id}",
            None,
            PracticeAnswer,
            [200, 200, 200, 200, 303],
        ),
        r(
            Method::POST,
            "/practice/answers/{id}/rate",
            Some(json!({"csrf": "", "rating": "hard"})),
            PracticeAnswer,
            [303, 303, 303, 303, 303],
        ),
        r(
            Method::GET,
            "/practice/mocks/{id}",
            None,
            Mock,
            [200, 200, 200, 200, 303],
        ),
        r(
            Method::PUT,
            "/api/v1/me/password",
            Some(json!({"current_password": "wrong password!", "new_password": "whatever long"})),
            Nothing,
            [422, 422, 422, 422, 401],
        ),
    ]
}

fn role_body() -> Value {
    json!({"title": "Backend", "competencies": [{"name": "databases", "weight": 3, "level": "mid", "required": true}]})
}

fn job_role() -> JobRoleDraft {
    JobRoleDraft {
        title: "Backend".into(),
        description: String::new(),
        competencies: vec![Competency::named("databases", 3, Level::Mid, true)],
        technologies: vec![],
    }
}

/// A candidate (with a role) of `org`.
async fn candidate(app: &TestApp, org: &Org) -> (JobRoleId, CandidateId) {
    let role = app.store.create_role(org.id, job_role()).await.unwrap();
    let draft = CandidateDraft {
        name: "Cand".into(),
        email: None,
        contact: String::new(),
        experience: "PostgreSQL.".into(),
        technologies: vec!["PostgreSQL".into()],
    };
    let c = app
        .store
        .create_candidate(org.id, Some(role.id), draft)
        .await
        .unwrap();
    (role.id, c.id)
}

/// A draft interview of `org` with a time and `panel`, started when `live`.
/// How far an interview target has gone.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Draft,
    Live,
    /// Completed, with a scorecard from the panel's last member.
    Completed,
    /// Decided (assessed), with a saved note.
    Assessed,
}

async fn interview(app: &TestApp, org: &Org, panel: &[UserId], stage: Stage) -> String {
    let (role, cand) = candidate(app, org).await;
    let (role_draft, cand_draft) = (
        app.store.role(org.id, role).await.unwrap().draft,
        app.store.candidate(org.id, cand).await.unwrap().draft,
    );
    let kit = plan(&KitRequest {
        role: &role_draft,
        candidate: &cand_draft,
        mentions: &[],
        length: 30,
        interviewers: &[],
        pool: &[],
        asked: &HashSet::new(),
        scripts: &Scripts::default(),
        language: None,
        pinned: vec![],
        next_item: 1,
    })
    .unwrap();
    let iv = app
        .store
        .create_interview(
            org.id,
            NewInterview {
                role,
                candidate: cand,
                kit,
                panel: panel.to_vec(),
                scheduled_at: Some(1_800_000_000_000),
                created_by: panel[0],
            },
        )
        .await
        .unwrap();
    if stage == Stage::Draft {
        return iv.id.to_string();
    }
    for to in [InterviewState::Scheduled, InterviewState::InProgress] {
        app.store
            .transition_interview(org.id, iv.id, to, panel[0])
            .await
            .unwrap();
    }
    if stage == Stage::Live {
        return iv.id.to_string();
    }
    app.store
        .transition_interview(org.id, iv.id, InterviewState::Completed, panel[0])
        .await
        .unwrap();
    let last = *panel.last().unwrap();
    let v = Verdict {
        recommendation: Recommendation::Yes,
        rationale: "fine".into(),
    };
    app.store
        .submit_scorecard(org.id, iv.id, last, v.clone())
        .await
        .unwrap();
    if stage == Stage::Assessed {
        app.store.decide(org.id, iv.id, last, v).await.unwrap();
        app.store
            .save_note(org.id, iv.id, last, "Hello", None)
            .await
            .unwrap();
    }
    iv.id.to_string()
}

/// The status a foreign or unknown id gets: 404 wherever the role may act at all.
/// Without credentials every id answers alike (401, or a page's redirect to the login page).
fn elsewhere(own: u16, anonymous: bool) -> u16 {
    match own {
        _ if anonymous => own,
        401 | 403 => own,
        _ => 404,
    }
}

async fn question(app: &TestApp, org: &Org, n: &mut u32) -> String {
    *n += 1;
    let q = app
        .store
        .create_question(
            org.id,
            QuestionDraft::new(format!("Question number {n}?")),
            "t",
        )
        .await
        .unwrap();
    q.id.to_string()
}

/// A question with a reference answer and key points.
async fn practisable(app: &TestApp, org: &Org, n: &mut u32) -> String {
    *n += 1;
    let mut d = QuestionDraft::new(format!("Practisable question {n}?"));
    d.reference_answer = Some("An index speeds up reads. It slows writes.".into());
    d.key_points = vec![
        "an index speeds up reads".into(),
        "an index slows writes".into(),
    ];
    let q = app.store.create_question(org.id, d, "t").await.unwrap();
    q.id.to_string()
}

/// A practice answer (or a mock interview) of `user`, waiting for its rating.
async fn practice_target(
    app: &TestApp,
    org: &Org,
    user: &User,
    answer: bool,
    n: &mut u32,
) -> String {
    let qid: parley_domain::QuestionId = practisable(app, org, n).await.parse().unwrap();
    let now = parley_server::auth::now_ms();
    if answer {
        let a = app
            .store
            .add_practice_attempt(
                org.id,
                user.id,
                &parley_store::NewAttempt {
                    question: qid,
                    section: None,
                    question_text: "Practisable?",
                    answer: "An answer.",
                    grade: None,
                    score: Some(2.0),
                    suggested: Some(parley_practice::Rating::Hard),
                    at: now,
                },
            )
            .await
            .unwrap();
        return a.id.to_string();
    }
    let plan = parley_practice::mock::MockPlan {
        title: "Practice".into(),
        minutes: 10,
        questions: vec![parley_practice::mock::MockQuestion {
            question: qid,
            text: "Practisable?".into(),
            competency: "databases".into(),
            competency_name: "Databases".into(),
            minutes: 5,
        }],
    };
    app.store
        .create_mock(org.id, user.id, &plan, now)
        .await
        .unwrap()
        .id
        .to_string()
}

async fn token_of(app: &TestApp, user: &User) -> String {
    app.store
        .create_token(user.id, "victim", &hash_secret(&new_token()))
        .await
        .unwrap()
        .id
        .to_string()
}

async fn every_endpoint_role_and_organisation_cell_holds(db: Db) {
    let Some(app) = TestApp::spawn(db, |s| s.rate_per_second = 0).await else {
        return;
    };
    let acme = app.org("acme").await;
    let globex = app.org("globex").await;
    let mut members: Vec<Option<(User, String)>> = Vec::new();
    for role in Role::ALL {
        members.push(Some(app.member(&acme, role).await));
    }
    members.push(None);
    let (stranger, _) = app.member(&globex, Role::Owner).await;
    let staff: Vec<UserId> = members[..3]
        .iter()
        .map(|m| m.as_ref().unwrap().0.id)
        .collect();
    // Panels: the three staff roles plus one more interviewer, who scores in the set-ups.
    let mut panel = staff.clone();
    panel.push(app.member(&acme, Role::Interviewer).await.0.id);
    let (stranger_mate, _) = app.member(&globex, Role::Interviewer).await;
    let mut n = 0;
    let mut cells = 0;
    for row in rows() {
        for (who, member) in WHO.iter().zip(&members) {
            let expected = row.own[WHO.iter().position(|w| w == who).unwrap()];
            // Each cell gets fresh targets, so a delete in one cell cannot decide the next.
            let (own, foreign) = match row.target {
                Target::Nothing => (None, None),
                Target::Question => (
                    Some(question(&app, &acme, &mut n).await),
                    Some(question(&app, &globex, &mut n).await),
                ),
                Target::Invitation => {
                    let mut ids = Vec::new();
                    for org in [&acme, &globex] {
                        let owner = app
                            .store
                            .users_of(org.id)
                            .await
                            .unwrap()
                            .into_iter()
                            .find(|u| u.role == Role::Owner)
                            .unwrap();
                        let code = new_token();
                        let inv = app
                            .store
                            .create_invitation(
                                org.id,
                                &hash_secret(&code),
                                None,
                                Role::Candidate,
                                owner.id,
                                i64::MAX / 2,
                            )
                            .await
                            .unwrap();
                        ids.push(inv.id.to_string());
                    }
                    (Some(ids[0].clone()), Some(ids[1].clone()))
                }
                Target::Member => (
                    Some(app.member(&acme, Role::Interviewer).await.0.id.to_string()),
                    Some(
                        app.member(&globex, Role::Interviewer)
                            .await
                            .0
                            .id
                            .to_string(),
                    ),
                ),
                Target::JobRole => (
                    Some(
                        app.store
                            .create_role(acme.id, job_role())
                            .await
                            .unwrap()
                            .id
                            .to_string(),
                    ),
                    Some(
                        app.store
                            .create_role(globex.id, job_role())
                            .await
                            .unwrap()
                            .id
                            .to_string(),
                    ),
                ),
                Target::Candidate => (
                    Some(candidate(&app, &acme).await.1.to_string()),
                    Some(candidate(&app, &globex).await.1.to_string()),
                ),
                Target::Interview
                | Target::LiveInterview
                | Target::CompletedInterview
                | Target::AssessedInterview => {
                    let stage = match row.target {
                        Target::Interview => Stage::Draft,
                        Target::LiveInterview => Stage::Live,
                        Target::CompletedInterview => Stage::Completed,
                        _ => Stage::Assessed,
                    };
                    (
                        Some(interview(&app, &acme, &panel, stage).await),
                        Some(
                            interview(&app, &globex, &[stranger.id, stranger_mate.id], stage).await,
                        ),
                    )
                }
                Target::PracticeAnswer | Target::Mock => {
                    let mine = match member {
                        Some((u, _)) => u,
                        None => &members[0].as_ref().unwrap().0,
                    };
                    let practice = row.target == Target::PracticeAnswer;
                    (
                        Some(practice_target(&app, &acme, mine, practice, &mut n).await),
                        Some(practice_target(&app, &globex, &stranger, practice, &mut n).await),
                    )
                }
                Target::Token => {
                    let own = match member {
                        Some((u, _)) => token_of(&app, u).await,
                        None => token_of(&app, &members[0].as_ref().unwrap().0).await,
                    };
                    (Some(own), Some(token_of(&app, &stranger).await))
                }
            };
            let unknown = parley_domain::QuestionId::new().to_string();
            let variants: Vec<(&str, Option<String>, u16)> = match (&own, &foreign) {
                (Some(o), Some(f)) => vec![
                    ("own", Some(o.clone()), expected),
                    (
                        "foreign",
                        Some(f.clone()),
                        elsewhere(expected, member.is_none()),
                    ),
                    (
                        "unknown",
                        Some(unknown),
                        elsewhere(expected, member.is_none()),
                    ),
                ],
                _ => vec![("own", None, expected)],
            };
            for (which, id, want) in variants {
                let path = row.path.replace("{id}", id.as_deref().unwrap_or(""));
                let id = id.clone();
                let mut rb = app.req(row.method.clone(), &path).header("if-match", "*");
                if let Some((_, token)) = member {
                    rb = rb.bearer_auth(token);
                }
                if let Some(b) = &row.body {
                    let mut b = b.clone();
                    if b.get("text").is_some() {
                        n += 1;
                        b["text"] = json!(format!("A new question {n}?"));
                    }
                    // Ids in a body: "{id}" is the cell's target, "{other}" a question of the
                    // member's own organisation.
                    if let Some(fields) = b.as_object_mut() {
                        for v in fields.values_mut() {
                            if v == "{id}" {
                                *v = json!(id.clone().unwrap_or_default());
                            } else if v == "{other}" {
                                *v = json!(question(&app, &acme, &mut n).await);
                            } else if v == "{practisable}" {
                                *v = json!(practisable(&app, &acme, &mut n).await);
                            } else if v == "{candidate}" {
                                *v = json!(candidate(&app, &acme).await.1.to_string());
                            }
                        }
                    }
                    // Web pages take forms; the API takes JSON.
                    rb = if path.starts_with("/api/") {
                        rb.json(&b)
                    } else {
                        let fields: Vec<(String, String)> = b
                            .as_object()
                            .unwrap()
                            .iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                            .collect();
                        rb.form(&fields)
                    };
                }
                let (status, _, body) = send(rb).await;
                assert_eq!(
                    status,
                    StatusCode::from_u16(want).unwrap(),
                    "{} {} as {who}, {which} resource: {body}",
                    row.method,
                    row.path
                );
                if !path.starts_with("/api/") {
                    // A page: errors are HTML pages, no credentials send you to the login page.
                    if status == StatusCode::SEE_OTHER && member.is_none() {
                        cells += 1;
                        continue;
                    }
                } else if !status.is_success() {
                    assert!(
                        body["error"]["code"].is_string(),
                        "{} {} as {who}: error body {body}",
                        row.method,
                        row.path
                    );
                }
                if row.method == Method::GET
                    && row.path == "/api/v1/questions"
                    && status.is_success()
                {
                    let texts: Vec<&str> = body["items"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .map(|q| q["text"].as_str().unwrap())
                        .collect();
                    let theirs = app.store.all_questions(globex.id).await.unwrap();
                    assert!(
                        theirs
                            .iter()
                            .all(|q| !texts.contains(&q.draft.text.as_str())),
                        "another organisation's question listed"
                    );
                }
                cells += 1;
            }
        }
    }
    eprintln!("{cells} authorisation cells asserted");
    assert!(cells >= 100);
    app.stop().await;
}
