//! Announcements published straight into the portal: a publication with editions. Drafts
//! are written in Markdown (rendered and sanitised on the way out, so an editor can do no
//! more harm than a link); publishing goes through `documents::upsert`, the one path in, so a
//! published edition is in search as soon as the index tails the change log.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};

use crate::storage::StorageError;
use motcua_app::domain::ProcedureDetails;

use crate::storage::documents::{self, DocumentInput};
use crate::storage::entity::{edition, publication};

/// A draft as the editor's form sends it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Draft {
    /// Title.
    pub title: String,
    /// One-paragraph summary.
    pub summary: String,
    /// Body, Markdown.
    pub body_markdown: String,
    /// What changed (for a new edition of published content).
    pub change_note: Option<String>,
    /// A procedure's structured fields; `None` for an announcement.
    pub procedure: Option<ProcedureDetails>,
}

/// Where a publication is read: `/tin-tuc/{slug}` for an announcement, `/thu-tuc/{code}` for
/// a procedure.
pub fn public_path(p: &publication::Model) -> String {
    match p.kind.as_str() {
        "procedure" => format!("/thu-tuc/{}", p.slug),
        _ => format!("/tin-tuc/{}", p.slug),
    }
}

/// A field of the form that is wrong, and why, in the editor's language.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The form field's name.
    pub field: &'static str,
    /// What to fix.
    pub message: &'static str,
}

impl FieldError {
    /// The same field as the push API's JSON bodies name it.
    pub fn api_field(&self) -> &'static str {
        match self.field {
            "tieu-de" => "title",
            "tom-tat" => "summary",
            "noi-dung" => "body_markdown",
            "ghi-chu-thay-doi" => "change_note",
            "xuat-ban-luc" => "publish_at",
            "ghi-chu-go" => "note",
            "chuyen-den" => "redirect_to",
            other => other,
        }
    }
}

/// Why publishing could not happen.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// A field is wrong.
    #[error(transparent)]
    Field(#[from] FieldError),
    /// No such publication (`tin`), or no draft to publish (`nhap`).
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// The database failed.
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl From<sea_orm::DbErr> for PublishError {
    fn from(e: sea_orm::DbErr) -> Self {
        PublishError::Storage(StorageError::Db(e))
    }
}

/// Text as stored: line ends as `\n`, and no control characters (they carry nothing a reader
/// sees, and PostgreSQL cannot store NUL).
fn clean(text: String) -> String {
    let text = text.replace("\r\n", "\n");
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        text.chars().filter(|c| !c.is_control() || *c == '\n' || *c == '\t').collect()
    } else {
        text
    }
}

impl Draft {
    /// A draft from what a form or the push API sent, its text cleaned.
    pub fn new(title: String, summary: String, body_markdown: String, change_note: Option<String>) -> Draft {
        Draft {
            title: clean(title).replace(['\n', '\t'], " "),
            summary: clean(summary),
            body_markdown: clean(body_markdown),
            change_note: change_note.map(clean),
            procedure: None,
        }
    }

    /// A procedure's draft: its summary is made from its fields.
    pub fn procedure(title: String, details: ProcedureDetails, change_note: Option<String>) -> Draft {
        let one = |t: String| clean(t).replace(['\n', '\t'], " ").trim().to_string();
        let many = |t: String| clean(t).trim().to_string();
        let opt = |t: Option<String>| t.map(many).filter(|t| !t.is_empty());
        let details = ProcedureDetails {
            code: one(details.code),
            field: opt(details.field),
            levels: details.levels.into_iter().map(one).filter(|l| !l.is_empty()).collect(),
            audience: opt(details.audience),
            steps: details.steps.into_iter().map(many).filter(|l| !l.is_empty()).collect(),
            required_documents: details
                .required_documents
                .into_iter()
                .map(|d| motcua_app::domain::RequiredDocument {
                    name: many(d.name),
                    form: opt(d.form),
                    quantity: opt(d.quantity),
                })
                .filter(|d| !d.name.is_empty())
                .collect(),
            channels: details
                .channels
                .into_iter()
                .map(|c| motcua_app::domain::SubmissionChannel {
                    channel: one(c.channel),
                    processing_time: opt(c.processing_time),
                    fee: opt(c.fee),
                    description: opt(c.description),
                })
                .filter(|c| !c.channel.is_empty())
                .collect(),
            conditions: opt(details.conditions),
            result: opt(details.result),
            legal_basis: details
                .legal_basis
                .into_iter()
                .map(|l| motcua_app::domain::LegalReference { title: many(l.title), number: opt(l.number) })
                .filter(|l| !l.title.is_empty())
                .collect(),
            implementing_agency: opt(details.implementing_agency),
            competent_agency: opt(details.competent_agency),
            decision: opt(details.decision),
            procedure_type: opt(details.procedure_type),
        };
        Draft {
            title: one(title),
            summary: details.summary(),
            body_markdown: String::new(),
            change_note: change_note.map(clean),
            procedure: Some(details),
        }
    }

