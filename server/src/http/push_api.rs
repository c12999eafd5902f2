//! The push API, `/api/v1/agencies/{agency}/announcements/…`: a department's own system
//! writes, publishes and unpublishes its announcements by the id it knows them by. Callers are
//! machine clients of the hub with a client-credentials token; each acts as its machine
//! account, whose one role (from its registration) is checked by the same `roles::allows` as
//! the editor pages. Writes go through the editor's publishing module, so the editions,
//! validation, change log and audit log are the same whichever door content came in by.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use motcua_app::params::ParamError;
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use utoipa::{IntoParams, ToSchema};

use super::error::{ApiError, ErrorBody};
use super::{AppState, ClientIp};
use crate::hub::services;
use crate::staff::publishing::{self, Draft, PublishError, Put, Unpublish};
use crate::storage::audit::Event;
use crate::storage::entity::{agency, edition, publication};
use crate::storage::hub as store;
use crate::storage::roles::{self, Role};

/// The push API's routes, with their state applied.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/agencies/{agency}/announcements", get(list))
        .route("/api/v1/agencies/{agency}/announcements/{external_id}", get(show).put(put))
        .route("/api/v1/agencies/{agency}/announcements/{external_id}/publish", post(publish))
        .route("/api/v1/agencies/{agency}/announcements/{external_id}/unpublish", post(unpublish))
        .layer(axum::extract::DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}

/// At least one character that is neither a space nor a control character: a title or a
/// note that says something.
pub const VISIBLE: &str = r"[^\s\x00-\x1f\x7f-\x9f]";

/// The largest body the API reads: the longest Markdown allowed, every character escaped.
pub const BODY_LIMIT: usize = 3 * 1024 * 1024;

/// An announcement as `PUT` sends it. Markdown body, rendered and sanitised on the way out.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnnouncementInput {
    /// Up to 300 characters, not only spaces.
    #[schema(min_length = 1, max_length = 300, pattern = r"[^\s\x00-\x1f\x7f-\x9f]")]
    pub title: String,
    /// One paragraph, up to 1,000 characters.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub summary: String,
    /// Markdown (CommonMark with tables); needed to publish.
    #[serde(default)]
    #[schema(max_length = 200000)]
    pub body_markdown: String,
    /// What changed: needed to publish a new edition of published content.
    #[serde(default)]
    #[schema(max_length = 1000)]
    pub change_note: Option<String>,
}

impl AnnouncementInput {
    /// Checks the fields as sent, against the limits the OpenAPI document declares (the
    /// publishing module checks them again once the text is cleaned).
    fn check(&self) -> Result<(), ApiError> {
        static VISIBLE_CHAR: std::sync::LazyLock<Option<regex::Regex>> =
            std::sync::LazyLock::new(|| regex::Regex::new(VISIBLE).ok());
        let too_long = |field: &str, value: &str, max: usize| {
            (value.chars().count() > max)
                .then(|| ApiError::InvalidField { field: field.into(), message: format!("dài quá {max} ký tự") })
        };
        let error = too_long("title", &self.title, 300)
            .or_else(|| too_long("summary", &self.summary, 1000))
            .or_else(|| too_long("body_markdown", &self.body_markdown, 200_000))
            .or_else(|| too_long("change_note", self.change_note.as_deref().unwrap_or_default(), 1000));
        if let Some(e) = error {
            return Err(e);
        }
        if !VISIBLE_CHAR.as_ref().is_some_and(|r| r.is_match(&self.title)) {
            return Err(ApiError::InvalidField { field: "title".into(), message: "Nhập tiêu đề.".into() });
        }
        Ok(())
    }
}

/// `POST …/publish`: now, or at a time (the body may be empty).
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishInput {
    /// When to publish (RFC 3339); now when absent or already past.
    #[serde(default)]
    pub publish_at: Option<DateTime<Utc>>,
}

