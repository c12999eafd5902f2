//! Reusable pieces of the page, each matching a block class of `style/motcua.css`
//! (`SearchBox` ↔ `.mc-search-box`).

mod document_list;
mod layout;
mod pagination;
mod search_box;
mod text;

pub use document_list::DocumentList;
pub use layout::{Breadcrumbs, Footer, Header, ServiceProblem};
pub use pagination::Pagination;
pub use search_box::SearchBox;
pub use text::{Paragraphs, format_date};

/// Answers the page being rendered with a 301 to `to` (content its agency moved), so
/// browsers, bookmarks and search engines follow it.
pub fn redirect_permanently(to: &str) {
    if let (Some(response), Ok(location)) =
        (leptos::prelude::use_context::<leptos_axum::ResponseOptions>(), http::HeaderValue::from_str(to))
    {
        response.set_status(http::StatusCode::MOVED_PERMANENTLY);
        response.insert_header(http::header::LOCATION, location);
    }
}

/// Sets the HTTP status of the page being rendered (404 for a missing procedure, 503 when
/// the backend fails), so crawlers and monitors see what a reader sees.
pub fn set_status(code: u16) {
    if let (Some(response), Ok(status)) =
        (leptos::prelude::use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(code))
    {
        response.set_status(status);
    }
}
