//! Một Cửa's user interface: Leptos components rendered on the server, the domain types they
//! show, and the backend ports they call.
//!
//! Every page is server-rendered and works with JavaScript off (no wasm32 target exists on
//! our machines, and a public portal must work on old phones anyway). Routes use
//! [`SsrMode::Async`] so that a page is sent once its data is ready, never with a
//! "loading" placeholder.

pub mod components;
pub mod domain;
pub mod pages;
pub mod params;
pub mod ports;

use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{SsrMode, path};

use crate::components::{Footer, Header};
use crate::pages::{
    AccountPage, AgencyDetailPage, AgencyIndexPage, AnnouncementPage, AuditLogPage, BestBetsAdminPage,
    CompanionsAdminPage, ConsentPage, HandOffPage, HomePage, KeywordsAdminPage, NotFoundPage, ProcedurePage, RolesAdminPage, SearchResultsPage, SignInPage,
    SignOutPage, StaffEditorPage, StaffHomePage,
};

/// Path of the one stylesheet, served from `style/`.
pub const STYLESHEET_PATH: &str = "/style/motcua.css";
/// Where the few lines of search-box completion are served; pages work without them.
pub const AUTOCOMPLETE_SCRIPT_PATH: &str = "/style/autocomplete.js";

/// The HTML document around the app: no hydration scripts, since nothing hydrates.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let _ = options;
    view! {
        <!DOCTYPE html>
        <html lang="vi">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="theme-color" content="#1d3f72"/>
                <link rel="stylesheet" href=STYLESHEET_PATH/>
                <MetaTags/>
            </head>
            <body class="mc-template">
                <App/>
                <script src=AUTOCOMPLETE_SCRIPT_PATH defer></script>
            </body>
        </html>
    }
}

/// The route table: one line a page, each page in its own file under [`pages`].
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        // leptos_meta writes the title into <head> as it is: escape it here, since titles come
        // from crawled sites and editors.
        <Title formatter=|text: String| {
            if text.is_empty() {
                "Một Cửa".to_string()
            } else {
                format!("{} – Một Cửa", html_escape::encode_text(&text))
            }
        }/>
        <a href="#noi-dung" class="mc-skip-link">"Chuyển đến nội dung chính"</a>
        <Header/>
        <div class="mc-width-container">
            <main class="mc-main-wrapper" id="noi-dung" role="main">
                <Router>
                    <Routes fallback=|| view! { <NotFoundPage/> }>
                        <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                        <Route path=path!("/tim-kiem") view=SearchResultsPage ssr=SsrMode::Async/>
                        <Route path=path!("/thu-tuc/:code") view=ProcedurePage ssr=SsrMode::Async/>
                        <Route path=path!("/nop-truc-tuyen/:code") view=HandOffPage ssr=SsrMode::Async/>
                        <Route path=path!("/tin-tuc/:slug") view=AnnouncementPage ssr=SsrMode::Async/>
                        <Route path=path!("/co-quan") view=AgencyIndexPage ssr=SsrMode::Async/>
                        <Route path=path!("/co-quan/:slug") view=AgencyDetailPage ssr=SsrMode::Async/>
                        <Route path=path!("/dang-nhap") view=SignInPage/>
                        <Route path=path!("/tai-khoan") view=AccountPage ssr=SsrMode::Async/>
                        <Route path=path!("/dong-y") view=ConsentPage ssr=SsrMode::Async/>
                        <Route path=path!("/dang-xuat") view=SignOutPage ssr=SsrMode::Async/>
                        <Route path=path!("/quan-tri") view=StaffHomePage ssr=SsrMode::Async/>
                        <Route path=path!("/quan-tri/tin/:id") view=StaffEditorPage ssr=SsrMode::Async/>
                        <Route path=path!("/quan-tri/phan-quyen") view=RolesAdminPage ssr=SsrMode::Async/>
                        <Route path=path!("/quan-tri/nhat-ky") view=AuditLogPage ssr=SsrMode::Async/>
                        <Route path=path!("/quan-tri/de-xuat") view=BestBetsAdminPage ssr=SsrMode::Async/>
                        <Route path=path!("/quan-tri/tu-khoa") view=KeywordsAdminPage ssr=SsrMode::Async/>
                        <Route path=path!("/quan-tri/thu-tuc-di-kem") view=CompanionsAdminPage ssr=SsrMode::Async/>
                        <Route path=path!("/*any") view=NotFoundPage/>
                    </Routes>
                </Router>
            </main>
        </div>
        <Footer/>
    }
}
