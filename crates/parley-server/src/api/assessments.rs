//! After the interview over the API: scorecards (blind until the organisation's rule lets you
//! see the others), the assessment against the role with the panel's agreement, and the
//! decision. The note for the candidate is `notes.rs`.

use super::extract::path_id;
use super::hiring::LevelName;
use crate::assess::{self, Assessment};
use crate::auth::Auth;
use crate::error::{ApiError, ApiJson, ErrorBody};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use parley_domain::assessment::{CompetencyResult, Observed, Recommendation, Verdict, Visibility};
use parley_domain::{Action, InterviewId};
use parley_store::{Decision, Scorecard};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A recommendation or decision.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RecommendationName {
    StrongNo,
    No,
    Yes,
    StrongYes,
}

impl From<RecommendationName> for Recommendation {
    fn from(r: RecommendationName) -> Self {
        match r {
            RecommendationName::StrongNo => Recommendation::StrongNo,
            RecommendationName::No => Recommendation::No,
            RecommendationName::Yes => Recommendation::Yes,
            RecommendationName::StrongYes => Recommendation::StrongYes,
        }
    }
}

impl From<Recommendation> for RecommendationName {
    fn from(r: Recommendation) -> Self {
        match r {
            Recommendation::StrongNo => RecommendationName::StrongNo,
            Recommendation::No => RecommendationName::No,
            Recommendation::Yes => RecommendationName::Yes,
            Recommendation::StrongYes => RecommendationName::StrongYes,
        }
    }
}

/// When panel members see each other's scorecards.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VisibilityName {
    /// Only owners and admins see other members' scorecards.
    AlwaysHidden,
    /// A member sees the others' once they have submitted their own.
    #[default]
    UntilSubmitted,
    NeverHidden,
}

impl From<VisibilityName> for Visibility {
    fn from(v: VisibilityName) -> Self {
        match v {
            VisibilityName::AlwaysHidden => Visibility::AlwaysHidden,
            VisibilityName::UntilSubmitted => Visibility::UntilSubmitted,
            VisibilityName::NeverHidden => Visibility::NeverHidden,
        }
    }
}

impl From<Visibility> for VisibilityName {
    fn from(v: Visibility) -> Self {
        match v {
            Visibility::AlwaysHidden => VisibilityName::AlwaysHidden,
            Visibility::UntilSubmitted => VisibilityName::UntilSubmitted,
            Visibility::NeverHidden => VisibilityName::NeverHidden,
        }
    }
}

/// How a requirement was observed.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ObservedName {
    Met,
    Partly,
    NotMet,
    NotAssessed,
}