/// `POST …/unpublish`: how published content leaves the public.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(tag = "how", rename_all = "lowercase", deny_unknown_fields)]
pub enum UnpublishInput {
    /// The page stays and says why.
    Withdraw {
        /// Why, for the reader.
        #[schema(min_length = 1, max_length = 1000, pattern = r"[^\s\x00-\x1f\x7f-\x9f]")]
        note: String,
    },
    /// The page answers 301 to another page.
    Redirect {
        /// A portal path (`/tin-tuc/…`) or an http(s) address.
        #[schema(
            max_length = 2000,
            pattern = r"^(/([^/\\\s\x00-\x1f\x7f-\x9f][^\\\s\x00-\x1f\x7f-\x9f]*)?|https?://[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z][A-Za-z0-9-]*)*(:[0-9]{1,4})?(/[^\\\s\x00-\x1f\x7f-\x9f]*)?)$"
        )]
        redirect_to: String,
    },
    /// The page answers 410. (A struct variant, so that a stray field is refused too.)
    Gone {},
}

/// Where an announcement stands.
#[derive(Debug, Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum AnnouncementState {
    /// Never published.
    Draft,
    /// Public.
    Published,
    /// Public, marked withdrawn.
    Withdrawn,
    /// Its page sends readers elsewhere.
    Redirected,
    /// Its page answers 410.
    Gone,
}

/// An announcement as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct Announcement {
    /// The agency's own id for it.
    pub external_id: Option<String>,
    /// The agency's slug.
    pub agency: String,
    /// Where it stands.
    pub state: AnnouncementState,
    /// Its public page on the portal.
    pub url: String,
    /// The latest edition's title.
    pub title: String,
    /// The latest edition's number (1 for the first).
    pub edition: i32,
    /// Whether the latest edition is an unpublished draft.
    pub draft_pending: bool,
    /// When the draft will publish itself, if scheduled.
    pub scheduled_at: Option<DateTime<Utc>>,
    /// When first published.
    pub published_at: Option<DateTime<Utc>>,
    /// When last changed.
    pub updated_at: DateTime<Utc>,
}

/// `GET …/announcements`.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnnouncementList {
    /// Most recently changed first.
    pub items: Vec<Announcement>,
}

/// The path of the agency's list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AgencyPath {
    /// The agency's slug.
    #[param(pattern = r"^[a-z0-9-]{1,100}$", example = "thanh-pho-hue")]
    pub agency: String,
}

/// The path of one announcement.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub struct AnnouncementPath {
    /// The agency's slug.
    #[param(pattern = r"^[a-z0-9-]{1,100}$", example = "thanh-pho-hue")]
    pub agency: String,
    /// The agency's own id for the announcement.
    #[param(pattern = r"^[A-Za-z0-9._:~-]{1,100}$", example = "tb-2026-001")]
    pub external_id: String,
}

/// A path axum could not read (bad percent-encoding): the API's error shape, not plain text.
fn unreadable_path(e: PathRejection) -> ApiError {
    bad_parameter("path", &e.body_text())
}

/// A machine client with a live token.
struct Caller {
    client_id: String,
    account_id: i32,
}

/// The caller of a request, from its bearer token.
async fn caller(state: &AppState, headers: &HeaderMap) -> Result<Caller, ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            ApiError::Unauthorized(
                "Cần mã truy cập: Authorization: Bearer …, lấy từ /oidc/token (grant_type=client_credentials).".into(),
            )
        })?;
    let found = store::live_api_token(&state.db, token, Utc::now()).await.map_err(unavailable)?;
    let t = found.ok_or_else(|| ApiError::Unauthorized("Mã truy cập không hợp lệ hoặc đã hết hạn.".into()))?;
    // The registration may have changed since the token was issued.
    let service = services::find(&state.db, &t.client_id).await.map_err(unavailable)?;
    if service.is_none_or(|s| s.api_role.is_none()) {
        return Err(ApiError::Unauthorized("Dịch vụ này không còn được đăng ký gửi tin.".into()));
    }
    Ok(Caller { client_id: t.client_id, account_id: t.account_id })
}

fn unavailable(e: impl std::fmt::Display) -> ApiError {
    tracing::error!("push API: {e}");
    ApiError::Unavailable
}

