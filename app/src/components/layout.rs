//! The frame of every page: header, footer, breadcrumbs, and the message shown when the
//! backend is down.

use leptos::prelude::*;

/// Site header with the portal's name and main navigation.
#[component]
pub fn Header() -> impl IntoView {
    view! {
        <header class="mc-header" role="banner">
            <div class="mc-header__container mc-width-container">
                <a href="/" class="mc-header__logo">"Một Cửa"</a>
                <span class="mc-header__service-name">"Cổng thông tin và thủ tục hành chính"</span>
                <nav class="mc-header__nav" aria-label="Điều hướng chính">
                    <ul class="mc-header__nav-list">
                        <li class="mc-header__nav-item"><a class="mc-header__nav-link" href="/tim-kiem?kind=procedure">"Thủ tục"</a></li>
                        <li class="mc-header__nav-item"><a class="mc-header__nav-link" href="/tim-kiem?kind=announcement">"Tin tức"</a></li>
                        <li class="mc-header__nav-item"><a class="mc-header__nav-link" href="/co-quan">"Cơ quan"</a></li>
                        <li class="mc-header__nav-item"><a class="mc-header__nav-link" href="/tai-khoan">"Tài khoản"</a></li>
                    </ul>
                </nav>
            </div>
        </header>
        // A named region, so that screen-reader users find it among the landmarks.
        <section class="mc-width-container" aria-label="Giai đoạn thử nghiệm">
            <div class="mc-phase-banner">
                <strong class="mc-phase-banner__tag">"Thử nghiệm"</strong>
                <span class="mc-phase-banner__text">"Đây là phiên bản thử nghiệm của cổng Một Cửa."</span>
            </div>
        </section>
    }
}

/// Site footer with the sources of the content.
#[component]
pub fn Footer() -> impl IntoView {
    view! {
        <footer class="mc-footer" role="contentinfo">
            <div class="mc-footer__container mc-width-container">
                <p class="mc-footer__meta mc-body-s">
                    "Dữ liệu thủ tục hành chính: "
                    <a class="mc-footer__link" href="https://dichvucong.gov.vn">"Cổng Dịch vụ công quốc gia"</a>
                    ". Đơn vị hành chính từ 01/07/2025: vietnamadminunits (MIT)."
                </p>
                <p class="mc-footer__meta mc-body-s">"Một Cửa – một nơi cho mọi thủ tục và thông báo."</p>
            </div>
        </footer>
    }
}

/// "Where am I" links above a page's heading.
#[component]
pub fn Breadcrumbs(
    /// Ancestors as (label, path), from the home page down.
    trail: Vec<(String, String)>,
) -> impl IntoView {
    view! {
        <nav class="mc-breadcrumbs" aria-label="Vị trí">
            <ol class="mc-breadcrumbs__list">
                <li class="mc-breadcrumbs__item"><a class="mc-breadcrumbs__link" href="/">"Trang chủ"</a></li>
                {trail
                    .into_iter()
                    .map(|(label, href)| view! {
                        <li class="mc-breadcrumbs__item"><a class="mc-breadcrumbs__link" href=href>{label}</a></li>
                    })
                    .collect_view()}
            </ol>
        </nav>
    }
}

/// What a reader sees when the database or index fails: no detail, a way forward.
#[component]
pub fn ServiceProblem() -> impl IntoView {
    crate::components::set_status(503);
    view! {
        <div class="mc-error-page">
            <h1 class="mc-heading-l">"Xin lỗi, hệ thống đang gặp sự cố"</h1>
            <p class="mc-body">"Vui lòng thử lại sau ít phút. Hồ sơ và dữ liệu của bạn không bị mất."</p>
            <p class="mc-body"><a class="mc-link" href="/">"Về trang chủ"</a></p>
        </div>
    }
}
