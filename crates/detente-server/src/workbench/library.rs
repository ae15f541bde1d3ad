//! The scenario library: the built-in scenarios and the uploaded ones (table `scenarios`,
//! kept as written), the upload form and its located errors.
//!
//! An upload is read the way the CLI reads a file (`detente_app::load`): the format is guessed
//! from the file name and its first bytes (TOML, BDM CSV, KTAB CSV/XML, GENIUS XML), imports
//! must read back as a valid scenario. A GENIUS domain comes as several files at once (the
//! domain and one profile per party); it is stored as a JSON list of the files.

use std::path::Path;

use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use detente_app::{AppError, Format, Loaded};
use detente_core::diag::{Problem, Problems, Severity};
use detente_core::LoadError;
use maud::{html, Markup};
use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::db::{now_ms, Db};
use crate::error::ServerError;
use crate::security::Csrf;
use crate::AppState;

/// Prefix of the ids of built-in scenarios (`builtin-muscat-2026`).
pub const BUILTIN_PREFIX: &str = "builtin-";

/// A scenario of the library, as stored (or built in).
#[derive(Debug, Clone)]
pub struct Stored {
    /// `builtin-<name>` or a generated id.
    pub id: String,
    /// Its title (for lists).
    pub name: String,
    /// The uploaded file's name (`<name>.toml` for a built-in).
    pub file_name: String,
    /// `toml`, `bdm`, `ktab` or `genius`.
    pub format: String,
    /// The text as uploaded (GENIUS: a JSON list of the files).
    pub source: String,
    /// Whether it is built in.
    pub builtin: bool,
    /// When it was uploaded (Unix ms).
    pub created_at: Option<i64>,
}

/// One file of a GENIUS upload.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct GeniusFile {
    name: String,
    text: String,
}

fn format_named(s: &str) -> Option<Format> {
    [Format::Toml, Format::Bdm, Format::Ktab, Format::Genius]
        .into_iter()
        .find(|f| f.as_str() == s)
}

impl Stored {
    /// Loads the scenario (as the CLI would load the file).
    pub fn load(&self) -> Result<Loaded, AppError> {
        let fmt = format_named(&self.format);
        if fmt == Some(Format::Genius) {
            let files: Vec<GeniusFile> = serde_json::from_str(&self.source)
                .map_err(|e| AppError::Output(format!("stored GENIUS files do not read: {e}")))?;
            let files: Vec<(String, Vec<u8>)> = files
                .into_iter()
                .map(|f| (f.name, f.text.into_bytes()))
                .collect();
            return load_genius(&files);
        }
        load_one(&self.file_name, fmt, self.source.as_bytes()).map(|(_, l)| l)
    }
}

/// A file name as shown and as written to a temporary folder: its last path component, with
/// only letters, digits, `.`, `-`, `_` and spaces kept (at most 120 characters).
pub fn clean_file_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let kept: String = base
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .take(120)
        .collect();
    let kept = kept.trim().trim_start_matches('.').to_string();
    if kept.is_empty() {
        "upload".to_string()
    } else {
        kept
    }
}

/// Loads one uploaded file: TOML parsed, BDM/KTAB imported (and read back), as `detente_app`
/// does for a file of that name; GENIUS goes through a temporary folder.
pub fn load_one(
    file_name: &str,
    fmt: Option<Format>,
    bytes: &[u8],
) -> Result<(Format, Loaded), AppError> {
    let path = Path::new(file_name);
    let fmt = fmt.unwrap_or_else(|| detente_app::load::guess(path, Some(bytes)));
    let loaded = match fmt {
        Format::Toml => detente_app::load::from_toml(bytes, file_name)?,
        Format::Bdm | Format::Ktab => detente_app::load::import(fmt, path, Some(bytes), &[])?,
        Format::Genius => load_genius(&[(file_name.to_string(), bytes.to_vec())])?,
    };
    Ok((fmt, loaded))
}