    /// Checks the fields. A draft may be saved unfinished (a title is enough); to publish,
    /// it needs a body, and a change note when it is a new edition of published content.
    pub fn validate(&self, to_publish: bool, needs_change_note: bool) -> Result<(), FieldError> {
        let title = self.title.trim().chars().count();
        if title == 0 {
            return Err(FieldError { field: "tieu-de", message: "Nhập tiêu đề." });
        }
        if title > 300 {
            return Err(FieldError { field: "tieu-de", message: "Tiêu đề dài quá 300 ký tự." });
        }
        if self.summary.chars().count() > 1000 {
            return Err(FieldError { field: "tom-tat", message: "Tóm tắt dài quá 1.000 ký tự." });
        }
        if self.body_markdown.chars().count() > 200_000 {
            return Err(FieldError { field: "noi-dung", message: "Nội dung dài quá 200.000 ký tự." });
        }
        if self.change_note.as_deref().is_some_and(|n| n.chars().count() > 1000) {
            return Err(FieldError {
                field: "ghi-chu-thay-doi", message: "Ghi chú thay đổi dài quá 1.000 ký tự."
            });
        }
        if let Some(p) = &self.procedure {
            return p_validate(p, to_publish).and_then(|()| self.validate_change_note(to_publish, needs_change_note));
        }
        if to_publish && self.body_markdown.trim().is_empty() {
            return Err(FieldError { field: "noi-dung", message: "Nhập nội dung." });
        }
        self.validate_change_note(to_publish, needs_change_note)
    }

    fn validate_change_note(&self, to_publish: bool, needs_change_note: bool) -> Result<(), FieldError> {
        if to_publish && needs_change_note && self.change_note.as_deref().is_none_or(|n| n.trim().is_empty()) {
            return Err(FieldError {
                field: "ghi-chu-thay-doi",
                message: "Ghi rõ điều gì đã thay đổi trong phiên bản này.",
            });
        }
        Ok(())
    }
}

/// A procedure's fields: a code always (it is its address); to publish, the steps and at
/// least one way to apply, which are what a citizen comes for.
fn p_validate(p: &ProcedureDetails, to_publish: bool) -> Result<(), FieldError> {
    if !motcua_search::query::looks_like_code(&p.code) || p.code.len() > 40 {
        return Err(FieldError { field: "ma", message: "Nhập mã thủ tục, ví dụ 1.001193." });
    }
    let long = |t: &str| t.chars().count() > 20_000;
    let texts = [&p.audience, &p.conditions, &p.result].into_iter().flatten();
    if texts.chain(&p.steps).any(|t| long(t)) {
        return Err(FieldError { field: "thu-tuc", message: "Một mục dài quá 20.000 ký tự." });
    }
    if to_publish && p.steps.is_empty() {
        return Err(FieldError { field: "buoc-1", message: "Ghi ít nhất một bước thực hiện." });
    }
    if to_publish && p.channels.is_empty() {
        return Err(FieldError {
            field: "cach-nop-1-hinh-thuc",
            message: "Ghi ít nhất một cách nộp hồ sơ, với thời hạn và phí.",
        });
    }
    Ok(())
}

