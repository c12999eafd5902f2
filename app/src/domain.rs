//! The domain types that the UI shows and the server fills: what a citizen sees of agencies,
//! procedures, announcements and search results. Plain data (serde), no behaviour beyond
//! labels, so both sides of the ports agree on one vocabulary.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What a document is. Procedures are the portal's core; announcements come from agencies'
/// sites or their editors; pages are standing information.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum DocumentKind {
    /// An administrative procedure (thủ tục hành chính).
    Procedure,
    /// News or a notice (tin tức, thông báo).
    Announcement,
    /// A standing page.
    Page,
}

impl DocumentKind {
    /// Every kind, in the order facets list them.
    pub const ALL: [DocumentKind; 3] = [DocumentKind::Procedure, DocumentKind::Announcement, DocumentKind::Page];

    /// The wire and storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            DocumentKind::Procedure => "procedure",
            DocumentKind::Announcement => "announcement",
            DocumentKind::Page => "page",
        }
    }

    /// Parses the wire name; `None` for anything else.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The classes of its tag (`.mc-tag`) in lists.
    pub fn tag_class(self) -> &'static str {
        match self {
            DocumentKind::Procedure => "mc-tag mc-tag--procedure",
            DocumentKind::Announcement => "mc-tag mc-tag--announcement",
            DocumentKind::Page => "mc-tag mc-tag--page",
        }
    }

    /// The label citizens read.
    pub fn label(self) -> &'static str {
        match self {
            DocumentKind::Procedure => "Thủ tục hành chính",
            DocumentKind::Announcement => "Tin tức, thông báo",
            DocumentKind::Page => "Trang thông tin",
        }
    }
}

/// Where an agency sits. Since 1 July 2025 Vietnam has no district level; levels are data so
/// that the next reform is a data change, not a code change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum AgencyLevel {
    /// A ministry or central body (cấp bộ).
    Ministry,
    /// A province or centrally run city (cấp tỉnh).
    Province,
    /// A provincial department (sở, ngành).
    Department,
    /// A commune, ward or special zone (cấp xã).
    Commune,
    /// Courts, party and union bodies, anything else.
    Other,
}

impl AgencyLevel {
    /// Every level, from the top.
    pub const ALL: [AgencyLevel; 5] = [
        AgencyLevel::Ministry,
        AgencyLevel::Province,
        AgencyLevel::Department,
        AgencyLevel::Commune,
        AgencyLevel::Other,
    ];

    /// The storage name.
    pub fn as_str(self) -> &'static str {
        match self {
            AgencyLevel::Ministry => "ministry",
            AgencyLevel::Province => "province",
            AgencyLevel::Department => "department",
            AgencyLevel::Commune => "commune",
            AgencyLevel::Other => "other",
        }
    }

    /// Parses the storage name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The level of a procedure's implementing level as the national data names it
    /// ("Cấp bộ", "Cấp tỉnh", "Cấp xã"; anything else is `Other`).
    pub fn of_procedure_level(name: &str) -> Self {
        match name.trim() {
            "Cấp bộ" => AgencyLevel::Ministry,
            "Cấp tỉnh" => AgencyLevel::Province,
            "Cấp xã" => AgencyLevel::Commune,
            _ => AgencyLevel::Other,
        }
    }

    /// The label citizens read.
    pub fn label(self) -> &'static str {
        match self {
            AgencyLevel::Ministry => "Bộ, ngành trung ương",
            AgencyLevel::Province => "Tỉnh, thành phố",
            AgencyLevel::Department => "Sở, ngành",
            AgencyLevel::Commune => "Xã, phường, đặc khu",
            AgencyLevel::Other => "Cơ quan khác",
        }
    }
}

/// Enough of an agency to link to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgencyRef {
    /// URL slug, unique.
    pub slug: String,
    /// Display name.
    pub name: String,
    /// Level.
    pub level: AgencyLevel,
}

