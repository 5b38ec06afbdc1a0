//! The OpenAPI 3.1 document, generated from the handlers' annotations and the API's types, so
//! it cannot drift from the code that serves it.

use super::{
    account, assessments, bank, charts, grade, hiring, interviews, kits, members, notes, practice,
    privacy, questions, search,
};
use crate::error::{ErrorBody, ErrorDetail};
use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Parley API", description = "The question bank, accounts, roles, candidates, interview kits, interviews and practice of Parley."),
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
        practice::get_settings, practice::put_settings, practice::next, practice::answer,
        practice::get_answer, practice::rate, practice::progress, practice::progress_svg,
        practice::deck, practice::mocks, practice::start_mock, practice::mock,
        practice::answer_mock, practice::finish_mock,
    ),
    components(schemas(ErrorBody, ErrorDetail, account::RoleName, search::SearchModeName)),
    modifiers(&Security),
    tags((name = "questions", description = "The question bank"), (name = "account", description = "Signing in, your account and tokens"), (name = "members", description = "Members and invitations"), (name = "grading", description = "Grading written answers"), (name = "interviews", description = "Roles, candidates, interview kits and interviews"), (name = "assessment", description = "Scorecards, the assessment, the decision and the note for the candidate"), (name = "practice", description = "Practising: answers graded and scheduled by spaced repetition, progress, mock interviews")),
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

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    /// utoipa names a schema after its type and lets a second type of the same name replace
    /// the first without a word, which would describe one endpoint with another's body.
    #[test]
    fn every_schema_type_has_its_own_name() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut files = vec![dir.join("error.rs"), dir.join("idempotency.rs")];
        for entry in std::fs::read_dir(dir.join("api")).unwrap() {
            files.push(entry.unwrap().path());
        }
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            let mut schema = false;
            for line in text.lines() {
                let line = line.trim();
                if line.starts_with("#[derive(") {
                    schema = line.contains("ToSchema");
                } else if schema
                    && let Some(rest) = line
                        .strip_prefix("pub struct ")
                        .or_else(|| line.strip_prefix("pub enum "))
                {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    let here = file.display().to_string();
                    if let Some(other) = seen.insert(name.clone(), here.clone()) {
                        panic!("schema {name} is defined in {other} and {here}");
                    }
                    schema = false;
                }
            }
        }
        assert!(seen.len() > 40, "{} schema types found", seen.len());
    }

    #[test]
    fn request_bodies_point_at_their_own_types() {
        let doc = serde_json::to_value(<super::ApiDoc as utoipa::OpenApi>::openapi()).unwrap();
        let body = |path: &str, method: &str| {
            doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
                ["$ref"]
                .as_str()
                .unwrap_or_default()
                .to_string()
        };
        assert!(body("/api/v1/roles", "post").ends_with("/JobRoleIn"));
        assert!(body("/api/v1/members/{id}", "patch").ends_with("/RoleIn"));
        let props = &doc["components"]["schemas"]["JobRoleIn"]["properties"];
        assert!(props["competencies"].is_object());
    }
}