fn bad_parameter(parameter: &str, message: &str) -> ApiError {
    ApiError::InvalidParameter(ParamError { parameter: parameter.into(), message: message.into() })
}

/// The agency of the path, if the caller holds `needed` for it (or a parent of it).
async fn agency_for(state: &AppState, caller: &Caller, slug: &str, needed: Role) -> Result<agency::Model, ApiError> {
    if slug.is_empty()
        || slug.len() > 100
        || !slug.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(bad_parameter("agency", "mã cơ quan chỉ gồm chữ thường không dấu, số và dấu gạch ngang"));
    }
    let found = crate::storage::agencies::by_slug(&state.db, slug).await.map_err(unavailable)?;
    let agency = found.ok_or_else(|| ApiError::NotFound(format!("không có cơ quan {slug}")))?;
    if !roles::allows(&state.db, caller.account_id, agency.id, needed).await.map_err(unavailable)? {
        return Err(ApiError::Forbidden(format!(
            "Dịch vụ {} không có quyền {} cho {}.",
            caller.client_id,
            if needed >= Role::Publisher { "xuất bản" } else { "soạn tin" },
            agency.name
        )));
    }
    Ok(agency)
}

fn check_external_id(external_id: &str) -> Result<(), ApiError> {
    let ok = !external_id.is_empty()
        && external_id.len() <= 100
        && external_id.bytes().all(|b| b.is_ascii_alphanumeric() || b"._:~-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(bad_parameter("external_id", "1–100 ký tự: chữ, số, '.', '_', ':', '~', '-'"))
    }
}

/// Reads a JSON body, naming the field at fault. An empty body or `null` stands for `empty`,
/// when one is given (publish now).
fn body<T: DeserializeOwned>(
    headers: &HeaderMap,
    bytes: Result<Bytes, BytesRejection>,
    empty: Option<fn() -> T>,
) -> Result<T, ApiError> {
    let bytes = bytes.map_err(|e| match e.status() {
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge(BODY_LIMIT),
        _ => ApiError::MalformedBody(e.body_text()),
    })?;
    if bytes.iter().all(u8::is_ascii_whitespace)
        && let Some(default) = empty
    {
        return Ok(default());
    }
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
    if !json {
        return Err(ApiError::UnsupportedMediaType);
    }
    let value: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::MalformedBody(format!("Nội dung không phải JSON hợp lệ: {e}")))?;
    if value.is_null()
        && let Some(default) = empty
    {
        return Ok(default());
    }
    if !value.is_object() {
        // serde would take an array as the fields in order; the API takes objects only.
        return Err(ApiError::InvalidField {
            field: "body".into(), message: "Gửi một đối tượng JSON ({…}).".into()
        });
    }
    let value: T = serde_path_to_error::deserialize(value).map_err(|e| {
        let path = e.path().to_string();
        let message = e.inner().to_string();
        // Missing and unknown fields are reported at their parent: name the field itself.
        let named = ["missing field `", "unknown field `", "unknown variant `"]
            .iter()
            .find_map(|p| message.split_once(p).and_then(|(_, rest)| rest.split_once('`')).map(|(f, _)| f.to_string()));
        let field = match (path.as_str(), named) {
            (".", Some(_)) if message.starts_with("unknown variant") => "how".to_string(),
            (".", Some(f)) => f,
            (".", None) => "body".to_string(),
            (p, _) => p.to_string(),
        };
        ApiError::InvalidField { field, message }
    })?;
    Ok(value)
}

fn field_error(e: PublishError) -> ApiError {
    match e {
        PublishError::Field(f) => ApiError::InvalidField { field: f.api_field().into(), message: f.message.into() },
        PublishError::NotFound(_) => ApiError::NotFound("không có tin này".into()),
        PublishError::Storage(e) => unavailable(e),
    }
}

