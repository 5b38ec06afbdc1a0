//! Importing by upload: the files are read and imported as a dry run, the report is shown, and
//! only the confirmation writes — exactly the files that were previewed, kept in the database
//! in between.

use super::{CsrfForm, Frame, Member, WebResult, page, see_other};
use crate::api::bank::{after_import, parse_all};
use crate::api::search::bank_error;
use crate::auth::Auth;
use crate::error::ApiError;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use parley_bank::import::{Report, import_documents};
use parley_domain::Action;

/// Files per upload.
const MAX_FILES: usize = 20;

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    frame: Frame,
    error: Option<String>,
    max_mb: usize,
}

#[derive(Template)]
#[template(path = "import_report.html")]
struct ReportPage {
    frame: Frame,
    report: Report,
    /// Set on a preview that can be confirmed.
    upload: Option<String>,
}

pub async fn form(State(state): State<AppState>, Member(auth): Member) -> WebResult {
    auth.require(Action::ImportBank, "import questions")?;
    Ok(page(
        StatusCode::OK,
        &ImportPage {
            frame: Frame::of(&auth),
            error: None,
            max_mb: state.settings.max_body_bytes / (1024 * 1024),
        },
    ))
}

/// Reads the uploaded files into (name, bytes), with the CSRF field checked.
async fn read_upload(auth: &Auth, mut mp: Multipart) -> Result<Vec<(String, Vec<u8>)>, ApiError> {
    let mut files = Vec::new();
    let mut csrf_ok = false;
    while let Some(field) = mp.next_field().await.map_err(multipart_error)? {
        match field.name() {
            Some("csrf") => {
                let v = field.text().await.map_err(multipart_error)?;
                auth.check_form_csrf(&v)?;
                csrf_ok = true;
            }
            Some("files") => {
                let name = field
                    .file_name()
                    .map(|n| n.rsplit(['/', '\\']).next().unwrap_or(n).to_string())
                    .unwrap_or_default();
                let bytes = field.bytes().await.map_err(multipart_error)?;
                if name.is_empty() && bytes.is_empty() {
                    continue;
                }
                if files.len() == MAX_FILES {
                    return Err(ApiError::Invalid(format!(
                        "at most {MAX_FILES} files per import"
                    )));
                }
                files.push((
                    if name.is_empty() {
                        format!("upload-{}", files.len() + 1)
                    } else {
                        name
                    },
                    bytes.to_vec(),
                ));
            }
            _ => {}
        }
    }
    if !csrf_ok && auth.csrf().is_some() {
        return Err(ApiError::CrossSite);
    }
    if files.is_empty() {
        return Err(ApiError::Invalid("choose at least one file".into()));
    }
    Ok(files)
}

fn multipart_error(e: axum::extract::multipart::MultipartError) -> ApiError {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        ApiError::TooLarge { limit: 0 }
    } else {
        ApiError::BadRequest(e.body_text())
    }
}

pub async fn preview(
    State(state): State<AppState>,
    Member(auth): Member,
    mp: Multipart,
) -> WebResult {
    auth.require(Action::ImportBank, "import questions")?;
    let max_mb = state.settings.max_body_bytes / (1024 * 1024);
    let files = match read_upload(&auth, mp).await {
        Ok(f) => f,
        Err(ApiError::TooLarge { .. }) => {
            let error = format!("The upload is larger than {max_mb} MB; nothing was imported.");
            return Ok(page(
                StatusCode::PAYLOAD_TOO_LARGE,
                &ImportPage {
                    frame: Frame::of(&auth),
                    error: Some(error),
                    max_mb,
                },
            ));
        }
        Err(e @ ApiError::Invalid(_)) => {
            return Ok(page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ImportPage {
                    frame: Frame::of(&auth),
                    error: Some(e.to_string()),
                    max_mb,
                },
            ));
        }
        Err(e) => return Err(e.into()),
    };
    let (docs, errors) = tokio::task::spawn_blocking({
        let files = files.clone();
        move || parse_all(&files)
    })
    .await?;
    if !errors.is_empty() {
        let report = Report::refused(&docs, errors, true);
        return Ok(page(
            StatusCode::UNPROCESSABLE_ENTITY,
            &ReportPage {
                frame: Frame::of(&auth),
                report,
                upload: None,
            },
        ));
    }
    let preview = import_documents(
        &state.store,
        auth.org(),
        &docs,
        true,
        auth.user.email.as_str(),
    )
    .await
    .map_err(bank_error)?;
    let upload = state
        .store
        .save_upload(auth.org(), auth.user.id, &files)
        .await?;
    Ok(page(
        StatusCode::OK,
        &ReportPage {
            frame: Frame::of(&auth),
            report: preview.report,
            upload: Some(upload),
        },
    ))
}

pub async fn confirm(
    State(state): State<AppState>,
    Member(auth): Member,
    Path(upload): Path<String>,
    super::WebForm(f): super::WebForm<CsrfForm>,
) -> WebResult {
    auth.require(Action::ImportBank, "import questions")?;
    auth.check_form_csrf(&f.csrf)?;
    let files = state
        .store
        .upload(auth.org(), auth.user.id, &upload)
        .await?;
    let (docs, errors) = tokio::task::spawn_blocking(move || parse_all(&files)).await?;
    if !errors.is_empty() {
        return Err(
            ApiError::Conflict("the upload no longer parses; upload it again".into()).into(),
        );
    }
    let imported = import_documents(
        &state.store,
        auth.org(),
        &docs,
        false,
        auth.user.email.as_str(),
    )
    .await
    .map_err(bank_error)?;
    state.store.delete_upload(auth.org(), &upload).await?;
    let report = after_import(&state, &auth, imported).await?;
    if report.added == 0 && report.near_duplicates.is_empty() {
        return Ok(see_other("/questions"));
    }
    Ok(page(
        StatusCode::OK,
        &ReportPage {
            frame: Frame::of(&auth).with_notice("Imported."),
            report,
            upload: None,
        },
    ))
}
