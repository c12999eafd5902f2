//! Agency pages: the list of agencies by level, and one agency with what it publishes.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{awaited, awaited_lookup};
use crate::components::{Breadcrumbs, DocumentList};
use crate::domain::{AgencyLevel, AgencyListing, AgencyPage};

/// `/co-quan`
#[component]
pub fn AgencyIndexPage() -> impl IntoView {
    let portal = super::portal();
    view! {
        <Title text="Cơ quan"/>
        <h1 class="mc-heading-l">"Cơ quan"</h1>
        {awaited(async move { portal.agencies().await }, |list| view! { <AgencyGroups list/> })}
    }
}

#[component]
fn AgencyGroups(list: Vec<AgencyListing>) -> impl IntoView {
    AgencyLevel::ALL
        .into_iter()
        .filter_map(|level| {
            let items: Vec<_> = list.iter().filter(|a| a.agency.level == level).cloned().collect();
            (!items.is_empty()).then(|| {
                view! {
                    <h2 class="mc-heading-m">{level.label()}</h2>
                    <ul class="mc-list">
                        {items.into_iter().map(|a| {
                            let href = a.agency.url();
                            view! { <li><a class="mc-link" href=href>{a.agency.name}</a>" "<span class="mc-hint">"(" {a.documents} ")"</span></li> }
                        }).collect_view()}
                    </ul>
                }
            })
        })
        .collect_view()
}

/// `/co-quan/{slug}`
#[component]
pub fn AgencyDetailPage() -> impl IntoView {
    let portal = super::portal();
    let slug = use_params_map().get_untracked().get("slug").unwrap_or_default();
    awaited_lookup(async move { portal.agency(&slug).await }, |page| view! { <AgencyView page/> })
}

#[component]
fn AgencyView(page: AgencyPage) -> impl IntoView {
    let AgencyPage { agency, procedures, procedure_count, announcements, children } = page;
    let name = agency.reference.name.clone();
    let mut trail = vec![("Cơ quan".to_string(), "/co-quan".to_string())];
    if let Some(parent) = &agency.parent {
        trail.push((parent.name.clone(), parent.url()));
    }
    let all_procedures = format!("/tim-kiem?kind=procedure&agency={}", agency.reference.slug);
    let has_procedures = !procedures.is_empty();
    let has_announcements = !announcements.is_empty();
    let has_children = !children.is_empty();
    view! {
        <Title text=name.clone()/>
        <Breadcrumbs trail/>
        <span class="mc-caption-m">{agency.reference.level.label()}</span>
        <h1 class="mc-heading-l">{name}</h1>
        <dl class="mc-summary-list">
            {agency.admin_code.clone().map(|c| view! {
                <div class="mc-summary-list__row"><dt class="mc-summary-list__key">"Mã đơn vị hành chính"</dt><dd class="mc-summary-list__value">{c}</dd></div>
            })}
            {(!agency.former_names.is_empty()).then(|| view! {
                <div class="mc-summary-list__row"><dt class="mc-summary-list__key">"Tên trước đây"</dt><dd class="mc-summary-list__value">{agency.former_names.join("; ")}</dd></div>
            })}
            {agency.website.clone().map(|w| view! {
                <div class="mc-summary-list__row"><dt class="mc-summary-list__key">"Trang web"</dt><dd class="mc-summary-list__value"><a class="mc-link" href=w.clone() rel="noopener">{w.clone()}</a></dd></div>
            })}
        </dl>
        {(!has_procedures && !has_announcements).then(|| view! {
            <div class="mc-inset-text">
                <p class="mc-body">"Cơ quan này chưa đăng thủ tục hoặc tin tức riêng trên cổng."</p>
                <p class="mc-body">
                    "Các thủ tục cấp xã, cấp tỉnh áp dụng chung trên cả nước: "
                    <a class="mc-link" href="/tim-kiem?kind=procedure">"xem danh sách thủ tục"</a>"."
                </p>
            </div>
        })}
        {has_procedures.then(|| view! {
            <h2 class="mc-heading-m">{format!("Thủ tục hành chính ({procedure_count})")}</h2>
            <DocumentList items=procedures/>
            <p class="mc-body"><a class="mc-link" href=all_procedures>"Tìm trong tất cả thủ tục của cơ quan"</a></p>
        })}
        {has_announcements.then(|| view! {
            <h2 class="mc-heading-m">"Tin tức, thông báo"</h2>
            <DocumentList items=announcements/>
        })}
        {has_children.then(|| view! {
            <h2 class="mc-heading-m">"Đơn vị trực thuộc"</h2>
            <ul class="mc-list mc-list--bullet">
                {children.into_iter().map(|c| { let href = c.url(); view! { <li><a class="mc-link" href=href>{c.name}</a></li> } }).collect_view()}
            </ul>
        })}
    }
}
