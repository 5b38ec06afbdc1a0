//! The OpenAPI 3.1 document, generated from the handlers' annotations and the API's types, so
//! it cannot drift from the code that serves it.

use super::{
    account, assessments, bank, charts, grade, hiring, interviews, kits, members, notes, privacy,
    questions, search,
};
use crate::error::{ErrorBody, ErrorDetail};
use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Parley API", description = "The question bank, accounts, roles, candidates, interview kits and interviews of Parley."),
    paths(
        questions::list, questions::create, questions::get, questions::update, questions::delete, questions::revisions,
        search::search, search::similar, grade::grade,
        bank::sections, bank::tags, bank::import, bank::duplicates, bank::merge, bank::dismiss,
        account::login, account::logout, account::me, account::change_password,
        account::tokens, account::create_token, account::revoke_token,
        members::members, members::set_role, members::remove_member, members::invite, members::invitations, members::revoke_invitation, members::accept,
        hiring::roles, hiring::create_role, hiring::role, hiring::update_role, hiring::delete_role,
        hiring::candidates, hiring::create_candidate, hiring::candidate, hiring::update_candidate,
        hiring::settings, hiring::save_settings,
        interviews::list, interviews::create, interviews::get, interviews::set_plan, kits::edit_kit,
        kits::alternatives, kits::kit_markdown, interviews::transition, interviews::transitions,
        interviews::calendar, interviews::entries, interviews::save_entry,
        assessments::get_assessment, assessments::submit, assessments::decide, notes::get_note,
        notes::save_note, notes::note_markdown, notes::share, notes::send, notes::note_html, notes::note_pdf,
        privacy::export, privacy::erase, charts::profile, charts::comparison,
    ),
    components(schemas(ErrorBody, ErrorDetail, account::RoleName, search::SearchModeName)),
    modifiers(&Security),
    tags((name = "questions", description = "The question bank"), (name = "account", description = "Signing in, your account and tokens"), (name = "members", description = "Members and invitations"), (name = "grading", description = "Grading written answers"), (name = "interviews", description = "Roles, candidates, interview kits and interviews"), (name = "assessment", description = "Scorecards, the assessment, the decision and the note for the candidate")),
)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal API token (parley_…)"))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "parley_session",
                "The browser session; state-changing calls also send X-CSRF-Token",
            ))),
        );
    }
}

/// `GET /api/v1/openapi.json`
pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