/// Loads a GENIUS domain from its files (the domain and the profiles), written to a temporary
/// folder and read as the CLI reads a GENIUS folder. Messages name the files, not the folder.
fn load_genius(files: &[(String, Vec<u8>)]) -> Result<Loaded, AppError> {
    let dir = tempfile::tempdir()
        .map_err(|e| AppError::Output(format!("cannot make a temporary folder: {e}")))?;
    for (name, bytes) in files {
        std::fs::write(dir.path().join(clean_file_name(name)), bytes)
            .map_err(|e| AppError::Output(format!("cannot write a temporary file: {e}")))?;
    }
    let src = detente_app::Source {
        file: Some(dir.path().to_path_buf()),
        format: Some(Format::Genius),
        profiles: Vec::new(),
    };
    let prefix = format!("{}/", dir.path().display());
    let strip = |s: &str| {
        s.replace(&prefix, "")
            .replace(&prefix[..prefix.len() - 1], "GENIUS upload")
    };
    match detente_app::load::load(&src) {
        Ok(mut l) => {
            l.name = files
                .first()
                .map(|f| clean_file_name(&f.0))
                .unwrap_or_default();
            for p in &mut l.warnings.items {
                p.file = strip(&p.file);
                p.message = strip(&p.message);
            }
            Ok(l)
        }
        Err(AppError::Load(LoadError::Invalid {
            file,
            source_text,
            mut problems,
        })) => {
            for p in &mut problems.items {
                p.file = strip(&p.file);
                p.message = strip(&p.message);
            }
            Err(AppError::Load(LoadError::Invalid {
                file: strip(&file),
                source_text,
                problems,
            }))
        }
        Err(e) => Err(AppError::Output(strip(&e.to_string()))),
    }
}

/// The scenario `id` of the library (404 when there is none).
pub async fn find(db: &Db, id: &str) -> Result<Stored, ServerError> {
    if let Some(name) = id.strip_prefix(BUILTIN_PREFIX) {
        let b = detente_core::builtin::find(name)
            .ok_or_else(|| ServerError::NotFound(format!("there is no scenario `{id}`")))?;
        return Ok(builtin(b));
    }
    if !crate::jobs::is_id(id) {
        return Err(ServerError::NotFound(format!(
            "there is no scenario `{id}`"
        )));
    }
    let row = sqlx::query(
        "SELECT id, name, file_name, format, source, created_at FROM scenarios WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&db.pool)
    .await?
    .ok_or_else(|| ServerError::NotFound(format!("there is no scenario `{id}`")))?;
    Ok(Stored {
        id: row.try_get("id")?,
        name: row.try_get("name")?,
        file_name: row.try_get("file_name")?,
        format: row.try_get("format")?,
        source: row.try_get("source")?,
        builtin: false,
        created_at: Some(row.try_get("created_at")?),
    })
}

fn builtin(b: &detente_core::builtin::Builtin) -> Stored {
    Stored {
        id: format!("{BUILTIN_PREFIX}{}", b.name),
        name: b.summary.to_string(),
        file_name: format!("{}.toml", b.name),
        format: "toml".into(),
        source: b.source.to_string(),
        builtin: true,
        created_at: None,
    }
}

/// Every scenario of the library: the built-ins, then the uploads (newest first).
pub async fn list(db: &Db) -> Result<Vec<Stored>, ServerError> {
    let mut out: Vec<Stored> = detente_core::builtin::BUILTINS
        .iter()
        .map(builtin)
        .collect();
    let rows = sqlx::query(
        "SELECT id, name, file_name, format, created_at FROM scenarios ORDER BY created_at DESC",
    )
    .fetch_all(&db.pool)
    .await?;
    for r in rows {
        out.push(Stored {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            file_name: r.try_get("file_name")?,
            format: r.try_get("format")?,
            source: String::new(),
            builtin: false,
            created_at: Some(r.try_get("created_at")?),
        });
    }
    Ok(out)
}

fn upload_form(csrf: &str) -> Markup {
    html! {
        form #upload method="post" enctype="multipart/form-data" action=(crate::page::action("/scenarios", csrf)) {
            p {
                label for="upload-file" { "Scenario file" }
                " "
                input #upload-file type="file" name="file" multiple required;
            }
            p.hint { "detente TOML, BDM CSV, KTAB CSV or XML, or a GENIUS domain XML with its profile files (choose them together). The format is guessed as the CLI guesses it." }
            button #upload-submit type="submit" { "Upload" }
        }
    }
}

