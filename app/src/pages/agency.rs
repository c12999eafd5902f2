//! Agency pages: the list of agencies by level, and one agency with what it publishes.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use crate::components::{Breadcrumbs, DocumentList, ServiceProblem};
use crate::domain::{AgencyLevel, AgencyListing, AgencyPage};
use crate::pages::NotFoundPage;

/// `/co-quan`
#[component]
pub fn AgencyIndexPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let portal = super::portal();
    view! {
        <Title text="Cơ quan"/>
        <h1 class="mc-heading-l">"Cơ quan"</h1>
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                #[cfg(feature = "ssr")]
                let found = portal.agencies().await;
                #[cfg(not(feature = "ssr"))]
                let found: Result<Vec<AgencyListing>, ()> = Err(());
                match found {
                    Ok(list) => view! { <AgencyGroups list/> }.into_any(),
                    Err(_) => view! { <ServiceProblem/> }.into_any(),
                }
            })}
        </Suspense>
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
    #[cfg(feature = "ssr")]
    let portal = super::portal();
    let slug = use_params_map().get_untracked().get("slug").unwrap_or_default();
    view! {
        <Suspense fallback=|| ()>
            {Suspend::new(async move {
                #[cfg(feature = "ssr")]
                let found = portal.agency(&slug).await;
                #[cfg(not(feature = "ssr"))]
                let found: Result<Option<AgencyPage>, ()> = { let _ = &slug; Err(()) };
                match found {
                    Ok(Some(page)) => view! { <AgencyView page/> }.into_any(),
                    Ok(None) => view! { <NotFoundPage/> }.into_any(),
                    Err(_) => view! { <ServiceProblem/> }.into_any(),
                }
            })}
        </Suspense>
    }
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
