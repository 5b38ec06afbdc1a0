//! The assessment as the API and the pages show it: each member's scorecard rolled up per
//! competency, who may see whose, the pooled panel view with its agreement and disagreements,
//! and the note drafted from it. Gathers from the store; the rules are the domain's.

use crate::auth::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use parley_domain::assessment::{
    CompetencyResult, Visibility, disagree, krippendorff_alpha, overall, roll_up,
};
use parley_domain::feedback::{NoteInput, draft_note};
use parley_domain::interview::Entry;
use parley_domain::{Action, UserId};
use parley_store::{Decision, Interview, JobRole, Scorecard, StoredEntry};

/// One panel member's part.
pub struct MemberCard {
    pub user: UserId,
    pub name: String,
    pub submitted: Option<Scorecard>,
    /// Rolled up from their notes; empty when hidden from the viewer.
    pub results: Vec<CompetencyResult>,
    /// Whether the viewer may see this card's content.
    pub visible: bool,
}

/// Everything about an interview's assessment a viewer may see.
pub struct Assessment {
    pub role: JobRole,
    pub visibility: Visibility,
    pub cards: Vec<MemberCard>,
    /// Whether the viewer sees the others' cards (and so the pooled view).
    pub sees_all: bool,
    /// The panel's notes pooled, per competency (only when `sees_all`).
    pub pooled: Vec<CompetencyResult>,
    /// Per competency of the role: whether the members disagree.
    pub disagreements: Vec<bool>,
    /// Krippendorff's alpha over the members' competency scores, when computable.
    pub agreement: Option<f64>,
    pub overall: Option<f64>,
    pub decision: Option<Decision>,
}

pub async fn assessment(
    state: &AppState,
    auth: &Auth,
    iv: &Interview,
) -> Result<Assessment, ApiError> {
    let org = auth.org();
    let store = &state.store;
    let role = store.role(org, iv.role).await?;
    let settings = store.org_settings(org).await?;
    let scale = settings.scale.0.clone();
    let scorecards = store.scorecards_of(org, iv.id).await?;
    let entries = store.entries_of(org, iv.id, None).await?;
    let users = store.users_of(org).await?;
    let on_panel = iv.panel.contains(&auth.user.id);
    let submitted = scorecards.iter().any(|s| s.user == auth.user.id);
    let manages = auth.role().may(Action::ManageRoles);
    let sees_all = settings
        .interview_visibility
        .shows_others(on_panel, submitted, manages);
    let of = |u: UserId| -> Vec<(u32, &Entry)> {
        entries
            .iter()
            .filter(|e: &&StoredEntry| e.user == u)
            .map(|e| (e.item, &e.entry))
            .collect()
    };
    let cards: Vec<MemberCard> = iv
        .panel
        .iter()
        .map(|&u| {
            let visible = u == auth.user.id || sees_all;
            MemberCard {
                user: u,
                name: users
                    .iter()
                    .find(|x| x.id == u)
                    .map_or_else(|| "(former member)".to_string(), |x| x.name.clone()),
                submitted: scorecards.iter().find(|s| s.user == u).cloned(),
                results: if visible {
                    roll_up(&role.draft, &iv.kit, &of(u), &scale)
                } else {
                    Vec::new()
                },
                visible,
            }
        })
        .collect();
    let (pooled, disagreements, agreement) = if sees_all {
        let all: Vec<(u32, &Entry)> = entries.iter().map(|e| (e.item, &e.entry)).collect();
        let pooled = roll_up(&role.draft, &iv.kit, &all, &scale);
        let per_member: Vec<&Vec<CompetencyResult>> = cards.iter().map(|c| &c.results).collect();
        let units: Vec<Vec<Option<f64>>> = (0..role.draft.competencies.len())
            .map(|k| {
                per_member
                    .iter()
                    .map(|r| r.get(k).and_then(|x| x.score))
                    .collect()
            })
            .collect();
        let disagreements = units.iter().map(|u| disagree(u)).collect();
        (pooled, disagreements, krippendorff_alpha(&units))
    } else {
        (Vec::new(), Vec::new(), None)
    };
    // The decision's reasons usually sum up the panel's calls: only those who may see the
    // calls read them; the others see the decision alone.
    let decision = store.decision_of(org, iv.id).await?.map(|mut d| {
        if !sees_all {
            d.verdict.rationale.clear();
        }
        d
    });
    Ok(Assessment {
        overall: overall(&pooled),
        decision,
        visibility: settings.interview_visibility,
        role,
        cards,
        sees_all,
        pooled,
        disagreements,
        agreement,
    })
}

/// The note drafted from the pooled assessment, with questions to practise for each area to
/// improve: the ones asked whose key points were missed first, then others of the bank.
pub async fn draft(state: &AppState, iv: &Interview, a: &Assessment) -> Result<String, ApiError> {
    let org = iv.org;
    let cand = state.store.candidate(org, iv.candidate).await?;
    let settings = state.store.org_settings(org).await?;
    let practice: Vec<(String, Vec<String>)> = a
        .pooled
        .iter()
        .map(|r| {
            let asked: Vec<String> = iv
                .kit
                .blocks
                .iter()
                .filter(|b| b.key == r.key)
                .flat_map(|b| b.items.iter())
                .filter(|i| {
                    i.question_id.is_some()
                        && i.key_points.iter().any(|k| r.evidence.missed.contains(k))
                })
                .map(|i| i.text.clone())
                .collect();
            (r.key.clone(), asked)
        })
        .collect();
    Ok(draft_note(&NoteInput {
        candidate: &cand.draft.name,
        role: &a.role.draft.title,
        company: &settings.company,
        results: &a.pooled,
        practice: &practice,
    }))
}
