//! One file a page. Each page takes the backend port from the context, awaits its data
//! inside `<Suspense>` (the route is `SsrMode::Async`, so the HTML is sent complete) and sets
//! the HTTP status to what the reader sees.

mod agency;
mod announcement;
mod home;
mod not_found;
mod procedure;
mod search;

pub use agency::{AgencyDetailPage, AgencyIndexPage};
pub use announcement::AnnouncementPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use procedure::ProcedurePage;
pub use search::SearchResultsPage;

#[cfg(feature = "ssr")]
pub(crate) fn portal() -> crate::ports::Portal {
    leptos::prelude::expect_context::<crate::ports::Portal>()
}
