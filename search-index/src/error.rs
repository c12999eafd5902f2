//! The one error type of this crate.

/// Everything that can go wrong inside the search index.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Tantivy failed: a corrupt or unreadable index, a full disk, a poisoned writer.
    #[error("search index error: {0}")]
    Tantivy(#[from] tantivy::TantivyError),
    /// The index directory could not be opened or created.
    #[error("cannot open index directory: {0}")]
    Directory(#[from] tantivy::directory::error::OpenDirectoryError),
    /// The index writer lock was poisoned by a panic in another thread.
    #[error("index writer lock poisoned")]
    Poisoned,
    /// The commit payload that records the last applied change is not a number.
    #[error("index commit payload {0:?} is not a change sequence")]
    BadPayload(String),
    /// Facet aggregation results had an unexpected shape.
    #[error("facet aggregation failed: {0}")]
    Facets(String),
    /// An I/O error around the index directory.
    #[error("index I/O error: {0}")]
    Io(#[from] std::io::Error),
}