impl AgencyRef {
    /// Path of the agency's page.
    pub fn url(&self) -> String {
        format!("/co-quan/{}", self.slug)
    }
}

/// An agency with everything its page shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Agency {
    /// Who it is.
    pub reference: AgencyRef,
    /// The agency above it, if any.
    pub parent: Option<AgencyRef>,
    /// Statistics-office code for provinces and communes.
    pub admin_code: Option<String>,
    /// Names it had before mergers (2025 reform).
    pub former_names: Vec<String>,
    /// Its own website, if any.
    pub website: Option<String>,
}

/// One line of a document list or a card.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DocumentSummary {
    /// Kind.
    pub kind: DocumentKind,
    /// Title.
    pub title: String,
    /// Path on the portal.
    pub url: String,
    /// Short summary (plain text).
    pub summary: String,
    /// Publishing agency.
    pub agency: AgencyRef,
    /// When it was published, if known.
    pub published_at: Option<DateTime<Utc>>,
    /// Procedure code, for procedures.
    pub code: Option<String>,
}

/// One way to submit a procedure's file, with its time and fee.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionChannel {
    /// "Trực tiếp", "Trực tuyến", "Dịch vụ bưu chính".
    pub channel: String,
    /// Processing time as published ("5 Ngày làm việc").
    pub processing_time: Option<String>,
    /// Fees as published ("Miễn phí", "50,000 Việt Nam đồng").
    pub fee: Option<String>,
    /// Further explanation.
    pub description: Option<String>,
}

/// A document the applicant must bring.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RequiredDocument {
    /// What it is.
    pub name: String,
    /// Name of the form file to fill in, if any.
    pub form: Option<String>,
    /// How many and which kind of copy ("1 bản chính").
    pub quantity: Option<String>,
}

/// A law or decree the procedure rests on.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegalReference {
    /// Title of the text.
    pub title: String,
    /// Its number ("123/2015/NĐ-CP"), if given.
    pub number: Option<String>,
}

/// The levels a procedure may be carried out at: the editor's checkbox names and the words
/// the national data uses.
pub const PROCEDURE_LEVELS: [(&str, &str); 3] = [("cap-bo", "Cấp bộ"), ("cap-tinh", "Cấp tỉnh"), ("cap-xa", "Cấp xã")];

/// The structured part of a procedure, as a door hands it in (the import, the editor's
/// form) and as an edition of a procedure keeps it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProcedureDetails {
    /// National code, e.g. "1.001193".
    pub code: String,
    /// Field (lĩnh vực).
    pub field: Option<String>,
    /// Levels that implement it ("Cấp bộ", "Cấp tỉnh", "Cấp xã").
    pub levels: Vec<String>,
    /// Who may use it.
    pub audience: Option<String>,
    /// Steps in order.
    pub steps: Vec<String>,
    /// Documents to bring.
    pub required_documents: Vec<RequiredDocument>,
    /// Ways to submit, with time and fees.
    pub channels: Vec<SubmissionChannel>,
    /// Conditions to meet.
    pub conditions: Option<String>,
    /// What the applicant receives.
    pub result: Option<String>,
    /// Legal basis.
    pub legal_basis: Vec<LegalReference>,
    /// Agency that carries it out.
    pub implementing_agency: Option<String>,
    /// Agency with the authority to decide.
    pub competent_agency: Option<String>,
    /// Decision that published it.
    pub decision: Option<String>,
    /// Its type as published.
    pub procedure_type: Option<String>,
}

impl ProcedureDetails {
    /// The line under a procedure's title in listings: field, levels, time.
    pub fn summary(&self) -> String {
        let mut summary = Vec::new();
        if let Some(f) = &self.field {
            summary.push(format!("Lĩnh vực: {f}"));
        }
        if !self.levels.is_empty() {
            summary.push(format!("Cấp thực hiện: {}", self.levels.join(", ")));
        }
        if let Some(time) = self.channels.iter().find_map(|c| c.processing_time.clone()) {
            summary.push(format!("Thời hạn: {time}"));
        }
        summary.join(". ")
    }