impl Draft {
    /// The draft an edition holds.
    pub fn of(e: &edition::Model) -> Draft {
        Draft {
            title: e.title.clone(),
            summary: e.summary.clone(),
            body_markdown: e.body_markdown.clone(),
            change_note: e.change_note.clone(),
            procedure: e.details.as_deref().and_then(|d| serde_json::from_str(d).ok()),
        }
    }
}

/// Markdown to safe HTML: CommonMark with tables and strikethrough, then `ammonia`.
pub fn render(markdown: &str) -> String {
    let mut options = pulldown_cmark::Options::empty();
    options.insert(pulldown_cmark::Options::ENABLE_TABLES);
    options.insert(pulldown_cmark::Options::ENABLE_STRIKETHROUGH);
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new_ext(markdown, options));
    crate::text::sanitize_html(&html)
}

/// Creates a publication with its first draft; returns its id. `external_id` is the key the
/// agency's own system knows it by, when it came through the push API.
pub async fn create(
    db: &DatabaseConnection,
    agency_id: i32,
    external_id: Option<&str>,
    author: i32,
    draft: &Draft,
    now: DateTime<Utc>,
) -> Result<i32, PublishError> {
    draft.validate(false, false)?;
    let document_at = |path: String| async move {
        use crate::storage::entity::document;
        document::Entity::find().filter(document::Column::Path.eq(path)).one(db).await.map(|d| d.is_some())
    };
    let taken = |kind: &'static str, slug: String| async move {
        publication::Entity::find()
            .filter(publication::Column::Kind.eq(kind))
            .filter(publication::Column::Slug.eq(slug))
            .one(db)
            .await
            .map(|p| p.is_some())
    };
    let (kind, slug) = match &draft.procedure {
        // A procedure lives at its code: one page per code, whoever wrote it.
        Some(details) => {
            let code = details.code.clone();
            if taken("procedure", code.clone()).await? || document_at(format!("/thu-tuc/{code}")).await? {
                return Err(FieldError { field: "ma", message: "Mã thủ tục này đã có trên Cổng." }.into());
            }
            ("procedure", code)
        }
        None => {
            let base = motcua_search::normalize::slugify(&motcua_search::normalize::normalize(&draft.title));
            let base = if base.is_empty() { "tin".to_string() } else { base.chars().take(80).collect() };
            let mut slug = base.clone();
            for n in 2.. {
                if !taken("announcement", slug.clone()).await? && !document_at(format!("/tin-tuc/{slug}")).await? {
                    break;
                }
                slug = format!("{base}-{n}");
            }
            ("announcement", slug)
        }
    };
    let txn = crate::storage::begin_write(db).await?;
    let p = publication::ActiveModel {
        agency_id: Set(agency_id),
        kind: Set(kind.into()),
        slug: Set(slug),
        state: Set("draft".into()),
        document_id: Set(None),
        external_id: Set(external_id.map(str::to_string)),
        created_by: Set(author),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    new_edition(&txn, p.id, 1, author, draft, now).await?;
    txn.commit().await?;
    Ok(p.id)
}

fn details_json(draft: &Draft) -> Result<Option<String>, sea_orm::DbErr> {
    draft.procedure.as_ref().map(serde_json::to_string).transpose().map_err(|e| sea_orm::DbErr::Custom(e.to_string()))
}