/// A refusal that comes from what is stored, not from the request: 409.
fn state_error(e: PublishError) -> ApiError {
    match e {
        PublishError::Field(f) => ApiError::Conflict {
            field: Some(f.api_field().into()),
            message: format!("Bản nháp chưa xuất bản được: {}", f.message),
        },
        PublishError::NotFound("chua-xuat-ban") => {
            ApiError::Conflict { field: None, message: "Tin chưa xuất bản nên không có gì để gỡ.".into() }
        }
        other => field_error(other),
    }
}

/// The publication as it stands now (after a write, too), read once with its editions.
async fn shown(state: &AppState, a: &agency::Model, id: i32) -> Result<Announcement, ApiError> {
    let (p, editions) = publishing::get(&state.db, id).await.map_err(field_error)?.ok_or(ApiError::Unavailable)?;
    Ok(announcement(a, p, &editions))
}

fn announcement(a: &agency::Model, p: publication::Model, editions: &[edition::Model]) -> Announcement {
    let latest = editions.first();
    Announcement {
        external_id: p.external_id.clone(),
        agency: a.slug.clone(),
        state: match p.state.as_str() {
            "published" => AnnouncementState::Published,
            "withdrawn" => AnnouncementState::Withdrawn,
            "redirected" => AnnouncementState::Redirected,
            "gone" => AnnouncementState::Gone,
            _ => AnnouncementState::Draft,
        },
        url: publishing::public_path(&p),
        title: latest.map(|e| e.title.clone()).unwrap_or_default(),
        edition: latest.map_or(0, |e| e.number),
        draft_pending: latest.is_some_and(|e| e.state == "draft"),
        scheduled_at: latest.and_then(|e| e.scheduled_at),
        published_at: editions.iter().filter_map(|e| e.published_at).min(),
        updated_at: p.updated_at,
    }
}

async fn record(
    state: &AppState,
    caller: &Caller,
    ip: Option<String>,
    action: &'static str,
    p: i32,
    detail: serde_json::Value,
) {
    let event = Event {
        actor: format!("service:{}", caller.client_id),
        action,
        target: Some(format!("publication:{p}")),
        detail,
        source_ip: ip,
    };
    super::audit(&state.db, event).await;
}

async fn publication_of(
    state: &AppState,
    agency: &agency::Model,
    external_id: &str,
) -> Result<publication::Model, ApiError> {
    check_external_id(external_id)?;
    publishing::find_external(&state.db, agency.id, external_id)
        .await
        .map_err(field_error)?
        .ok_or_else(|| ApiError::NotFound(format!("{} không có tin mã {external_id}", agency.slug)))
}

/// The agency's announcements.
#[utoipa::path(
    get,
    path = "/api/v1/agencies/{agency}/announcements",
    tag = "publishing",
    params(AgencyPath),
    responses(
        (status = 200, description = "Its announcements, most recently changed first", body = AnnouncementList),
        (status = 400, description = "A malformed agency slug", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The client does not act for this agency", body = ErrorBody),
        (status = 404, description = "No such agency", body = ErrorBody),
    ),
    security(("client_credentials" = ["publishing"]))
)]
async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<AgencyPath>, PathRejection>,
) -> Result<Json<AnnouncementList>, ApiError> {
    let caller = caller(&state, &headers).await?;
    let Path(AgencyPath { agency: slug }) = path.map_err(unreadable_path)?;
    let agency = agency_for(&state, &caller, &slug, Role::Editor).await?;
    let rows = publishing::list(&state.db, &[agency.id]).await.map_err(field_error)?;
    let mut items = Vec::with_capacity(rows.len());
    for (p, _) in rows.into_iter().filter(|(p, _)| p.kind == "announcement") {
        items.push(shown(&state, &agency, p.id).await?);
    }
    Ok(Json(AnnouncementList { items }))
}