    /// What search reads of it besides the title.
    pub fn search_text(&self) -> String {
        let mut body = Vec::new();
        body.extend(self.audience.clone());
        body.extend(self.steps.iter().cloned());
        body.extend(self.required_documents.iter().map(|d| d.name.clone()));
        body.extend(self.conditions.clone());
        body.extend(self.result.clone());
        // Title and number, so a search for "123/2015/NĐ-CP" finds the procedures it governs.
        body.extend(self.legal_basis.iter().map(|l| match &l.number {
            Some(number) if !l.title.contains(number.as_str()) => format!("{} {number}", l.title),
            _ => l.title.clone(),
        }));
        body.join("\n")
    }
}

/// A procedure with every field its page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Procedure {
    /// Name.
    pub title: String,
    /// Responsible agency.
    pub agency: AgencyRef,
    /// Code, steps, documents, channels, legal basis and the rest, as the data gives them.
    #[serde(flatten)]
    pub details: ProcedureDetails,
    /// The page of the national portal it came from.
    pub source_url: Option<String>,
    /// The department's online service that takes applications for it, if one is
    /// connected to the portal's sign-on hub.
    pub online_service: Option<OnlineService>,
    /// Other procedures a citizen doing this one commonly also needs, most useful first.
    pub related: Vec<RelatedProcedure>,
    /// When the portal last changed it.
    pub updated_at: DateTime<Utc>,
}

/// A procedure a citizen doing another commonly also needs, as a one-stop desk clerk would
/// point it out: it saves a second trip.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelatedProcedure {
    /// National code.
    pub code: String,
    /// Name.
    pub title: String,
    /// How it stands to the procedure whose page lists it.
    pub relation: ProcedureRelation,
}

/// How a related procedure stands to the one being done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProcedureRelation {
    /// Needed first: a paper its dossier asks for.
    Before,
    /// The usual next step.
    After,
    /// Done alongside, in the same situation (a tax, a notice).
    With,
    /// What the citizen may need instead, in a neighbouring case.
    Instead,
}

impl ProcedureRelation {
    /// Every relation, in the order a form offers them.
    pub const ALL: [ProcedureRelation; 4] =
        [ProcedureRelation::Before, ProcedureRelation::After, ProcedureRelation::With, ProcedureRelation::Instead];

    /// The relation the curated list (and a stored or submitted list) names by this word.
    pub fn parse(word: &str) -> Option<ProcedureRelation> {
        match word {
            "before" => Some(ProcedureRelation::Before),
            "after" => Some(ProcedureRelation::After),
            "with" => Some(ProcedureRelation::With),
            "instead" => Some(ProcedureRelation::Instead),
            _ => None,
        }
    }

    /// The word `parse` reads: how lists store it.
    pub fn word(self) -> &'static str {
        match self {
            ProcedureRelation::Before => "before",
            ProcedureRelation::After => "after",
            ProcedureRelation::With => "with",
            ProcedureRelation::Instead => "instead",
        }
    }

    /// What the procedure page says of it.
    pub fn label(self) -> &'static str {
        match self {
            ProcedureRelation::Before => "Có thể cần làm trước",
            ProcedureRelation::After => "Thường làm tiếp theo",
            ProcedureRelation::With => "Thường làm cùng",
            ProcedureRelation::Instead => "Nếu trường hợp của bạn khác",
        }
    }
}

