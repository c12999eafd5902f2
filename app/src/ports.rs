//! The backend contract the pages call; the server implements it. Pages never see SQL or
//! Tantivy, only these methods and the types of [`crate::domain`].

use std::sync::Arc;

use crate::domain::{
    AccountView, AgencyListing, AgencyPage, Announcement, AuditPage, BestBetsPage, CompanionsPage, ConsentRequest,
    HandOff, HomeData, KeywordsPage, Procedure, RolesPage, SearchPage, SearchParams, SignInOption, SignOutView,
    StaffEditor, StaffFilter, StaffHome,
};

/// Why the backend could not answer. Pages show a "try again" message, never the detail.
#[derive(Clone, Debug, thiserror::Error)]
pub enum BackendError {
    /// The database or index failed; the message is for the logs.
    #[error("backend unavailable: {0}")]
    Unavailable(String),
}

/// What the UI needs from the server. `None` means "no such thing" (a 404), not an error.
#[async_trait::async_trait]
pub trait PortalBackend: Send + Sync + 'static {
    /// Data for the home page.
    async fn home(&self) -> Result<HomeData, BackendError>;
    /// A page of search results.
    async fn search(&self, params: &SearchParams) -> Result<SearchPage, BackendError>;
    /// A published procedure by code.
    async fn procedure(&self, code: &str) -> Result<Option<Procedure>, BackendError>;
    /// A published announcement by slug.
    async fn announcement(&self, slug: &str) -> Result<Option<Announcement>, BackendError>;
    /// An agency's page.
    async fn agency(&self, slug: &str) -> Result<Option<AgencyPage>, BackendError>;
    /// Every agency that publishes something, by level.
    async fn agencies(&self) -> Result<Vec<AgencyListing>, BackendError>;
    /// The login providers citizens may choose, in order.
    fn sign_in_options(&self) -> Vec<SignInOption>;
    /// The login providers staff sign in with (a staff-only directory, when one is set up).
    fn staff_sign_in_options(&self) -> Vec<SignInOption>;
    /// The signed-in citizen of a session cookie's value; `None` when it is not a live
    /// session (never signed in, signed out, idle or expired).
    async fn account(&self, session_cookie: &str) -> Result<Option<AccountView>, BackendError>;
    /// The staff start page; `None` when the session is not a live one of staff (no role).
    async fn staff_home(&self, session_cookie: &str, filter: &StaffFilter) -> Result<Option<StaffHome>, BackendError>;
    /// The editor of a publication; `None` when it does not exist or this staff member may
    /// not edit it.
    async fn staff_editor(&self, session_cookie: &str, id: i32) -> Result<Option<StaffEditor>, BackendError>;
    /// The roles page; `None` unless the session is an administrator's.
    async fn roles_page(&self, session_cookie: &str) -> Result<Option<RolesPage>, BackendError>;
    /// The audit log, filtered by action (`role` matches `role.grant`); `None` unless the
    /// session is a provincial administrator's.
    async fn audit_page(&self, session_cookie: &str, action: Option<&str>) -> Result<Option<AuditPage>, BackendError>;
    /// The best bets; `None` unless the session is a top-level administrator's.
    async fn best_bets_page(&self, session_cookie: &str) -> Result<Option<BestBetsPage>, BackendError>;
    /// The search keywords, the form open on the procedure `code` if given; `None` unless
    /// the session is a top-level administrator's.
    async fn keywords_page(
        &self,
        session_cookie: &str,
        code: Option<&str>,
    ) -> Result<Option<KeywordsPage>, BackendError>;
    /// The companion lists, the form open on the procedure `code` if given; `None` unless
    /// the session is a top-level administrator's.
    async fn companions_page(
        &self,
        session_cookie: &str,
        code: Option<&str>,
    ) -> Result<Option<CompanionsPage>, BackendError>;
    /// The hand-off to the online service of a procedure; `None` when it has none.
    async fn hand_off(&self, code: &str, session_cookie: Option<&str>) -> Result<Option<HandOff>, BackendError>;
    /// The services this session signed in to, for the sign-out page; `None` when it is not
    /// a live session.
    async fn sign_out_view(&self, session_cookie: &str) -> Result<Option<SignOutView>, BackendError>;
    /// A service's request waiting for this session's consent; `None` when the token is
    /// unknown, stale, or another session's.
    async fn consent_request(&self, session_cookie: &str, token: &str) -> Result<Option<ConsentRequest>, BackendError>;
}

/// The session cookie's name: with the `__Host-` prefix (Secure, no Domain, path /) when
/// the portal is served over https, plain otherwise (browsers refuse the prefix over http).
pub fn session_cookie_name(https: bool) -> &'static str {
    if https { "__Host-motcua_session" } else { "motcua_session" }
}

/// Where to go after signing in: a path of the portal, never another site (`//host`,
/// `/\\host`, `https://…`), the account page otherwise.
pub fn return_path(asked: Option<&str>) -> String {
    match asked {
        Some(p) if p.starts_with('/') && !p.starts_with("//") && !p.starts_with("/\\") => p.to_string(),
        _ => "/tai-khoan".into(),
    }
}

/// The session cookie's value in a request's headers, under either name.
pub fn session_cookie(headers: &http::HeaderMap) -> Option<String> {
    headers.get_all(http::header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(
        |pair| {
            let (name, value) = pair.trim().split_once('=')?;
            (name == session_cookie_name(true) || name == session_cookie_name(false)).then(|| value.to_string())
        },
    )
}

/// The handle pages take from the Leptos context.
pub type Portal = Arc<dyn PortalBackend>;