/// One announcement.
#[utoipa::path(
    get,
    path = "/api/v1/agencies/{agency}/announcements/{external_id}",
    tag = "publishing",
    params(AnnouncementPath),
    responses(
        (status = 200, description = "The announcement", body = Announcement),
        (status = 400, description = "A malformed slug or id", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The client does not act for this agency", body = ErrorBody),
        (status = 404, description = "No such agency or announcement", body = ErrorBody),
    ),
    security(("client_credentials" = ["publishing"]))
)]
async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    path: Result<Path<AnnouncementPath>, PathRejection>,
) -> Result<Json<Announcement>, ApiError> {
    let caller = caller(&state, &headers).await?;
    let Path(AnnouncementPath { agency: slug, external_id }) = path.map_err(unreadable_path)?;
    let agency = agency_for(&state, &caller, &slug, Role::Editor).await?;
    let p = publication_of(&state, &agency, &external_id).await?;
    Ok(Json(shown(&state, &agency, p.id).await?))
}

/// Creates or updates the draft of an announcement, by the agency's own id. Sending the same
/// content again changes nothing; changing published content begins a new edition.
#[utoipa::path(
    put,
    path = "/api/v1/agencies/{agency}/announcements/{external_id}",
    tag = "publishing",
    params(AnnouncementPath),
    request_body = AnnouncementInput,
    responses(
        (status = 200, description = "Updated, or already so", body = Announcement),
        (status = 201, description = "Created", body = Announcement),
        (status = 400, description = "A malformed slug or id, or a body that is not JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The client does not act for this agency", body = ErrorBody),
        (status = 404, description = "No such agency", body = ErrorBody),
        (status = 413, description = "The body is larger than 3 MiB", body = ErrorBody),
        (status = 415, description = "The body is not declared as JSON", body = ErrorBody),
        (status = 422, description = "A field is missing, unknown or wrong; `parameter` names it", body = ErrorBody),
    ),
    security(("client_credentials" = ["publishing"]))
)]
async fn put(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    path: Result<Path<AnnouncementPath>, PathRejection>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    let caller = caller(&state, &headers).await?;
    let Path(AnnouncementPath { agency: slug, external_id }) = path.map_err(unreadable_path)?;
    let agency = agency_for(&state, &caller, &slug, Role::Editor).await?;
    check_external_id(&external_id)?;
    let input: AnnouncementInput = body(&headers, bytes, None)?;
    input.check()?;
    let draft = Draft::new(input.title, input.summary, input.body_markdown, input.change_note);
    let now = Utc::now();
    let (id, what) = publishing::put_external(&state.db, agency.id, &external_id, caller.account_id, &draft, now)
        .await
        .map_err(field_error)?;
    let action = match what {
        Put::Created => Some("publication.create"),
        Put::Updated => Some("publication.save"),
        Put::Unchanged => None,
    };
    if let Some(action) = action {
        let detail = serde_json::json!({ "via": "api", "agency": agency.slug, "external_id": external_id });
        record(&state, &caller, ip, action, id, detail).await;
    }
    let status = if what == Put::Created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(shown(&state, &agency, id).await?)).into_response())
}