/// An announcement with its sanitised body.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Announcement {
    /// Title.
    pub title: String,
    /// Lead.
    pub summary: String,
    /// Body HTML, sanitised before it was stored.
    pub body_html: String,
    /// Publishing agency.
    pub agency: AgencyRef,
    /// Publication time.
    pub published_at: Option<DateTime<Utc>>,
    /// The original page on the agency's site, if it was merged from there.
    pub origin_url: Option<String>,
    /// Set when the announcement was withdrawn (its origin removed it): why, for the reader.
    pub withdrawn: Option<String>,
    /// Deleted for good by its agency: the page answers 410 and shows nothing of it.
    pub gone: bool,
    /// Moved by its agency to another page: the page answers 301 there.
    pub moved_to: Option<String>,
}

/// An agency in a listing, with how much it publishes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyListing {
    /// Who it is.
    pub agency: AgencyRef,
    /// Number of published documents.
    pub documents: u64,
}

/// Everything the home page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HomeData {
    /// Procedures citizens need most.
    pub popular: Vec<DocumentSummary>,
    /// Newest announcements.
    pub latest: Vec<DocumentSummary>,
    /// Agencies that publish the most.
    pub agencies: Vec<AgencyListing>,
    /// Number of published procedures.
    pub procedure_count: u64,
}

/// Everything an agency's page shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgencyPage {
    /// The agency.
    pub agency: Agency,
    /// Its procedures (first page).
    pub procedures: Vec<DocumentSummary>,
    /// Total number of its procedures.
    pub procedure_count: u64,
    /// Its newest announcements.
    pub announcements: Vec<DocumentSummary>,
    /// Agencies below it (communes of a province).
    pub children: Vec<AgencyRef>,
}

/// A validated search request; the UI and the JSON API build it from query parameters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchParams {
    /// The text typed.
    pub q: String,
    /// Kind filter.
    pub kind: Option<DocumentKind>,
    /// Agency filter (slug).
    pub agency: Option<String>,
    /// Level filter: where the procedure is carried out, or who published.
    pub level: Option<AgencyLevel>,
    /// Field of administration (lĩnh vực) filter, by name.
    pub topic: Option<String>,
    /// Year of publication filter.
    pub year: Option<i32>,
    /// Page number, from 1.
    pub page: u32,
    /// Hits a page.
    pub per_page: u32,
}

impl SearchParams {
    /// Hits a page unless asked otherwise.
    pub const DEFAULT_PER_PAGE: u32 = 10;
    /// Most hits a page anyone may ask for.
    pub const MAX_PER_PAGE: u32 = 50;
    /// Deepest page: beyond it nobody reads, and deep paging costs.
    pub const MAX_PAGE: u32 = 100;
    /// Longest query text accepted, in characters.
    pub const MAX_QUERY_CHARS: usize = 200;
}

impl Default for SearchParams {
    fn default() -> Self {
        Self {
            q: String::new(),
            kind: None,
            agency: None,
            level: None,
            topic: None,
            year: None,
            page: 1,
            per_page: Self::DEFAULT_PER_PAGE,
        }
    }
}

/// One search hit as shown.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchHit {
    /// Database id.
    pub id: i64,
    /// Kind.
    pub kind: DocumentKind,
    /// Title.
    pub title: String,
    /// Title escaped, with what matched in `<b>`.
    pub title_html: String,
    /// Path on the portal.
    pub url: String,
    /// Agency slug.
    pub agency: String,
    /// Agency name.
    pub agency_name: String,
    /// Procedure code, if any.
    pub code: Option<String>,
    /// Field of administration (lĩnh vực), if any.
    pub topic: Option<String>,
    /// Escaped text with matches in `<b>`.
    pub snippet_html: String,
    /// An editor recommends it for this query (best bet).
    pub pinned: bool,
    /// Shown, matching no word of the query, as commonly needed with this procedure (the
    /// first hit's title): the page says so.
    #[serde(default)]
    pub goes_with: Option<String>,
}

/// A facet value with its label and count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FacetValue {
    /// Value to filter on.
    pub value: String,
    /// What to show.
    pub label: String,
    /// Matching documents.
    pub count: u64,
}

