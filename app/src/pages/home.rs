//! The home page: one search box, the procedures most asked for, the newest announcements.

use leptos::prelude::*;
use leptos_meta::Title;

use super::awaited;
use crate::components::{DocumentList, SearchBox};
use crate::domain::HomeData;

/// `/`
#[component]
pub fn HomePage() -> impl IntoView {
    let portal = super::portal();
    view! {
        <Title text=""/>
        <div class="mc-hero">
            <h1 class="mc-hero__title">"Mọi thủ tục, mọi thông báo – một nơi"</h1>
            <p class="mc-hero__lead">"Tìm thủ tục hành chính và tin tức của mọi bộ, ngành, tỉnh và xã. Gõ có dấu hay không dấu đều được."</p>
            <SearchBox hero=true/>
        </div>
        {awaited(async move { portal.home().await }, |data| view! { <HomeSections data/> })}
    }
}

#[component]
fn HomeSections(data: HomeData) -> impl IntoView {
    let HomeData { popular, latest, agencies, procedure_count } = data;
    view! {
        <div class="mc-grid-row">
            <div class="mc-grid-column-two-thirds">
                <h2 class="mc-heading-m">"Thủ tục được tìm nhiều"</h2>
                <div class="mc-card-grid">
                    {popular
                        .into_iter()
                        .map(|d| view! {
                            <div class="mc-card">
                                <h3 class="mc-card__title"><a class="mc-card__link" href=d.url.clone()>{d.title.clone()}</a></h3>
                                <p class="mc-card__meta">{d.agency.name.clone()}</p>
                            </div>
                        })
                        .collect_view()}
                </div>
                <p class="mc-body">
                    <a class="mc-link" href="/tim-kiem?kind=procedure">{format!("Xem tất cả {procedure_count} thủ tục")}</a>
                </p>
            </div>
            <div class="mc-grid-column-one-third">
                <h2 class="mc-heading-m">"Cơ quan"</h2>
                <ul class="mc-list">
                    {agencies
                        .into_iter()
                        .map(|a| {
                            let href = a.agency.url();
                            view! { <li><a class="mc-link" href=href>{a.agency.name}</a>" "<span class="mc-hint">"(" {a.documents} ")"</span></li> }
                        })
                        .collect_view()}
                </ul>
                <p class="mc-body-s"><a class="mc-link" href="/co-quan">"Tất cả cơ quan"</a></p>
            </div>
        </div>
        <h2 class="mc-heading-m">"Tin tức, thông báo mới"</h2>
        <DocumentList items=latest show_agency=true/>
        <p class="mc-body"><a class="mc-link" href="/tim-kiem?kind=announcement">"Xem tất cả tin tức, thông báo"</a></p>
    }
}
