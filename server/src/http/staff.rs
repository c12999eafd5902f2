//! The staff's form posts ("Quản trị"): create a draft, save it, publish it. Each checks the
//! session, the form's CSRF token, and the staff member's role for the agency, whatever the
//! page offered; each change goes to the audit log.

use std::collections::HashMap;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::post;
use chrono::Utc;

use super::{AppState, ClientIp, current_session, see_other};
use crate::csrf;
use crate::staff::attachments;
use crate::staff::publishing::{self, Draft, PublishError, Unpublish};
use crate::storage::audit::Event;
use crate::storage::entity::{account, session};
use crate::storage::roles::{Role, allows};

/// The routes, on the shared state.
pub fn routes(state: AppState) -> Router {
    Router::new()
        .route("/quan-tri/tin", post(create))
        .route("/quan-tri/tin/{id}", post(save))
        .route("/quan-tri/tin/{id}/go", post(unpublish))
        .route(
            "/quan-tri/tin/{id}/tep",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(attachments::MAX_BYTES + 64 * 1024)),
        )
        .route("/tep/{id}/{name}", axum::routing::get(download))
        .route("/quan-tri/phan-quyen", post(grant_role))
        .route("/quan-tri/phan-quyen/thu-hoi", post(revoke_role))
        .route("/quan-tri/de-xuat", post(set_best_bets))
        .route("/quan-tri/de-xuat/bo", post(remove_best_bets))
        .route("/quan-tri/tu-khoa", post(set_keywords))
        .route("/quan-tri/thu-tuc-di-kem", post(set_companions))
        .route("/quan-tri/thu-tuc-di-kem/goc", post(reset_companions))
        .with_state(state)
}

fn forbidden(why: &str) -> Response {
    message_page(StatusCode::FORBIDDEN, "Không được phép", why)
}

fn message_page(status: StatusCode, title: &str, why: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <link rel=\"stylesheet\" href=\"/style/motcua.css\"></head><body><main class=\"mc-width-container\">\
         <h1 class=\"mc-heading-l\">{title}</h1><p class=\"mc-body\">{}</p>\
         <p><a class=\"mc-link\" href=\"/quan-tri\">Về trang Quản trị</a></p></main></body></html>",
        html_escape::encode_text(why)
    );
    (status, Html(page)).into_response()
}

fn unavailable(what: &str, e: impl std::fmt::Display) -> Response {
    tracing::error!("{what}: {e}");
    (StatusCode::SERVICE_UNAVAILABLE, "Hệ thống đang gián đoạn, vui lòng thử lại sau ít phút.").into_response()
}