/// A page of search results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SearchPage {
    /// The request it answers.
    pub params: SearchParams,
    /// Total hits.
    pub total: u64,
    /// The total and facet counts are estimated from a sample of the index: the query
    /// matched too many documents to count them all at once.
    pub estimated: bool,
    /// This page's hits.
    pub hits: Vec<SearchHit>,
    /// Counts by kind.
    pub kind_facets: Vec<FacetValue>,
    /// Counts by agency.
    pub agency_facets: Vec<FacetValue>,
    /// Counts by level.
    pub level_facets: Vec<FacetValue>,
    /// Counts by field of administration.
    pub topic_facets: Vec<FacetValue>,
    /// Counts by year, newest first.
    pub year_facets: Vec<FacetValue>,
    /// Whether some words were not matched.
    pub relaxed: bool,
    /// "Did you mean": the query with unknown words corrected.
    pub suggestion: Option<String>,
}

/// A login provider offered on the sign-in page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInOption {
    /// Id in its URL (`/dang-nhap/{id}`).
    pub id: String,
    /// Shown on its button.
    pub name: String,
}

/// A signed-in citizen as the account page shows them: exactly what the portal holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    /// Full name.
    pub name: Option<String>,
    /// Birth date.
    pub birth_date: Option<String>,
    /// Citizen id number.
    pub citizen_id: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// The provider signed in through (its display name).
    pub provider: String,
    /// The provider's issuer.
    pub issuer: String,
    /// The provider's identifier for the citizen.
    pub subject: String,
    /// 1 low, 2 substantial, 3 high.
    pub assurance_level: i32,
    /// First sign-in to the portal.
    pub created_at: DateTime<Utc>,
    /// When this session began.
    pub signed_in_at: DateTime<Utc>,
    /// Department services the citizen agreed to sign in to ("Dịch vụ đã kết nối").
    pub connected: Vec<ConnectedService>,
    /// The form token of this session (CSRF), for signing out and withdrawing consents.
    pub csrf: String,
}

/// The "sign out of every service?" page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignOutView {
    /// Names of the services this session signed in to.
    pub services: Vec<String>,
    /// The form token of this session (CSRF).
    pub csrf: String,
}

/// A department's online service, as a procedure page names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OnlineService {
    /// Its name ("Đăng ký khai sinh trực tuyến").
    pub name: String,
    /// The agency that runs it, if known.
    pub agency: Option<String>,
}

/// What the portal tells a citizen before handing them off to a department's online
/// service: where they go, what it will learn, and the assurance it needs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandOff {
    /// The procedure's code.
    pub procedure_code: String,
    /// The procedure's title.
    pub procedure_title: String,
    /// The service.
    pub service: OnlineService,
    /// What it may learn, in words.
    pub shares: Vec<String>,
    /// The assurance level it needs (1 low, 2 substantial, 3 high).
    pub assurance_level: i32,
    /// The level of the citizen's session, when signed in.
    pub signed_in_level: Option<i32>,
}

/// A department service a citizen has agreed to share data with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectedService {
    /// Its client id (the revoke form names it).
    pub client_id: String,
    /// Its name.
    pub name: String,
    /// What it may learn, in words.
    pub shares: Vec<String>,
    /// When the citizen agreed.
    pub granted_at: DateTime<Utc>,
    /// When it last signed the citizen in.
    pub last_used_at: DateTime<Utc>,
}

/// A department service asking, through the sign-on hub, to sign the citizen in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRequest {
    /// The form token that answers this request.
    pub token: String,
    /// The service's name.
    pub service: String,
    /// The agency that runs it, if known.
    pub agency: Option<String>,
    /// What it would learn, in words (the citizen id number is asked for apart).
    pub shares: Vec<String>,
    /// Whether it asks for the citizen id number.
    pub asks_citizen_id: bool,
}