/// `GET /scenarios`: the library and the upload form.
pub async fn index(
    State(state): State<AppState>,
    Extension(Csrf(csrf)): Extension<Csrf>,
) -> Result<Markup, ServerError> {
    let all = list(&state.db).await?;
    Ok(super::frame(
        "Scenarios",
        &csrf,
        html! {
            h1 { "Scenario library" }
            table #scenarios.wb-table {
                thead { tr { th { "Scenario" } th { "File" } th { "Format" } th { "Origin" } } }
                tbody {
                    @for s in &all {
                        tr.scenario data-id=(s.id) {
                            td { a href={ "/scenarios/" (s.id) } { (s.name) } }
                            td { code { (s.file_name) } }
                            td { (s.format) }
                            td { @if s.builtin { "built in" } @else { "uploaded" } }
                        }
                    }
                }
            }
            h2 { "Upload a scenario" }
            (upload_form(&csrf))
            p { a href="/jobs" { "All jobs" } }
        },
    ))
}

/// `POST /scenarios`: stores a valid upload and redirects to its page; an invalid one is not
/// stored: 422 with the file's text, the offending lines marked, and every problem located.
pub async fn upload(
    State(state): State<AppState>,
    Extension(Csrf(csrf)): Extension<Csrf>,
    mut multipart: Multipart,
) -> Result<Response, ServerError> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| ServerError::BadRequest(format!("the upload does not read: {e}")))?
    {
        if field.name() != Some("file") {
            continue;
        }
        let name = clean_file_name(field.file_name().unwrap_or("upload"));
        let bytes = field
            .bytes()
            .await
            .map_err(|e| ServerError::BadRequest(format!("the upload does not read: {e}")))?;
        if !bytes.is_empty() {
            files.push((name, bytes.to_vec()));
        }
    }
    if files.is_empty() {
        return Err(ServerError::BadRequest(
            "no file was uploaded: choose a scenario file".into(),
        ));
    }
    let genius = files.iter().all(|(n, b)| {
        n.to_ascii_lowercase().ends_with(".xml")
            && detente_app::load::guess(Path::new(n), Some(b)) == Format::Genius
    });
    if files.len() > 1 && !genius {
        return Err(ServerError::Unprocessable(
            "upload one scenario file (several files only for a GENIUS domain and its profiles)"
                .into(),
        ));
    }
    let first_name = files[0].0.clone();
    let first_text = String::from_utf8_lossy(&files[0].1).into_owned();
    let files2 = files.clone();
    let loaded = tokio::task::spawn_blocking(move || {
        if genius {
            load_genius(&files2).map(|l| (Format::Genius, l))
        } else {
            load_one(&files2[0].0, None, &files2[0].1)
        }
    })
    .await
    .map_err(|e| ServerError::Internal(format!("loading an upload: {e}")))?;
    let (fmt, loaded) = match loaded {
        Ok(x) => x,
        Err(e) => {
            let page = super::frame(
                "Upload refused",
                &csrf,
                html! {
                    h1 { "The upload has errors" }
                    p.error #upload-error { (first_name) " was not stored: fix the problems below and upload it again." }
                    (problems_view(&e, &first_name, &first_text))
                    h2 { "Upload again" }
                    (upload_form(&csrf))
                },
            );
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page).into_response());
        }
    };
    let source = if fmt == Format::Genius {
        let list: Vec<GeniusFile> = files
            .iter()
            .map(|(n, b)| GeniusFile {
                name: n.clone(),
                text: String::from_utf8_lossy(b).into_owned(),
            })
            .collect();
        serde_json::to_string(&list)
            .map_err(|e| ServerError::Internal(format!("storing an upload: {e}")))?
    } else {
        match String::from_utf8(files[0].1.clone()) {
            Ok(s) => s,
            Err(_) => {
                return Err(ServerError::Unprocessable(format!(
                    "{first_name} is not UTF-8 text"
                )))
            }
        }
    };
    let title = if loaded.scenario.meta.title.trim().is_empty() {
        first_name.clone()
    } else {
        loaded.scenario.meta.title.clone()
    };
    let id = crate::jobs::new_id();
    sqlx::query(
        "INSERT INTO scenarios (id, name, file_name, format, source, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&id)
    .bind(&title)
    .bind(&first_name)
    .bind(fmt.as_str())
    .bind(&source)
    .bind(now_ms())
    .execute(&state.db.pool)
    .await?;
    Ok(Redirect::to(&format!("/scenarios/{id}")).into_response())
}