/// The signed-in staff member behind a form, after its CSRF token is checked.
async fn staff(
    state: &AppState,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<(session::Model, account::Model), Response> {
    let live = current_session(state, headers).await.map_err(|e| unavailable("reading the session", e))?;
    let Some((s, a)) = live else { return Err(see_other("/dang-nhap?ve=/quan-tri")) };
    if !state.config.identity.staff_may_use(&s.provider_id) {
        let names: Vec<&str> = state.config.identity.staff_providers().iter().map(|p| p.name.as_str()).collect();
        return Err(forbidden(&format!("Trang quản trị cần đăng nhập bằng {}.", names.join(" hoặc "))));
    }
    let good = csrf::check(&state.db, &s.id, form.get("_csrf").map(String::as_str))
        .await
        .map_err(|e| unavailable("checking the form token", e))?;
    if !good {
        tracing::warn!(account = a.id, "a staff form with a missing or forged CSRF token was refused");
        return Err(forbidden("Biểu mẫu đã hết hạn hoặc không phải của phiên này. Hãy tải lại trang và thử lại."));
    }
    Ok((s, a))
}

fn draft_of(form: &HashMap<String, String>) -> Draft {
    let field = |k: &str| form.get(k).cloned().unwrap_or_default();
    Draft::new(field("tieu-de"), field("tom-tat"), field("noi-dung"), form.get("ghi-chu-thay-doi").cloned())
}

/// The procedure form: every field of the procedure model. Lists come as numbered rows
/// (`buoc-1`, `giay-to-1-ten`, …), so the form works without JavaScript: the page shows the
/// saved rows and two empty ones, and saving gives two more.
fn procedure_draft_of(form: &HashMap<String, String>) -> Draft {
    use motcua_app::domain::{LegalReference, RequiredDocument, SubmissionChannel};
    let text = |k: &str| form.get(k).cloned().unwrap_or_default();
    let opt = |k: &str| form.get(k).cloned().filter(|v| !v.trim().is_empty());
    let rows = |prefix: &str| -> Vec<usize> {
        (1..=MAX_ROWS).filter(|i| form.keys().any(|k| k.starts_with(&format!("{prefix}-{i}")))).collect()
    };
    let levels = motcua_app::domain::PROCEDURE_LEVELS
        .iter()
        .filter(|(name, _)| form.contains_key(*name))
        .map(|(_, label)| label.to_string());
    let details = motcua_app::domain::ProcedureDetails {
        code: text("ma"),
        field: opt("linh-vuc"),
        levels: levels.collect(),
        audience: opt("doi-tuong"),
        steps: rows("buoc").into_iter().map(|i| text(&format!("buoc-{i}"))).collect(),
        required_documents: rows("giay-to")
            .into_iter()
            .map(|i| RequiredDocument {
                name: text(&format!("giay-to-{i}-ten")),
                quantity: opt(&format!("giay-to-{i}-so-luong")),
                form: opt(&format!("giay-to-{i}-mau")),
            })
            .collect(),
        channels: rows("cach-nop")
            .into_iter()
            .map(|i| SubmissionChannel {
                channel: text(&format!("cach-nop-{i}-hinh-thuc")),
                processing_time: opt(&format!("cach-nop-{i}-thoi-han")),
                fee: opt(&format!("cach-nop-{i}-phi")),
                description: opt(&format!("cach-nop-{i}-mo-ta")),
            })
            .collect(),
        conditions: opt("dieu-kien"),
        result: opt("ket-qua"),
        legal_basis: rows("can-cu")
            .into_iter()
            .map(|i| LegalReference {
                title: text(&format!("can-cu-{i}-ten")),
                number: opt(&format!("can-cu-{i}-so-hieu")),
            })
            .collect(),
        implementing_agency: opt("co-quan-thuc-hien"),
        competent_agency: opt("co-quan-tham-quyen"),
        decision: opt("quyet-dinh"),
        procedure_type: opt("loai-thu-tuc"),
    };
    Draft::procedure(text("tieu-de"), details, form.get("ghi-chu-thay-doi").cloned())
}

/// Most rows of one list a form may send.
const MAX_ROWS: usize = 200;

async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let (_, account) = match staff(&state, &headers, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(slug) = form.get("co-quan") else { return see_other("/quan-tri?loi=co-quan") };
    let found = crate::storage::agencies::by_slug(&state.db, slug).await;
    let agency = match found {
        Ok(Some(a)) => a,
        Ok(None) => return see_other("/quan-tri?loi=co-quan"),
        Err(e) => return unavailable("finding an agency", e),
    };
    match allows(&state.db, account.id, agency.id, Role::Editor).await {
        Ok(true) => {}
        Ok(false) => return forbidden("Bạn không được giao quyền biên tập cho cơ quan này."),
        Err(e) => return unavailable("checking a role", e),
    }
    let draft =
        if form.get("loai").is_some_and(|k| k == "thu-tuc") { procedure_draft_of(&form) } else { draft_of(&form) };
    match publishing::create(&state.db, agency.id, None, account.id, &draft, Utc::now()).await {
        Ok(id) => {
            let event = Event {
                actor: format!("account:{}", account.id),
                action: "publication.create",
                target: Some(format!("publication:{id}")),
                detail: serde_json::json!({ "agency": agency.slug }),
                source_ip: ip,
            };
            super::audit(&state.db, event).await;
            see_other(&format!("/quan-tri/tin/{id}"))
        }
        Err(PublishError::Field(e)) => see_other(&format!("/quan-tri?loi={}", e.field)),
        Err(e) => unavailable("creating a publication", e),
    }
}

/// The publication a form acts on, if this staff member holds `needed` for its agency.
async fn publication_for(
    state: &AppState,
    account_id: i32,
    id: i32,
    needed: Role,
) -> Result<crate::storage::entity::publication::Model, Response> {
    let publication = match publishing::get(&state.db, id).await {
        Ok(Some((p, _))) => p,
        Ok(None) => return Err((StatusCode::NOT_FOUND, "Không có bản tin này.").into_response()),
        Err(e) => return Err(unavailable("reading a publication", e)),
    };
    match allows(&state.db, account_id, publication.agency_id, needed).await {
        Ok(true) => Ok(publication),
        Ok(false) => Err(forbidden(match needed {
            Role::Editor => "Bạn không được giao quyền biên tập cho cơ quan này.",
            _ => "Bạn không được giao quyền xuất bản hay gỡ tin cho cơ quan này.",
        })),
        Err(e) => Err(unavailable("checking a role", e)),
    }
}

async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Path(id): Path<i32>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let (_, account) = match staff(&state, &headers, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let action = form.get("hanh-dong").map(String::as_str).unwrap_or("luu");
    let to_publish = matches!(action, "xuat-ban" | "hen-gio");
    let needed = if to_publish { Role::Publisher } else { Role::Editor };
    let publication = match publication_for(&state, account.id, id, needed).await {
        Ok(p) => p,
        Err(refused) => return refused,
    };
    let draft = if publication.kind == "procedure" { procedure_draft_of(&form) } else { draft_of(&form) };
    let now = Utc::now();
    let here = format!("/quan-tri/tin/{id}");
    let refused = |e: PublishError| match e {
        PublishError::Field(f) => see_other(&format!("{here}?loi={}", f.field)),
        PublishError::NotFound(what) => see_other(&format!("{here}?loi={what}")),
        PublishError::Storage(e) => unavailable("saving a publication", e),
    };
    if action == "hen-gio" {
        let Some(at) = form.get("xuat-ban-luc").and_then(|v| vietnam_time(v)) else {
            return see_other(&format!("{here}?loi=xuat-ban-luc"));
        };
        return match publishing::schedule(&state.db, id, account.id, &draft, at, now).await {
            Ok(()) => {
                let event = Event {
                    actor: format!("account:{}", account.id),
                    action: "publication.schedule",
                    target: Some(format!("publication:{id}")),
                    detail: serde_json::json!({ "at": at }),
                    source_ip: ip,
                };
                super::audit(&state.db, event).await;
                see_other(&here)
            }
            Err(e) => refused(e),
        };
    }
    if let Err(e) = publishing::save(&state.db, id, account.id, &draft, now).await {
        return refused(e);
    }
    let actor = format!("account:{}", account.id);
    if !to_publish {
        let event = Event {
            actor,
            action: "publication.save",
            target: Some(format!("publication:{id}")),
            detail: serde_json::json!({}),
            source_ip: ip,
        };
        super::audit(&state.db, event).await;
        return see_other(&here);
    }
    match publishing::publish(&state.db, id, now).await {
        Ok(path) => {
            let event = Event {
                actor,
                action: "publication.publish",
                target: Some(format!("publication:{id}")),
                detail: serde_json::json!({ "path": path }),
                source_ip: ip,
            };
            super::audit(&state.db, event).await;
            see_other(&format!("{here}?da-xuat-ban=1"))
        }
        Err(e) => refused(e),
    }
}

/// "Gỡ tin": withdraw with a public note, or delete for good (410). Publishers only.
async fn unpublish(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Path(id): Path<i32>,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let (_, account) = match staff(&state, &headers, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(refused) = publication_for(&state, account.id, id, Role::Publisher).await {
        return refused;
    }
    let how = match form.get("cach").map(String::as_str) {
        Some("xoa") => Unpublish::Gone,
        Some("chuyen") => Unpublish::Redirect { to: form.get("chuyen-den").cloned().unwrap_or_default() },
        _ => Unpublish::Withdraw { note: form.get("ghi-chu-go").cloned().unwrap_or_default() },
    };
    let here = format!("/quan-tri/tin/{id}");
    match publishing::unpublish(&state.db, id, &how, Utc::now()).await {
        Ok(()) => {
            let (action, detail) = how.audit();
            let event = Event {
                actor: format!("account:{}", account.id),
                action,
                target: Some(format!("publication:{id}")),
                detail,
                source_ip: ip,
            };
            super::audit(&state.db, event).await;
            see_other(&here)
        }
        Err(PublishError::Field(f)) => see_other(&format!("{here}?loi={}", f.field)),
        Err(PublishError::NotFound(what)) => see_other(&format!("{here}?loi={what}")),
        Err(PublishError::Storage(e)) => unavailable("unpublishing", e),
    }
}

/// An attachment uploaded from the editor page (multipart, with the form token first).
async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    Path(id): Path<i32>,
    mut multipart: axum::extract::Multipart,
) -> Response {
    let mut form = HashMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_string();
                let file_name = field.file_name().map(str::to_string);
                match (name.as_str(), file_name) {
                    ("tep", Some(file_name)) => match field.bytes().await {
                        Ok(b) => file = Some((file_name, b.to_vec())),
                        Err(e) => return message_page(StatusCode::BAD_REQUEST, "Không tải lên được", &e.body_text()),
                    },
                    _ => {
                        if let Ok(text) = field.text().await {
                            form.insert(name, text);
                        }
                    }
                }
            }
            Ok(None) => break,
            Err(e) => return message_page(StatusCode::BAD_REQUEST, "Không tải lên được", &e.body_text()),
        }
    }
    let (_, account) = match staff(&state, &headers, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    if let Err(refused) = publication_for(&state, account.id, id, Role::Editor).await {
        return refused;
    }
    let Some((file_name, bytes)) = file else {
        return message_page(StatusCode::BAD_REQUEST, "Không tải lên được", "Chọn một tệp để tải lên.");
    };
    match attachments::store(&state.db, &state.config.data_dir, id, account.id, &file_name, &bytes, Utc::now()).await {
        Ok(row) => {
            let event = Event {
                actor: format!("account:{}", account.id),
                action: "attachment.upload",
                target: Some(format!("publication:{id}")),
                detail: serde_json::json!({ "file": row.file_name, "type": row.content_type, "size": row.size }),
                source_ip: ip,
            };
            super::audit(&state.db, event).await;
            see_other(&format!("/quan-tri/tin/{id}"))
        }
        Err(attachments::UploadError::Refused(why)) => {
            tracing::warn!(publication = id, file = file_name, "upload refused: {why}");
            message_page(StatusCode::BAD_REQUEST, "Không nhận tệp này", &why)
        }
        Err(e) => unavailable("storing an attachment", e),
    }
}

