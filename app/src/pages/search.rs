//! The results page: hits with highlighted snippets, counts by kind and agency, paging.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::awaited;
use crate::components::{Pagination, SearchBox, set_status};
use crate::domain::{DocumentKind, FacetValue, SearchPage, SearchParams};
use crate::params::{ParamError, UnknownParams, parse_search_params, search_query_string};

/// `/tim-kiem?q=…&kind=…&agency=…&page=…`
#[component]
pub fn SearchResultsPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let pairs: Vec<(String, String)> = query.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
    match parse_search_params(&pairs, UnknownParams::Ignore) {
        Ok(params) => view! { <Results params/> }.into_any(),
        Err(error) => view! { <InvalidSearch error/> }.into_any(),
    }
}

#[component]
fn InvalidSearch(error: ParamError) -> impl IntoView {
    set_status(400);
    view! {
        <Title text="Lỗi: tìm kiếm không hợp lệ"/>
        <div class="mc-notification-banner" role="alert">
            <h2 class="mc-notification-banner__title">"Có lỗi trong yêu cầu tìm kiếm"</h2>
            <div class="mc-notification-banner__content">
                <p class="mc-body">{format!("Tham số “{}” {}.", error.parameter, error.message)}</p>
            </div>
        </div>
        <SearchBox/>
    }
}

#[component]
fn Results(params: SearchParams) -> impl IntoView {
    let portal = super::portal();
    let heading = match (params.q.is_empty(), params.kind) {
        (true, Some(kind)) => kind.label(),
        _ => "Tìm kiếm",
    };
    let title = if params.q.is_empty() { heading.to_string() } else { format!("Kết quả cho “{}”", params.q) };
    let q = params.q.clone();
    let kind = params.kind.map(|k| k.as_str().to_string());
    view! {
        <Title text=title/>
        <h1 class="mc-heading-l">{heading}</h1>
        <SearchBox value=q kind/>
        {awaited(async move { portal.search(&params).await }, |page| view! { <ResultsBody page/> })}
    }
}

#[component]
fn ResultsBody(page: SearchPage) -> impl IntoView {
    let SearchPage { params, total, hits, kind_facets, agency_facets, relaxed } = page;
    let summary = if params.q.is_empty() {
        format!("{total} kết quả")
    } else {
        format!("{total} kết quả cho “{}”", params.q)
    };
    let kind_links = facet_links(&params, kind_facets, |p, v| p.kind = v.and_then(DocumentKind::parse), params.kind.map(|k| k.as_str().to_string()));
    let agency_links = facet_links(&params, agency_facets, |p, v| p.agency = v.map(str::to_string), params.agency.clone());
    let paging = params.clone();
    view! {
        <div class="mc-grid-row">
            <div class="mc-grid-column-two-thirds">
                <p class="mc-results-summary" role="status">{summary}</p>
                {relaxed.then(|| view! {
                    <p class="mc-inset-text">"Không có kết quả chứa đủ mọi từ bạn gõ; dưới đây là các kết quả gần nhất."</p>
                })}
                {(total == 0).then(|| view! {
                    <div class="mc-inset-text">
                        <p class="mc-body">"Không tìm thấy kết quả. Hãy thử:"</p>
                        <ul class="mc-list mc-list--bullet">
                            <li>"dùng ít từ hơn, ví dụ “khai sinh”"</li>
                            <li>"bỏ bớt bộ lọc loại hoặc cơ quan"</li>
                            <li>"gõ mã thủ tục, ví dụ 1.001193"</li>
                        </ul>
                    </div>
                })}
                <ul class="mc-document-list">
                    {hits
                        .into_iter()
                        .map(|h| {
                            let tag = h.kind.tag_class();
                            view! {
                                <li class="mc-document-list__item">
                                    <a class="mc-document-list__title" href=h.url.clone()>{h.title.clone()}</a>
                                    <p class="mc-document-list__meta">
                                        <span class=tag>{h.kind.label()}</span>
                                        {h.code.clone().map(|c| view! { <span>"Mã " {c}</span> })}
                                        <span>{h.agency_name.clone()}</span>
                                    </p>
                                    <p class="mc-snippet" inner_html=h.snippet_html.clone()></p>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <Pagination params=paging total/>
            </div>
            <div class="mc-grid-column-one-third mc-grid-column-one-third--secondary-on-mobile">
                <aside class="mc-facets" aria-label="Lọc kết quả">
                    <h2 class="mc-facets__heading">"Loại"</h2>
                    <ul class="mc-facets__list">{kind_links}</ul>
                    <h2 class="mc-facets__heading">"Cơ quan"</h2>
                    <ul class="mc-facets__list">{agency_links}</ul>
                </aside>
            </div>
        </div>
    }
}

/// Links that set (or clear) one facet while keeping the rest of the search.
fn facet_links(
    params: &SearchParams,
    values: Vec<FacetValue>,
    set: impl Fn(&mut SearchParams, Option<&str>),
    selected: Option<String>,
) -> Vec<AnyView> {
    let mut items = Vec::new();
    if selected.is_some() {
        let mut p = SearchParams { page: 1, ..params.clone() };
        set(&mut p, None);
        items.push(view! {
            <li class="mc-facets__item"><a class="mc-facets__link" href=format!("/tim-kiem?{}", search_query_string(&p))>"Tất cả"</a></li>
        }.into_any());
    }
    for v in values {
        let is_selected = selected.as_deref() == Some(v.value.as_str());
        let mut p = SearchParams { page: 1, ..params.clone() };
        set(&mut p, Some(&v.value));
        let class = if is_selected { "mc-facets__item mc-facets__item--selected" } else { "mc-facets__item" };
        items.push(view! {
            <li class=class>
                <a class="mc-facets__link" href=format!("/tim-kiem?{}", search_query_string(&p)) aria-current=is_selected.then_some("true")>{v.label}</a>
                " "<span class="mc-facets__count">"(" {v.count} ")"</span>
            </li>
        }.into_any());
    }
    items
}
