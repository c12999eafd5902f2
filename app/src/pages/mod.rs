//! One file a page. Each page takes the backend port from the context, awaits its data
//! inside `<Suspense>` (the route is `SsrMode::Async`, so the HTML is sent complete) and sets
//! the HTTP status to what the reader sees.

mod account;
mod agency;
mod announcement;
mod consent;
mod hand_off;
mod home;
mod not_found;
mod procedure;
mod search;
mod staff;

pub use account::{AccountPage, SignInPage, SignOutPage};
pub use agency::{AgencyDetailPage, AgencyIndexPage};
pub use announcement::AnnouncementPage;
pub use consent::ConsentPage;
pub use hand_off::HandOffPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use procedure::ProcedurePage;
pub use search::SearchResultsPage;
pub use staff::{AuditLogPage, BestBetsAdminPage, CompanionsAdminPage, KeywordsAdminPage, RolesAdminPage, StaffEditorPage, StaffHomePage};

use std::future::Future;

use leptos::prelude::*;

use crate::components::ServiceProblem;
use crate::ports::{BackendError, Portal};

/// The backend, provided by the server for every request.
pub(crate) fn portal() -> Portal {
    expect_context::<Portal>()
}

/// Awaits a backend call inside `<Suspense>` and renders its value, or the "service
/// problem" page (status 503) when the backend fails.
pub(crate) fn awaited<T, V>(
    call: impl Future<Output = Result<T, BackendError>> + Send + 'static,
    render: impl FnOnce(T) -> V + Send + 'static,
) -> impl IntoView
where
    T: Send + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                match call.await {
                    Ok(value) => render(value).into_any(),
                    Err(_) => view! { <ServiceProblem/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// [`awaited`] for a lookup by key: nothing found renders the 404 page.
pub(crate) fn awaited_lookup<T, V>(
    call: impl Future<Output = Result<Option<T>, BackendError>> + Send + 'static,
    render: impl FnOnce(T) -> V + Send + 'static,
) -> impl IntoView
where
    T: Send + 'static,
    V: IntoView + 'static,
{
    awaited(call, move |found| match found {
        Some(value) => render(value).into_any(),
        None => view! { <NotFoundPage/> }.into_any(),
    })
}

/// The session cookie of this request.
pub(crate) fn session_cookie() -> Option<String> {
    crate::ports::session_cookie(&use_context::<http::request::Parts>()?.headers)
}