impl From<Observed> for ObservedName {
    fn from(o: Observed) -> Self {
        match o {
            Observed::Met => Self::Met,
            Observed::Partly => Self::Partly,
            Observed::NotMet => Self::NotMet,
            Observed::NotAssessed => Self::NotAssessed,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EvidenceOut {
    pub questions: Vec<String>,
    pub ticked: Vec<String>,
    pub missed: Vec<String>,
    pub notes: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CompetencyResultOut {
    pub key: String,
    pub name: String,
    pub required: bool,
    pub weight: u8,
    pub expected: LevelName,
    /// Mean rating on 0–1; null when nothing was rated.
    pub score: Option<f64>,
    pub observed: ObservedName,
    pub evidence: EvidenceOut,
    /// Ratings with no key point ticked and no note.
    pub flags: Vec<String>,
}

fn competency_out(r: CompetencyResult) -> CompetencyResultOut {
    CompetencyResultOut {
        key: r.key,
        name: r.name,
        required: r.required,
        weight: r.weight,
        expected: r.expected.into(),
        score: r.score,
        observed: r.observed.into(),
        evidence: EvidenceOut {
            questions: r.evidence.questions,
            ticked: r.evidence.ticked,
            missed: r.evidence.missed,
            notes: r.evidence.notes,
        },
        flags: r.flags,
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScorecardOut {
    pub user_id: String,
    pub name: String,
    pub submitted: bool,
    /// Hidden (null) until you may see the others' scorecards.
    pub recommendation: Option<RecommendationName>,
    pub rationale: Option<String>,
    pub submitted_at: Option<i64>,
    /// Whether you may see this scorecard's content.
    pub visible: bool,
    pub competencies: Vec<CompetencyResultOut>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionOut {
    pub decision: RecommendationName,
    pub reasons: String,
    pub by: String,
    pub at: i64,
}

impl From<Decision> for DecisionOut {
    fn from(d: Decision) -> Self {
        DecisionOut {
            decision: d.verdict.recommendation.into(),
            reasons: d.verdict.rationale,
            by: d.by.to_string(),
            at: d.at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentOut {
    pub visibility: VisibilityName,
    /// Whether you see the other members' scorecards (and so the panel's pooled view).
    pub sees_all: bool,
    pub scorecards: Vec<ScorecardOut>,
    /// The role's requirements with what the panel observed (empty until `sees_all`).
    pub competencies: Vec<CompetencyResultOut>,
    /// Keys of the competencies the panel disagrees on.
    pub disagreements: Vec<String>,
    /// Krippendorff's alpha (interval) over the members' competency scores.
    pub agreement: Option<f64>,
    /// Weighted mean of the assessed competencies, 0–1.
    pub overall: Option<f64>,
    pub decision: Option<DecisionOut>,
}

fn assessment_out(a: Assessment) -> AssessmentOut {
    let disagreements = a
        .role
        .draft
        .competencies
        .iter()
        .zip(&a.disagreements)
        .filter(|(_, d)| **d)
        .map(|(c, _)| c.key.clone())
        .collect();
    AssessmentOut {
        visibility: a.visibility.into(),
        sees_all: a.sees_all,
        scorecards: a
            .cards
            .into_iter()
            .map(|c| {
                let shown = c.submitted.as_ref().filter(|_| c.visible);
                ScorecardOut {
                    user_id: c.user.to_string(),
                    name: c.name,
                    submitted: c.submitted.is_some(),
                    recommendation: shown.map(|s| s.verdict.recommendation.into()),
                    rationale: shown.map(|s| s.verdict.rationale.clone()),
                    submitted_at: c.submitted.as_ref().map(|s| s.submitted_at),
                    visible: c.visible,
                    competencies: c.results.into_iter().map(competency_out).collect(),
                }
            })
            .collect(),
        competencies: a.pooled.into_iter().map(competency_out).collect(),
        disagreements,
        agreement: a.agreement,
        overall: a.overall,
        decision: a.decision.map(DecisionOut::from),
    }
}

/// The assessment of an interview as you may see it: your own scorecard always; the others'
/// and the panel's view per the organisation's visibility rule.
#[utoipa::path(get, path = "/api/v1/interviews/{id}/assessment", tag = "assessment", params(("id" = String, Path)),
    responses((status = 200, body = AssessmentOut), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn get_assessment(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
) -> Result<Json<AssessmentOut>, ApiError> {
    auth.require(Action::RunInterviews, "see assessments")?;
    let iv = state
        .store
        .interview(auth.org(), path_id::<InterviewId>(&id)?)
        .await?;
    let a = assess::assessment(&state, &auth, &iv).await?;
    Ok(Json(assessment_out(a)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerdictIn {
    pub recommendation: RecommendationName,
    /// Required: why.
    #[schema(min_length = 1, max_length = 5000)]
    pub rationale: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubmittedOut {
    pub recommendation: RecommendationName,
    pub rationale: String,
    pub submitted_at: i64,
}

impl From<Scorecard> for SubmittedOut {
    fn from(s: Scorecard) -> Self {
        SubmittedOut {
            recommendation: s.verdict.recommendation.into(),
            rationale: s.verdict.rationale,
            submitted_at: s.submitted_at,
        }
    }
}

/// Submit your scorecard (panel members, once the interview is completed): your
/// recommendation with its rationale. Your notes on the interview are final from then on.
#[utoipa::path(post, path = "/api/v1/interviews/{id}/scorecard", tag = "assessment", request_body = VerdictIn, params(("id" = String, Path)),
    responses((status = 201, body = SubmittedOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn submit(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<VerdictIn>,
) -> Result<(StatusCode, Json<SubmittedOut>), ApiError> {
    auth.require(Action::RunInterviews, "submit scorecards")?;
    let id = path_id::<InterviewId>(&id)?;
    let iv = state.store.interview(auth.org(), id).await?;
    if !iv.panel.contains(&auth.user.id) {
        return Err(ApiError::Forbidden(
            "submit a scorecard for an interview whose panel you are not on",
        ));
    }
    let card = state
        .store
        .submit_scorecard(auth.org(), id, auth.user.id, verdict(input))
        .await?;
    Ok((StatusCode::CREATED, Json(card.into())))
}

fn verdict(v: VerdictIn) -> Verdict {
    Verdict {
        recommendation: v.recommendation.into(),
        rationale: v.rationale,
    }
}

/// Record the panel's decision with its reasons (owners and admins); the interview becomes
/// assessed.
#[utoipa::path(post, path = "/api/v1/interviews/{id}/decision", tag = "assessment", request_body = VerdictIn, params(("id" = String, Path)),
    responses((status = 201, body = DecisionOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 413, body = ErrorBody), (status = 415, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)),
    security(("bearer" = []), ("session" = [])))]
pub async fn decide(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<String>,
    ApiJson(input): ApiJson<VerdictIn>,
) -> Result<(StatusCode, Json<DecisionOut>), ApiError> {
    auth.require(Action::ManageRoles, "decide on candidates")?;
    let id = path_id::<InterviewId>(&id)?;
    let d = state
        .store
        .decide(auth.org(), id, auth.user.id, verdict(input))
        .await?;
    Ok((StatusCode::CREATED, Json(d.into())))
}