/// The staff's start page ("Quản trị"): the agencies they work for and their content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffHome {
    /// The staff member's name.
    pub name: String,
    /// Agencies they may create content for: (slug, name).
    pub agencies: Vec<(String, String)>,
    /// Their agencies' publications that pass the filter, most recently changed first.
    pub items: Vec<StaffItem>,
    /// The filter in force.
    pub filter: StaffFilter,
    /// Whether they administer an agency (the roles page is theirs).
    pub administers: bool,
    /// Whether they administer a top-level agency (the audit log, best bets and search
    /// keywords are theirs).
    pub administers_top_level: bool,
    /// The form token of this session (CSRF).
    pub csrf: String,
}

/// What the staff's list is narrowed to (`/quan-tri?co-quan=…&loai=…&trang-thai=…&q=…`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffFilter {
    /// An agency's slug.
    pub agency: Option<String>,
    /// `announcement` or `procedure`.
    pub kind: Option<String>,
    /// `draft`, `published`, `withdrawn`, `redirected` or `gone`.
    pub state: Option<String>,
    /// Words of the title, with or without diacritics.
    pub text: Option<String>,
}

/// One publication in the staff's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffItem {
    /// Its id (`/quan-tri/tin/{id}`).
    pub id: i32,
    /// Title of its latest edition.
    pub title: String,
    /// Publishing agency's name.
    pub agency: String,
    /// `announcement` or `procedure`.
    pub kind: String,
    /// `draft`, `published`, `withdrawn`, `redirected`, `gone`.
    pub state: String,
    /// Whether an unpublished draft is open.
    pub has_draft: bool,
    /// The public address, once published.
    pub public_path: Option<String>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// The editor of one publication.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffEditor {
    /// Its id.
    pub id: i32,
    /// Publishing agency's name.
    pub agency: String,
    /// The editable edition (the open draft, or the published one to start a new edition).
    pub title: String,
    /// Summary.
    pub summary: String,
    /// Body, Markdown.
    pub body_markdown: String,
    /// Change note of the open draft.
    pub change_note: String,
    /// A procedure's fields (its form replaces the Markdown body); `None` for an announcement.
    pub procedure: Option<ProcedureDetails>,
    /// The body rendered as the public will see it.
    pub preview_html: String,
    /// Whether saving needs a change note (published before).
    pub needs_change_note: bool,
    /// Whether this staff member may publish it.
    pub can_publish: bool,
    /// Whether an unpublished draft is open.
    pub has_draft: bool,
    /// The public address, once published.
    pub public_path: Option<String>,
    /// `draft`, `published`, `withdrawn` or `gone`.
    pub state: String,
    /// Attached files: (address, name, bytes).
    pub attachments: Vec<AttachmentLink>,
    /// When the open draft will publish itself, if scheduled.
    pub scheduled_at: Option<DateTime<Utc>>,
    /// Every edition, newest first.
    pub history: Vec<EditionSummary>,
    /// The form token of this session (CSRF).
    pub csrf: String,
}

/// One edition in a publication's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditionSummary {
    /// 1, 2, …
    pub number: i32,
    /// `draft`, `published`, `superseded`.
    pub state: String,
    /// What changed.
    pub change_note: Option<String>,
    /// When published.
    pub published_at: Option<DateTime<Utc>>,
}

/// A file attached to a publication.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentLink {
    /// Its address on the portal.
    pub url: String,
    /// Its file name.
    pub name: String,
    /// Bytes.
    pub size: i64,
}

/// The best-bets page ("Đề xuất kết quả"): what is pinned to which query. Kept by the
/// administrators of a top-level agency, since a pin changes every citizen's results.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BestBetsPage {
    /// One entry per query, by its folded key.
    pub queries: Vec<PinnedQuery>,
    /// The form token of this session (CSRF).
    pub csrf: String,
}

/// A query and what is pinned to it, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedQuery {
    /// The query as the administrator typed it.
    pub query: String,
    /// The pinned documents, first shown first.
    pub pinned: Vec<PinnedDocument>,
    /// When it was last set.
    pub set_at: DateTime<Utc>,
}

