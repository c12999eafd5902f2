//! What the index is told about a document.

/// A document as the index sees it: plain text, no HTML, already in canonical form.
///
/// The caller (the server's index sync) builds it from the database, the only source of truth.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct IndexDocument {
    /// Database id; the key for updates and deletes.
    pub id: i64,
    /// "procedure", "announcement" or "page".
    pub kind: String,
    /// Agency slug.
    pub agency: String,
    /// Agency display name.
    pub agency_name: String,
    /// Title.
    pub title: String,
    /// Summary and body as plain text.
    pub content: String,
    /// Procedure code, if any.
    pub code: Option<String>,
    /// Path on the portal.
    pub url: String,
    /// Year of publication, if known.
    pub year: Option<i32>,
    /// Publication time in Unix seconds, if known.
    pub published: Option<i64>,
    /// Ranking labels: "citizen", "local", "common" (commonly needed).
    pub tags: Vec<String>,
    /// Levels that carry it out (a procedure) or published it ("commune", "province",
    /// "ministry", "other").
    pub levels: Vec<String>,
    /// Field of administration (lĩnh vực), if any.
    pub topic: Option<String>,
    /// Words citizens use for it that its title does not hold ("giấy độc thân", "bố mất"),
    /// curated per document as GOV.UK's search keywords are: searched, never shown.
    pub keywords: Vec<String>,
    /// The procedures this one is commonly needed with (it is a paper needed first for
    /// them, their next step, a tax filed alongside): a search that finds one of them also
    /// finds this one, just below. Searched, never shown.
    pub companion_of: Vec<Companion>,
}

/// A procedure that a document is commonly needed with, as the server's curated list
/// names it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Companion {
    /// Its procedure code: which hit raises the document.
    pub code: String,
    /// Its title: which words find the document.
    pub title: String,
    /// Where the list of that procedure's companions puts this document, 0 first: curators
    /// list the most useful first, and a page keeps that order among raised companions.
    pub place: u32,
}
