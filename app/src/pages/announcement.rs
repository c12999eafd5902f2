//! An announcement's page, with a link to the original when it was merged from an agency site.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::use_params_map;

use super::awaited_lookup;
use crate::components::{Breadcrumbs, format_date, redirect_permanently, set_status};
use crate::domain::Announcement;

/// `/tin-tuc/{slug}`
#[component]
pub fn AnnouncementPage() -> impl IntoView {
    let portal = super::portal();
    let slug = use_params_map().get_untracked().get("slug").unwrap_or_default();
    awaited_lookup(async move { portal.announcement(&slug).await }, |a| {
        if let Some(to) = &a.moved_to {
            redirect_permanently(to);
            view! {
                <Title text="Đã chuyển"/>
                <h1 class="mc-heading-l">"Nội dung này đã chuyển"</h1>
                <p class="mc-body"><a class="mc-link" href=to.clone()>"Xem ở trang mới"</a></p>
            }
            .into_any()
        } else if a.gone {
            set_status(410);
            view! {
                <Title text="Không còn nội dung"/>
                <h1 class="mc-heading-l">"Nội dung này không còn nữa"</h1>
                <p class="mc-body">"Cơ quan đăng tin đã xoá nội dung này khỏi Cổng."</p>
                <p class="mc-body"><a class="mc-link" href="/tim-kiem?kind=announcement">"Xem các tin khác"</a></p>
            }
            .into_any()
        } else {
            view! { <AnnouncementView a/> }.into_any()
        }
    })
}

#[component]
fn AnnouncementView(a: Announcement) -> impl IntoView {
    let agency_href = a.agency.url();
    let trail = vec![
        ("Tin tức".to_string(), "/tim-kiem?kind=announcement".to_string()),
        (a.agency.name.clone(), agency_href.clone()),
    ];
    view! {
        <Title text=a.title.clone()/>
        <Meta name="description" content=a.summary.clone()/>
        <Breadcrumbs trail/>
        {a.withdrawn.clone().map(|note| view! {
            <div class="mc-notification-banner" role="region" aria-labelledby="withdrawn-title">
                <h2 class="mc-notification-banner__title" id="withdrawn-title">"Đã gỡ bỏ"</h2>
                <div class="mc-notification-banner__content">
                    <p class="mc-body">"Thông tin này không còn hiệu lực. " {note}</p>
                </div>
            </div>
        })}
        <span class="mc-caption-m">"Tin tức, thông báo"</span>
        <h1 class="mc-heading-l">{a.title.clone()}</h1>
        <p class="mc-body-s mc-hint">
            <a class="mc-link" href=agency_href>{a.agency.name.clone()}</a>
            {a.published_at.map(|t| view! { " · " {format_date(&t)} })}
        </p>
        <p class="mc-body"><strong>{a.summary.clone()}</strong></p>
        <div class="mc-prose" inner_html=a.body_html.clone()></div>
        {a.origin_url.clone().map(|u| view! {
            <p class="mc-body-s"><a class="mc-link" href=u rel="noopener">"Xem bản gốc"</a></p>
        })}
    }
}