/// One pinned document.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinnedDocument {
    /// How the form names it: a procedure code or a portal path.
    pub target: String,
    /// Its title.
    pub title: String,
    /// Its portal path.
    pub path: String,
    /// Whether citizens see it: a withdrawn or deleted document stays pinned but is not shown.
    pub published: bool,
}

/// The search-keywords page ("Từ khoá tìm kiếm"): words citizens use for a procedure that
/// its name does not hold, added by the administrators of a top-level agency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeywordsPage {
    /// Procedures with added keywords, last changed first.
    pub procedures: Vec<ProcedureKeywords>,
    /// The procedure the form is open on (`?ma=`), when it exists.
    pub editing: Option<ProcedureKeywords>,
    /// Its keywords shipped with the portal in the curated list, changed by review: shown
    /// for reference beside the form.
    pub curated: Vec<String>,
    /// The form token of this session (CSRF).
    pub csrf: String,
}

/// One procedure's search keywords.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureKeywords {
    /// Its national code.
    pub code: String,
    /// Its name.
    pub title: String,
    /// Its portal path.
    pub path: String,
    /// Added by administrators, editable here.
    pub added: Vec<String>,
    /// When and by whom the added ones were last set.
    pub updated: Option<(DateTime<Utc>, String)>,
}

/// The companions page ("Thủ tục thường đi kèm"): for a procedure, the others a citizen
/// doing it commonly also needs, as the administrators of a top-level agency set them in
/// place of the list shipped with the portal. The procedure page lists them, and search
/// finds them with the procedure they go with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanionsPage {
    /// Procedures with a list set in the portal, last changed first.
    pub procedures: Vec<ProcedureCompanions>,
    /// The procedure the form is open on (`?ma=`), when it exists.
    pub editing: Option<ProcedureCompanions>,
    /// The form token of this session (CSRF).
    pub csrf: String,
}

/// One procedure's companions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureCompanions {
    /// Its national code.
    pub code: String,
    /// Its name.
    pub title: String,
    /// Its portal path.
    pub path: String,
    /// Its companions now, most useful first: the list set in the portal, or else the one
    /// shipped with it.
    pub companions: Vec<ListedCompanion>,
    /// When and by whom the list was set in the portal; `None`: the shipped one is used.
    pub updated: Option<(DateTime<Utc>, String)>,
}

/// A companion as its list names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedCompanion {
    /// Its national code.
    pub code: String,
    /// Its name; `None` when no published procedure has the code, so citizens do not see it.
    pub title: Option<String>,
    /// How it stands to the procedure.
    pub relation: ProcedureRelation,
}

/// The roles page of an administrator ("Phân quyền"): the grants of the agencies they
/// administer, and what they may grant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RolesPage {
    /// Agencies they administer, with sub-agencies: (slug, name).
    pub agencies: Vec<(String, String)>,
    /// The grants for those agencies.
    pub grants: Vec<GrantRow>,
    /// The form token of this session (CSRF).
    pub csrf: String,
}

/// One role grant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantRow {
    /// Its id (the revoke form names it).
    pub id: i32,
    /// `PROVIDER:SUBJECT`.
    pub account: String,
    /// The person's name, if known.
    pub name: Option<String>,
    /// `administrator`, `publisher`, `editor`.
    pub role: String,
    /// The agency's name.
    pub agency: String,
    /// Who granted it.
    pub granted_by: String,
    /// When.
    pub granted_at: DateTime<Utc>,
}

/// The audit log as a provincial administrator reads it ("Nhật ký").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    /// Newest first.
    pub entries: Vec<AuditRow>,
}

/// One audit event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRow {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// On what.
    pub target: Option<String>,
    /// From where.
    pub source_ip: Option<String>,
    /// The particulars, JSON.
    pub detail: String,
}