async fn new_edition(
    db: &impl sea_orm::ConnectionTrait,
    publication_id: i32,
    number: i32,
    author: i32,
    draft: &Draft,
    now: DateTime<Utc>,
) -> Result<(), sea_orm::DbErr> {
    edition::ActiveModel {
        publication_id: Set(publication_id),
        number: Set(number),
        title: Set(draft.title.trim().to_string()),
        summary: Set(draft.summary.trim().to_string()),
        body_markdown: Set(draft.body_markdown.clone()),
        details: Set(details_json(draft)?),
        change_note: Set(draft.change_note.clone().filter(|n| !n.trim().is_empty())),
        state: Set("draft".into()),
        author_account_id: Set(author),
        created_at: Set(now),
        published_at: Set(None),
        scheduled_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// What a push by external id did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Put {
    /// A new publication.
    Created,
    /// Its draft changed (or a new edition was begun).
    Updated,
    /// The content was already so: nothing was written.
    Unchanged,
}

/// The publication an agency's system knows by `external_id`.
pub async fn find_external(
    db: &DatabaseConnection,
    agency_id: i32,
    external_id: &str,
) -> Result<Option<publication::Model>, PublishError> {
    Ok(publication::Entity::find()
        .filter(publication::Column::AgencyId.eq(agency_id))
        .filter(publication::Column::ExternalId.eq(external_id))
        .one(db)
        .await?)
}

/// Creates or updates the publication of an external id: idempotent, so a department's
/// system may send the same content again (after a timeout, say) without a duplicate or a
/// needless new edition.
pub async fn put_external(
    db: &DatabaseConnection,
    agency_id: i32,
    external_id: &str,
    author: i32,
    draft: &Draft,
    now: DateTime<Utc>,
) -> Result<(i32, Put), PublishError> {
    draft.validate(false, false)?;
    let existing = match find_external(db, agency_id, external_id).await? {
        Some(p) => p,
        None => match create(db, agency_id, Some(external_id), author, draft, now).await {
            Ok(id) => return Ok((id, Put::Created)),
            // A concurrent push of the same id won the race: update what it created.
            Err(PublishError::Storage(e)) => find_external(db, agency_id, external_id).await?.ok_or(e)?,
            Err(e) => return Err(e),
        },
    };
    let (_, editions) = get(db, existing.id).await?.ok_or(PublishError::NotFound("tin"))?;
    let current = editions.iter().find(|e| e.state == "draft").or_else(|| editions.first());
    let same = current.is_some_and(|e| {
        e.title == draft.title.trim()
            && e.summary == draft.summary.trim()
            && e.body_markdown == draft.body_markdown
            && e.change_note.as_deref().unwrap_or_default() == draft.change_note.as_deref().unwrap_or_default().trim()
            && Draft::of(e).procedure == draft.procedure
    });
    if same {
        return Ok((existing.id, Put::Unchanged));
    }
    save(db, existing.id, author, draft, now).await?;
    Ok((existing.id, Put::Updated))
}

/// A publication and its editions, newest first.
pub async fn get(
    db: &DatabaseConnection,
    id: i32,
) -> Result<Option<(publication::Model, Vec<edition::Model>)>, PublishError> {
    let Some(p) = publication::Entity::find_by_id(id).one(db).await? else { return Ok(None) };
    let editions = edition::Entity::find()
        .filter(edition::Column::PublicationId.eq(id))
        .order_by_desc(edition::Column::Number)
        .all(db)
        .await?;
    Ok(Some((p, editions)))
}

/// Saves the draft: the open draft edition is updated, or (for published content) a new
/// edition is begun, which then needs a change note.
pub async fn save(
    db: &DatabaseConnection,
    id: i32,
    author: i32,
    draft: &Draft,
    now: DateTime<Utc>,
) -> Result<(), PublishError> {
    let (p, editions) = get(db, id).await?.ok_or(PublishError::NotFound("tin"))?;
    draft.validate(false, false)?;
    match (&draft.procedure, p.kind.as_str()) {
        (Some(d), "procedure") if d.code != p.slug => {
            return Err(FieldError { field: "ma", message: "Mã thủ tục đã tạo không đổi được." }.into());
        }
        (Some(_), "procedure") | (None, "announcement") => {}
        _ => {
            return Err(FieldError { field: "loai", message: "Bản nháp không cùng loại với nội dung này." }.into());
        }
    }
    let txn = crate::storage::begin_write(db).await?;
    match editions.iter().find(|e| e.state == "draft") {
        Some(open) => {
            let mut e: edition::ActiveModel = open.clone().into();
            e.title = Set(draft.title.trim().to_string());
            e.summary = Set(draft.summary.trim().to_string());
            e.body_markdown = Set(draft.body_markdown.clone());
            e.details = Set(details_json(draft)?);
            e.change_note = Set(draft.change_note.clone().filter(|n| !n.trim().is_empty()));
            e.author_account_id = Set(author);
            // Saving a draft takes it off the schedule; scheduling is asked for again.
            e.scheduled_at = Set(None);
            e.update(&txn).await?;
        }
        None => {
            let number = editions.first().map_or(1, |e| e.number + 1);
            new_edition(&txn, id, number, author, draft, now).await?;
        }
    }
    let mut p: publication::ActiveModel = p.into();
    p.updated_at = Set(now);
    p.update(&txn).await?;
    txn.commit().await?;
    Ok(())
}

/// Publishes the open draft: it becomes the published edition, the one before is
/// superseded, and the public page and search follow. Returns the public path.
pub async fn publish(db: &DatabaseConnection, id: i32, now: DateTime<Utc>) -> Result<String, PublishError> {
    let (p, editions) = get(db, id).await?.ok_or(PublishError::NotFound("tin"))?;
    let draft = editions.iter().find(|e| e.state == "draft").ok_or(PublishError::NotFound("nhap"))?;
    let ever_published = editions.iter().any(|e| e.published_at.is_some());
    let as_draft = Draft::of(draft);
    as_draft.validate(true, ever_published)?;
    let first_published = editions.iter().filter_map(|e| e.published_at).min().unwrap_or(now);
    let path = public_path(&p);
    let (kind, summary, body_html, body_text) = match &as_draft.procedure {
        Some(details) => ("procedure", details.summary(), String::new(), details.search_text()),
        None => {
            let body_html = render(&draft.body_markdown);
            let text = crate::crawl::extract::html_to_text(&body_html);
            ("announcement", draft.summary.clone(), body_html, text)
        }
    };
    let input = DocumentInput {
        kind: kind.into(),
        agency_id: p.agency_id,
        title: motcua_search::normalize::normalize(&draft.title),
        summary,
        body_text,
        body_html,
        path: path.clone(),
        origin_key: format!("motcua:publication:{}", p.id),
        origin_url: None,
        published_at: Some(first_published),
        state: "published".into(),
        procedure: as_draft.procedure,
    };
    let document_id = match documents::upsert(db, &input, now).await? {
        documents::Upserted::Created(d) | documents::Upserted::Updated(d) | documents::Upserted::Unchanged(d) => d,
    };
    let txn = crate::storage::begin_write(db).await?;
    for old in editions.iter().filter(|e| e.state == "published") {
        let mut e: edition::ActiveModel = old.clone().into();
        e.state = Set("superseded".into());
        e.update(&txn).await?;
    }
    let mut e: edition::ActiveModel = draft.clone().into();
    e.state = Set("published".into());
    e.published_at = Set(Some(now));
    e.scheduled_at = Set(None);
    e.update(&txn).await?;
    let mut p: publication::ActiveModel = p.into();
    p.state = Set("published".into());
    p.document_id = Set(Some(document_id));
    p.updated_at = Set(now);
    p.update(&txn).await?;
    txn.commit().await?;
    Ok(path)
}

/// Saves the draft and schedules it to publish itself at `at` (checked now as for
/// publishing, so the schedule cannot fail later for a missing field).
pub async fn schedule(
    db: &DatabaseConnection,
    id: i32,
    author: i32,
    draft: &Draft,
    at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), PublishError> {
    if at <= now {
        return Err(FieldError { field: "xuat-ban-luc", message: "Chọn một thời điểm trong tương lai." }.into());
    }
    let (_, editions) = get(db, id).await?.ok_or(PublishError::NotFound("tin"))?;
    draft.validate(true, editions.iter().any(|e| e.published_at.is_some()))?;
    save(db, id, author, draft, now).await?;
    let (_, editions) = get(db, id).await?.ok_or(PublishError::NotFound("tin"))?;
    let open = editions.into_iter().find(|e| e.state == "draft").ok_or(PublishError::NotFound("nhap"))?;
    let mut e: edition::ActiveModel = open.into();
    e.scheduled_at = Set(Some(at));
    e.update(db).await?;
    Ok(())
}

/// Publishes every draft whose time has come; returns the publications published.
pub async fn publish_due(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<Vec<i32>, PublishError> {
    let due = edition::Entity::find()
        .filter(edition::Column::State.eq("draft"))
        .filter(edition::Column::ScheduledAt.lte(now))
        .all(db)
        .await?;
    let mut published = Vec::new();
    for e in due {
        match publish(db, e.publication_id, now).await {
            Ok(path) => {
                let event = crate::storage::audit::Event {
                    actor: "scheduler".into(),
                    action: "publication.publish",
                    target: Some(format!("publication:{}", e.publication_id)),
                    detail: serde_json::json!({ "path": path, "scheduled_at": e.scheduled_at }),
                    source_ip: None,
                };
                crate::storage::audit::record(db, event, now).await?;
                published.push(e.publication_id);
            }
            Err(err) => tracing::error!(publication = e.publication_id, "scheduled publishing failed: {err}"),
        }
    }
    Ok(published)
}

/// Runs inside `serve`: publishes scheduled drafts when their time comes, checking every
/// `every`, until shutdown.
pub async fn run_schedule(db: DatabaseConnection, every: std::time::Duration, shutdown: crate::shutdown::Shutdown) {
    loop {
        if let Err(e) = publish_due(&db, Utc::now()).await {
            tracing::error!("scheduled publishing: {e}");
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = shutdown.wait() => return,
        }
    }
}

/// How published content leaves the public.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unpublish {
    /// Withdrawn: the page stays, saying why (GOV.UK's withdrawal).
    Withdraw {
        /// Why, for the public.
        note: String,
    },
    /// Moved: the page answers 301 to `to` (a portal path or an http(s) address), for
    /// content that another page now carries.
    Redirect {
        /// Where readers go now.
        to: String,
    },
    /// Gone: the page answers 410.
    Gone,
}

impl Unpublish {
    /// The audit log's action and detail for it.
    pub fn audit(&self) -> (&'static str, serde_json::Value) {
        match self {
            Unpublish::Withdraw { note } => ("publication.withdraw", serde_json::json!({ "note": note })),
            Unpublish::Redirect { to } => ("publication.redirect", serde_json::json!({ "to": to })),
            Unpublish::Gone => ("publication.gone", serde_json::json!({})),
        }
    }
}

/// What a redirect may point at: a portal path, or an http(s) address whose host is a name
/// (not a bare number, which browsers would read as an IPv4 address). No spaces, control
/// characters or backslashes anywhere. The push API's OpenAPI document declares the same
/// pattern (a test holds them equal).
pub const REDIRECT_PATTERN: &str = r"^(/([^/\\\s\x00-\x1f\x7f-\x9f][^\\\s\x00-\x1f\x7f-\x9f]*)?|https?://[A-Za-z][A-Za-z0-9-]*(\.[A-Za-z][A-Za-z0-9-]*)*(:[0-9]{1,4})?(/[^\\\s\x00-\x1f\x7f-\x9f]*)?)$";

/// Whether `to` may be a redirect's target (never the page itself).
fn redirect_target(to: &str, from: &str) -> Result<String, FieldError> {
    static PATTERN: std::sync::LazyLock<Option<regex::Regex>> =
        std::sync::LazyLock::new(|| regex::Regex::new(REDIRECT_PATTERN).ok());
    let bad = FieldError {
        field: "chuyen-den",
        message: "Nhập đường dẫn trên Cổng (bắt đầu bằng /) hoặc địa chỉ http(s).",
    };
    let to = to.trim();
    let web_ok = !to.starts_with("http") || url::Url::parse(to).is_ok();
    if to.chars().count() > 2000 || !web_ok || !PATTERN.as_ref().is_some_and(|p| p.is_match(to)) {
        return Err(bad);
    }
    if to == from {
        return Err(FieldError { field: "chuyen-den", message: "Không thể chuyển một trang về chính nó." });
    }
    Ok(to.to_string())
}

/// Takes published (or withdrawn) content out of search and listings: withdrawn, moved or
/// gone.
pub async fn unpublish(
    db: &DatabaseConnection,
    id: i32,
    how: &Unpublish,
    now: DateTime<Utc>,
) -> Result<(), PublishError> {
    let (p, _) = get(db, id).await?.ok_or(PublishError::NotFound("tin"))?;
    let document_id = p.document_id.ok_or(PublishError::NotFound("chua-xuat-ban"))?;
    let (state, note) = match how {
        Unpublish::Withdraw { note } => match clean(note.clone()).trim() {
            "" => return Err(FieldError { field: "ghi-chu-go", message: "Ghi lý do gỡ cho người đọc." }.into()),
            note => ("withdrawn", Some(note.to_string())),
        },
        Unpublish::Redirect { to } => ("redirected", Some(redirect_target(to, &public_path(&p))?)),
        Unpublish::Gone => ("gone", None),
    };
    documents::retire(db, document_id, state, note.as_deref(), now).await?;
    let mut p: publication::ActiveModel = p.into();
    p.state = Set(state.to_string());
    p.updated_at = Set(now);
    p.update(db).await?;
    Ok(())
}

/// The publications of these agencies, most recently changed first.
pub async fn list(
    db: &DatabaseConnection,
    agency_ids: &[i32],
) -> Result<Vec<(publication::Model, Option<edition::Model>)>, PublishError> {
    let ps = publication::Entity::find()
        .filter(publication::Column::AgencyId.is_in(agency_ids.to_vec()))
        .order_by_desc(publication::Column::UpdatedAt)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(ps.len());
    for p in ps {
        let latest = edition::Entity::find()
            .filter(edition::Column::PublicationId.eq(p.id))
            .order_by_desc(edition::Column::Number)
            .one(db)
            .await?;
        out.push((p, latest));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_renders_and_hostile_html_does_not_survive() {
        let html = render(
            "# Thông báo\n\nLịch **tiếp công dân** [xem](https://hue.gov.vn)\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))",
        );
        assert!(html.contains("<h1>Thông báo</h1>") && html.contains("<strong>tiếp công dân</strong>"), "{html}");
        assert!(!html.contains("<script") && !html.contains("javascript:"), "{html}");
    }

    #[test]
    fn each_wrong_field_is_named() {
        let ok = Draft::new("Lịch tiếp dân".into(), String::new(), "Nội dung".into(), None);
        assert_eq!(ok.validate(true, false), Ok(()));
        assert_eq!(
            Draft { title: " ".into(), ..ok.clone() }.validate(false, false).map_err(|e| e.field),
            Err("tieu-de")
        );
        let unfinished = Draft { body_markdown: String::new(), ..ok.clone() };
        assert_eq!(unfinished.validate(false, false), Ok(()), "a draft may be saved unfinished");
        assert_eq!(unfinished.validate(true, false).map_err(|e| e.field), Err("noi-dung"));
        assert_eq!(ok.validate(true, true).map_err(|e| e.field), Err("ghi-chu-thay-doi"));
    }

    #[test]
    fn a_procedure_draft_needs_a_code_and_to_publish_steps_and_a_channel() {
        use motcua_app::domain::SubmissionChannel;
        let details = ProcedureDetails {
            code: " 2.000123 ".into(),
            steps: vec!["Nộp hồ sơ\u{0}".into(), "  ".into()],
            ..ProcedureDetails::default()
        };
        let draft = Draft::procedure("Cấp phép\ntổ chức lễ hội".into(), details, None);
        let p = draft.procedure.clone().expect("details");
        assert_eq!((p.code.as_str(), p.steps.clone()), ("2.000123", vec!["Nộp hồ sơ".to_string()]), "cleaned");
        assert_eq!(draft.title, "Cấp phép tổ chức lễ hội");
        assert_eq!(draft.validate(false, false), Ok(()), "a draft may be saved unfinished");
        assert_eq!(draft.validate(true, false).map_err(|e| e.field), Err("cach-nop-1-hinh-thuc"));
        let channel = SubmissionChannel {
            channel: "Trực tiếp".into(),
            processing_time: Some("5 ngày".into()),
            fee: None,
            description: None,
        };
        let ready =
            Draft::procedure(draft.title.clone(), ProcedureDetails { channels: vec![channel], ..p.clone() }, None);
        assert_eq!(ready.validate(true, false), Ok(()));
        assert!(ready.summary.contains("Thời hạn: 5 ngày"), "{}", ready.summary);
        let no_code = Draft::procedure("T".into(), ProcedureDetails { code: "thu tuc".into(), ..p }, None);
        assert_eq!(no_code.validate(false, false).map_err(|e| e.field), Err("ma"));
    }
}
