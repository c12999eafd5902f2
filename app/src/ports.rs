//! The backend contract the pages call; the server implements it. Pages never see SQL or
//! Tantivy, only these methods and the types of [`crate::domain`].

use std::sync::Arc;

use crate::domain::{AgencyListing, AgencyPage, Announcement, HomeData, Procedure, SearchPage, SearchParams};

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
}

/// The handle pages take from the Leptos context.
pub type Portal = Arc<dyn PortalBackend>;