/// Publishes the draft now, or schedules it. Publishing what is already published, with no
/// draft waiting, changes nothing.
#[utoipa::path(
    post,
    path = "/api/v1/agencies/{agency}/announcements/{external_id}/publish",
    tag = "publishing",
    params(AnnouncementPath),
    request_body(content = Option<PublishInput>, description = "Empty to publish now"),
    responses(
        (status = 200, description = "Published, scheduled, or already published", body = Announcement),
        (status = 400, description = "A malformed slug or id, or a body that is not JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The client may not publish for this agency", body = ErrorBody),
        (status = 404, description = "No such agency or announcement", body = ErrorBody),
        (status = 413, description = "The body is larger than 3 MiB", body = ErrorBody),
        (status = 415, description = "The body is not declared as JSON", body = ErrorBody),
        (status = 409, description = "The draft is not ready to publish; `parameter` names what it lacks", body = ErrorBody),
        (status = 422, description = "A field of the body is unknown or wrong", body = ErrorBody),
    ),
    security(("client_credentials" = ["publishing"]))
)]
async fn publish(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    path: Result<Path<AnnouncementPath>, PathRejection>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<Announcement>, ApiError> {
    let caller = caller(&state, &headers).await?;
    let Path(AnnouncementPath { agency: slug, external_id }) = path.map_err(unreadable_path)?;
    let agency = agency_for(&state, &caller, &slug, Role::Publisher).await?;
    let p = publication_of(&state, &agency, &external_id).await?;
    let input: PublishInput = body(&headers, bytes, Some(PublishInput::default))?;
    let now = Utc::now();
    let (p, editions) = publishing::get(&state.db, p.id).await.map_err(field_error)?.ok_or(ApiError::Unavailable)?;
    let Some(open) = editions.iter().find(|e| e.state == "draft") else {
        // Nothing new to publish: already done.
        return Ok(Json(announcement(&agency, p, &editions)));
    };
    let detail = serde_json::json!({ "via": "api", "external_id": external_id, "edition": open.number });
    // A time already come means now.
    match input.publish_at.filter(|at| *at > now) {
        Some(at) => {
            let draft = Draft::of(open);
            publishing::schedule(&state.db, p.id, caller.account_id, &draft, at, now).await.map_err(state_error)?;
            let detail = serde_json::json!({ "at": at, "detail": detail });
            record(&state, &caller, ip, "publication.schedule", p.id, detail).await;
        }
        None => {
            let path = publishing::publish(&state.db, p.id, now).await.map_err(state_error)?;
            let detail = serde_json::json!({ "path": path, "detail": detail });
            record(&state, &caller, ip, "publication.publish", p.id, detail).await;
        }
    }
    Ok(Json(shown(&state, &agency, p.id).await?))
}

/// Takes published content from the public: withdrawn (the page says why), redirected
/// (301), or gone (410).
#[utoipa::path(
    post,
    path = "/api/v1/agencies/{agency}/announcements/{external_id}/unpublish",
    tag = "publishing",
    params(AnnouncementPath),
    request_body = UnpublishInput,
    responses(
        (status = 200, description = "Unpublished", body = Announcement),
        (status = 400, description = "A malformed slug or id, or a body that is not JSON", body = ErrorBody),
        (status = 401, description = "No valid token", body = ErrorBody),
        (status = 403, description = "The client may not publish for this agency", body = ErrorBody),
        (status = 404, description = "No such agency or announcement", body = ErrorBody),
        (status = 413, description = "The body is larger than 3 MiB", body = ErrorBody),
        (status = 415, description = "The body is not declared as JSON", body = ErrorBody),
        (status = 409, description = "It was never published", body = ErrorBody),
        (status = 422, description = "A field is missing, unknown or wrong; `parameter` names it", body = ErrorBody),
    ),
    security(("client_credentials" = ["publishing"]))
)]
async fn unpublish(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    path: Result<Path<AnnouncementPath>, PathRejection>,
    bytes: Result<Bytes, BytesRejection>,
) -> Result<Json<Announcement>, ApiError> {
    let caller = caller(&state, &headers).await?;
    let Path(AnnouncementPath { agency: slug, external_id }) = path.map_err(unreadable_path)?;
    let agency = agency_for(&state, &caller, &slug, Role::Publisher).await?;
    let p = publication_of(&state, &agency, &external_id).await?;
    let how = match body::<UnpublishInput>(&headers, bytes, None)? {
        UnpublishInput::Withdraw { note } if note.chars().count() > 1000 => {
            return Err(ApiError::InvalidField { field: "note".into(), message: "dài quá 1000 ký tự".into() });
        }
        UnpublishInput::Withdraw { note } => Unpublish::Withdraw { note },
        UnpublishInput::Redirect { redirect_to } => Unpublish::Redirect { to: redirect_to },
        UnpublishInput::Gone {} => Unpublish::Gone,
    };
    publishing::unpublish(&state.db, p.id, &how, Utc::now()).await.map_err(|e| match e {
        PublishError::Field(f) => field_error(PublishError::Field(f)),
        other => state_error(other),
    })?;
    let (action, detail) = how.audit();
    record(
        &state,
        &caller,
        ip,
        action,
        p.id,
        serde_json::json!({ "via": "api", "external_id": external_id, "detail": detail }),
    )
    .await;
    Ok(Json(shown(&state, &agency, p.id).await?))
}