/// An attachment, with the type its content showed and no sniffing by the browser.
async fn download(State(state): State<AppState>, Path((id, _name)): Path<(i32, String)>) -> Response {
    match attachments::read(&state.db, &state.config.data_dir, id).await {
        Ok(Some((row, bytes))) => {
            let disposition = if row.content_type.starts_with("image/") || row.content_type == "application/pdf" {
                "inline"
            } else {
                "attachment"
            };
            (
                [
                    (axum::http::header::CONTENT_TYPE, row.content_type.clone()),
                    (axum::http::header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_string()),
                    (
                        axum::http::header::CONTENT_DISPOSITION,
                        format!("{disposition}; filename=\"{}\"", row.file_name.replace('"', "")),
                    ),
                    (axum::http::header::CACHE_CONTROL, "public, max-age=86400".to_string()),
                ],
                bytes,
            )
                .into_response()
        }
        Ok(None) => (StatusCode::NOT_FOUND, "Không có tệp này.").into_response(),
        Err(e) => unavailable("reading an attachment", e),
    }
}

/// "Giao quyền": an administrator of the agency (or of its parent) grants a role.
async fn grant_role(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let (_, me) = match staff(&state, &headers, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let back = "/quan-tri/phan-quyen";
    let Some(role) = form.get("vai-tro").and_then(|r| Role::parse(r)) else {
        return see_other(&format!("{back}?loi=vai-tro"));
    };
    let agency = match form.get("co-quan") {
        Some(slug) => match crate::storage::agencies::by_slug(&state.db, slug).await {
            Ok(Some(a)) => a,
            Ok(None) => return see_other(&format!("{back}?loi=co-quan")),
            Err(e) => return unavailable("finding an agency", e),
        },
        None => return see_other(&format!("{back}?loi=co-quan")),
    };
    match allows(&state.db, me.id, agency.id, Role::Administrator).await {
        Ok(true) => {}
        Ok(false) => return forbidden("Chỉ quản trị viên của cơ quan mới giao quyền được."),
        Err(e) => return unavailable("checking a role", e),
    }
    let who = form.get("tai-khoan").and_then(|a| a.trim().split_once(':').map(|(p, s)| (p.to_string(), s.to_string())));
    let Some((provider, subject)) = who else { return see_other(&format!("{back}?loi=tai-khoan")) };
    let found = crate::storage::identity::account_by_handle(&state.db, &provider, &subject).await;
    let target = match found {
        Ok(Some(a)) => a,
        Ok(None) => return see_other(&format!("{back}?loi=tai-khoan")),
        Err(e) => return unavailable("finding an account", e),
    };
    match crate::storage::roles::grant(&state.db, target.id, agency.id, role, &format!("account:{}", me.id), Utc::now())
        .await
    {
        Ok(new) => {
            if new {
                let event = Event {
                    actor: format!("account:{}", me.id),
                    action: "role.grant",
                    target: Some(format!("account:{}", target.id)),
                    detail: serde_json::json!({ "role": role.name(), "agency": agency.slug }),
                    source_ip: ip,
                };
                super::audit(&state.db, event).await;
            }
            see_other(back)
        }
        Err(e) => unavailable("granting a role", e),
    }
}

/// "Thu hồi": an administrator of the grant's agency revokes it.
async fn revoke_role(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    let (_, me) = match staff(&state, &headers, &form).await {
        Ok(s) => s,
        Err(r) => return r,
    };
    let Some(id) = form.get("quyen").and_then(|v| v.parse::<i32>().ok()) else {
        return see_other("/quan-tri/phan-quyen?loi=quyen");
    };
    let grant = match crate::storage::roles::grant_by_id(&state.db, id).await {
        Ok(Some(g)) => g,
        Ok(None) => return see_other("/quan-tri/phan-quyen"),
        Err(e) => return unavailable("reading a grant", e),
    };
    match allows(&state.db, me.id, grant.agency_id, Role::Administrator).await {
        Ok(true) => {}
        Ok(false) => return forbidden("Chỉ quản trị viên của cơ quan mới thu hồi quyền được."),
        Err(e) => return unavailable("checking a role", e),
    }
    let Some(role) = Role::parse(&grant.role) else { return see_other("/quan-tri/phan-quyen") };
    match crate::storage::roles::revoke(&state.db, grant.account_id, grant.agency_id, role).await {
        Ok(_) => {
            let event = Event {
                actor: format!("account:{}", me.id),
                action: "role.revoke",
                target: Some(format!("account:{}", grant.account_id)),
                detail: serde_json::json!({ "role": grant.role, "agency_id": grant.agency_id }),
                source_ip: ip,
            };
            super::audit(&state.db, event).await;
            see_other("/quan-tri/phan-quyen")
        }
        Err(e) => unavailable("revoking a role", e),
    }
}

/// The staff member behind a form that tunes search (best bets, keywords), if they
/// administer a top-level agency: such a change reaches every citizen's results, whichever
/// agency published what it touches.
async fn search_administrator(
    state: &AppState,
    headers: &HeaderMap,
    form: &HashMap<String, String>,
) -> Result<account::Model, Response> {
    let (_, me) = staff(state, headers, form).await?;
    match crate::storage::roles::administers_top_level(&state.db, me.id).await {
        Ok(true) => Ok(me),
        Ok(false) => Err(forbidden("Chỉ quản trị viên cấp tỉnh hoặc bộ mới chỉnh được tìm kiếm.")),
        Err(e) => Err(unavailable("checking a role", e)),
    }
}

/// Lines of a refused search-tuning form sent back to it, at most: more than it takes.
const TYPED_BACK_LINES: usize = 40;
/// Characters of each of them (and of the query or code) sent back, at most.
const TYPED_BACK_CHARS: usize = 300;

/// The address a refused search-tuning form goes back to: its page with the problem's code,
/// what was typed (cut short, since it travels in the address) and what was wrong.
fn typed_back(
    page: &str,
    problem: &str,
    fields: &[(&str, &str)],
    lines: (&str, &[String]),
    wrong: Option<&str>,
) -> Response {
    let clip = |text: &str| text.chars().take(TYPED_BACK_CHARS).collect::<String>();
    let mut url = url::form_urlencoded::Serializer::new(String::new());
    url.append_pair("loi", problem);
    for (name, value) in fields {
        url.append_pair(name, &clip(value));
    }
    let typed: Vec<String> = lines.1.iter().take(TYPED_BACK_LINES).map(|t| clip(t)).collect();
    url.append_pair(lines.0, &typed.join("\n"));
    if let Some(wrong) = wrong {
        url.append_pair("sai", &clip(wrong));
    }
    see_other(&format!("{page}?{}", url.finish()))
}

/// "Lưu đề xuất": pins the listed documents to a query, replacing its earlier pins. A
/// refused form comes back filled with what was typed, naming what was wrong.
async fn set_best_bets(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    use crate::storage::best_bets::{self, BestBetError};
    let me = match search_administrator(&state, &headers, &form).await {
        Ok(me) => me,
        Err(r) => return r,
    };
    let query = form.get("q").map(|q| q.trim().to_string()).unwrap_or_default();
    let typed = form.get("muc").cloned().unwrap_or_default();
    let targets: Vec<String> = typed.lines().map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect();
    let back = |problem: &str, wrong: Option<&str>| {
        typed_back("/quan-tri/de-xuat", problem, &[("q", &query)], ("muc", &targets), wrong)
    };
    match best_bets::set(&state.db, &query, &targets, Utc::now()).await {
        Ok(_) => {
            let detail = serde_json::json!({ "query": query, "targets": targets });
            let event = best_bets::audit_event(format!("account:{}", me.id), "best_bet.set", &query, detail, ip);
            super::audit(&state.db, event).await;
            see_other("/quan-tri/de-xuat")
        }
        Err(BestBetError::EmptyQuery | BestBetError::QueryTooLong) => back("truy-van", None),
        Err(BestBetError::TargetCount) => back("muc", None),
        Err(BestBetError::UnknownTarget(wrong)) => back("khong-co", Some(&wrong)),
        Err(BestBetError::Storage(e)) => unavailable("pinning best bets", e),
    }
}

/// "Bỏ ghim": removes every pin of a query.
async fn remove_best_bets(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    use crate::storage::best_bets;
    let me = match search_administrator(&state, &headers, &form).await {
        Ok(me) => me,
        Err(r) => return r,
    };
    let query = form.get("q").map(|q| q.trim().to_string()).unwrap_or_default();
    match best_bets::remove(&state.db, &query).await {
        Ok(removed) => {
            if removed > 0 {
                let detail = serde_json::json!({ "query": query, "removed": removed });
                let event = best_bets::audit_event(format!("account:{}", me.id), "best_bet.remove", &query, detail, ip);
                super::audit(&state.db, event).await;
            }
            see_other("/quan-tri/de-xuat")
        }
        Err(e) => unavailable("removing best bets", e),
    }
}

/// "Lưu từ khoá": sets the keywords an administrator adds to a procedure (none removes
/// them); search finds the procedure by them within the index's poll.
async fn set_keywords(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    use crate::storage::search_keywords::{self, KeywordError};
    let me = match search_administrator(&state, &headers, &form).await {
        Ok(me) => me,
        Err(r) => return r,
    };
    let code = form.get("ma").map(|c| c.trim().to_string()).unwrap_or_default();
    let typed: Vec<String> = form.get("tu-khoa").map(|t| t.lines().map(str::to_string).collect()).unwrap_or_default();
    let back = |problem: &str, wrong: Option<&str>| {
        typed_back("/quan-tri/tu-khoa", problem, &[("ma", &code)], ("tu-khoa", &typed), wrong)
    };
    match search_keywords::set(&state.db, &code, &typed, &format!("account:{}", me.id), Utc::now()).await {
        Ok(kept) => {
            super::audit(&state.db, search_keywords::audit_event(format!("account:{}", me.id), &code, &kept, ip)).await;
            opened_on("/quan-tri/tu-khoa", &code)
        }
        Err(KeywordError::UnknownProcedure(_)) => back("khong-co", Some(&code)),
        Err(KeywordError::TooMany) => back("tu-khoa-nhieu", None),
        Err(KeywordError::TooLong(_)) => back("tu-khoa-dai", None),
        Err(KeywordError::Storage(e)) => unavailable("setting search keywords", e),
    }
}

/// A search-tuning page, its form open on the procedure with this code.
fn opened_on(page: &str, code: &str) -> Response {
    let mut url = url::form_urlencoded::Serializer::new(String::new());
    see_other(&format!("{page}?{}", url.append_pair("ma", code).finish()))
}

/// "Lưu thủ tục đi kèm": sets a procedure's companions, in the order of the form's rows
/// (`di-kem-N-ma`, `di-kem-N-quan-he`), in place of the list shipped with the portal. A
/// refused form comes back filled, naming what was wrong.
async fn set_companions(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    use crate::storage::companions::{self, CompanionError};
    use motcua_app::domain::ProcedureRelation;
    let me = match search_administrator(&state, &headers, &form).await {
        Ok(me) => me,
        Err(r) => return r,
    };
    let code = form.get("ma").map(|c| c.trim().to_string()).unwrap_or_default();
    // The filled rows in their numbers' order, with the relation word each was given.
    let mut rows: Vec<(u32, &str, &str)> = form
        .iter()
        .filter_map(|(name, value)| {
            let n: u32 = name.strip_prefix("di-kem-")?.strip_suffix("-ma")?.parse().ok()?;
            let relation = form.get(&format!("di-kem-{n}-quan-he")).map_or("", |r| r.trim());
            Some((n, value.trim(), relation))
        })
        .filter(|(_, code, _)| !code.is_empty())
        .collect();
    rows.sort_unstable_by_key(|(n, _, _)| *n);
    let typed: Vec<String> = rows.iter().map(|(_, code, relation)| format!("{code} {relation}")).collect();
    let back = |problem: &str, wrong: Option<&str>| {
        typed_back("/quan-tri/thu-tuc-di-kem", problem, &[("ma", &code)], ("muc", &typed), wrong)
    };
    let parsed: Option<Vec<(String, ProcedureRelation)>> =
        rows.iter().map(|(_, code, word)| Some((code.to_string(), ProcedureRelation::parse(word)?))).collect();
    let Some(listed) = parsed else { return back("quan-he", None) };
    match companions::set(&state.db, &code, &listed, &format!("account:{}", me.id), Utc::now()).await {
        Ok(kept) => {
            let event = companions::audit_event(format!("account:{}", me.id), "companions.set", &code, &kept, ip);
            super::audit(&state.db, event).await;
            opened_on("/quan-tri/thu-tuc-di-kem", &code)
        }
        Err(CompanionError::UnknownProcedure(_)) => back("khong-co", Some(&code)),
        Err(CompanionError::UnknownCompanion(wrong)) => back("khong-co", Some(&wrong)),
        Err(CompanionError::ItsOwnCompanion) => back("chinh-no", None),
        Err(CompanionError::TooMany) => back("di-kem-nhieu", None),
        Err(CompanionError::Storage(e)) => unavailable("setting companions", e),
    }
}

/// "Dùng lại danh sách có sẵn của Cổng": a procedure's companions are the shipped list's
/// again.
async fn reset_companions(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientIp(ip): ClientIp,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Response {
    use crate::storage::companions::{self, CompanionError};
    let me = match search_administrator(&state, &headers, &form).await {
        Ok(me) => me,
        Err(r) => return r,
    };
    let code = form.get("ma").map(|c| c.trim().to_string()).unwrap_or_default();
    match companions::reset(&state.db, &code, Utc::now()).await {
        Ok(reset) => {
            if reset {
                let shipped = motcua_server::curated::related::Relations::curated(&code);
                let event =
                    companions::audit_event(format!("account:{}", me.id), "companions.reset", &code, shipped, ip);
                super::audit(&state.db, event).await;
            }
            opened_on("/quan-tri/thu-tuc-di-kem", &code)
        }
        Err(CompanionError::UnknownProcedure(_)) => {
            typed_back("/quan-tri/thu-tuc-di-kem", "khong-co", &[("ma", &code)], ("muc", &[]), Some(&code))
        }
        Err(e) => unavailable("resetting companions", e),
    }
}

/// A `datetime-local` value ("2026-12-24T08:00") read as Vietnam's time (UTC+7).
fn vietnam_time(value: &str) -> Option<chrono::DateTime<Utc>> {
    let local = chrono::NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(value.trim(), "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    let offset = chrono::FixedOffset::east_opt(7 * 3600)?;
    local.and_local_timezone(offset).single().map(|t| t.with_timezone(&Utc))
}