/// The problems of a load error, located in its text: a list (`#problems`) whose entries link
/// to the marked lines (`.bad-line`, anchors `#L<n>`) of the text shown below it
/// (`pre.source`).
pub fn problems_view(e: &AppError, file: &str, uploaded: &str) -> Markup {
    let (problems, text, imported) = match e {
        AppError::Load(LoadError::Invalid {
            problems,
            source_text,
            file: f,
        }) => {
            if source_text.is_empty() {
                (problems.clone(), uploaded.to_string(), false)
            } else {
                let imported = f.ends_with("(imported as TOML)");
                (problems.clone(), source_text.clone(), imported)
            }
        }
        other => {
            let mut p = Problems::new();
            p.push(Problem::error(file, "", other.to_string()));
            (p, uploaded.to_string(), false)
        }
    };
    problems_markup(&problems, &text, imported)
}

/// [`problems_view`] for a list of problems and the text they are located in.
pub fn problems_markup(problems: &Problems, text: &str, imported: bool) -> Markup {
    let bad: std::collections::BTreeMap<usize, usize> = problems
        .items
        .iter()
        .filter(|p| p.line > 0)
        .map(|p| (p.line, p.column))
        .collect();
    html! {
        ul #problems {
            @for p in &problems.items {
                li.problem.(if p.severity == Severity::Error { "error" } else { "warning" })
                   data-line=(p.line) data-column=(p.column) data-field=(p.field) {
                    span.severity { @if p.severity == Severity::Error { "error" } @else { "warning" } }
                    " "
                    @if p.line > 0 {
                        a.where href={ "#L" (p.line) } {
                            (p.file) ":" (p.line) @if p.column > 0 { ":" (p.column) }
                        }
                    } @else {
                        span.where { (p.file) }
                    }
                    @if !p.field.is_empty() { " " code.field { (p.field) } }
                    " — " span.message { (p.message) }
                }
            }
        }
        @if !text.is_empty() {
            @if imported {
                p.hint { "The problems are located in the scenario as the import would write it in detente's TOML:" }
            }
            pre.source #source {
                @for (n, line) in text.lines().enumerate() {
                    @let n = n + 1;
                    @if let Some(col) = bad.get(&n) {
                        span.line.bad-line id={ "L" (n) } {
                            span.ln { (n) }
                            (marked(line, *col))
                            "\n"
                        }
                    } @else {
                        span.line id={ "L" (n) } { span.ln { (n) } (line) "\n" }
                    }
                }
            }
        }
    }
}

/// A line with the character at `col` (1-based; 0: none) in a `<mark>`.
fn marked(line: &str, col: usize) -> Markup {
    if col == 0 || col > line.chars().count() {
        return html! { (line) };
    }
    let at = line
        .char_indices()
        .nth(col - 1)
        .map_or(line.len(), |(i, _)| i);
    let c_end = line[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    html! { (&line[..at]) mark.col { (&line[at..c_end]) } (&line[c_end..]) }
}
