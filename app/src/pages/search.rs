//! The results page: hits with highlighted snippets, best bets first, "did you mean", counts
//! by kind, level, field, agency and year as filter links, paging.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::awaited;
use crate::components::{Pagination, SearchBox, set_status};
use crate::domain::{AgencyLevel, DocumentKind, FacetValue, SearchPage, SearchParams};
use crate::params::{ParamError, UnknownParams, parse_search_params, search_query_string};

/// `/tim-kiem?q=…&kind=…&agency=…&level=…&topic=…&year=…&page=…`
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
    let SearchPage {
        params,
        total,
        estimated,
        hits,
        kind_facets,
        agency_facets,
        level_facets,
        topic_facets,
        year_facets,
        relaxed,
        suggestion,
    } = page;
    let about = if estimated { "Khoảng " } else { "" };
    let summary = if params.q.is_empty() {
        format!("{about}{total} kết quả")
    } else {
        format!("{about}{total} kết quả cho “{}”", params.q)
    };
    let suggestion = suggestion.map(|text| {
        let href =
            format!("/tim-kiem?{}", search_query_string(&SearchParams { q: text.clone(), page: 1, ..params.clone() }));
        view! {
            <p class="mc-did-you-mean">"Có phải bạn muốn tìm: " <a class="mc-link" href=href>{text}</a> "?"</p>
        }
    });
    let groups: [FilterGroup; 5] = [
        ("kind", "Loại", kind_facets, params.kind.map(|k| k.as_str().to_string()), |p, v| {
            p.kind = v.and_then(DocumentKind::parse)
        }),
        ("level", "Cấp thực hiện", level_facets, params.level.map(|l| l.as_str().to_string()), |p, v| {
            p.level = v.and_then(AgencyLevel::parse)
        }),
        ("topic", "Lĩnh vực", topic_facets, params.topic.clone(), |p, v| p.topic = v.map(str::to_string)),
        ("agency", "Cơ quan", agency_facets, params.agency.clone(), |p, v| p.agency = v.map(str::to_string)),
        ("year", "Năm", year_facets, params.year.map(|y| y.to_string()), |p, v| {
            p.year = v.and_then(|y| y.parse().ok())
        }),
    ];
    let mut selects = Vec::new();
    let mut facets = Vec::new();
    for (name, heading, values, chosen, set) in groups {
        let links = facet_links(&params, values.clone(), set, chosen.clone());
        if links.is_empty() {
            continue;
        }
        facets.push(view! {
            <h2 class="mc-facets__heading">{heading}</h2>
            <ul class="mc-facets__list">{links}</ul>
        });
        selects.push(view! { <FilterSelect name heading values chosen/> });
    }
    let q = params.q.clone();
    let filter_form = (!selects.is_empty()).then(|| {
        view! {
            // The same filters as a form, to combine several at once (works without JavaScript).
            <details class="mc-details">
                <summary class="mc-details__summary">"Lọc nhiều tiêu chí"</summary>
                <form class="mc-details__text mc-filter-form" action="/tim-kiem" method="get">
                    <input type="hidden" name="q" value=q/>
                    {selects}
                    <button class="mc-button mc-button--secondary" type="submit">"Lọc kết quả"</button>
                </form>
            </details>
        }
    });
    let paging = params.clone();
    view! {
        <div class="mc-grid-row">
            <div class="mc-grid-column-two-thirds">
                <p class="mc-results-summary" role="status">{summary}</p>
                {suggestion}
                {relaxed.then(|| view! {
                    <p class="mc-inset-text">"Không có kết quả chứa đủ mọi từ bạn gõ; dưới đây là các kết quả gần nhất."</p>
                })}
                {(total == 0).then(|| view! {
                    <div class="mc-inset-text">
                        <p class="mc-body">"Không tìm thấy kết quả. Hãy thử:"</p>
                        <ul class="mc-list mc-list--bullet">
                            <li>"dùng ít từ hơn, ví dụ “khai sinh”"</li>
                            <li>"bỏ bớt bộ lọc loại, cấp, lĩnh vực, cơ quan hoặc năm"</li>
                            <li>"gõ mã thủ tục, ví dụ 1.001193"</li>
                        </ul>
                    </div>
                })}
                <ul class="mc-document-list">
                    {hits
                        .into_iter()
                        .map(|h| {
                            let tag = h.kind.tag_class();
                            let class = if h.pinned { "mc-document-list__item mc-document-list__item--pinned" } else { "mc-document-list__item" };
                            view! {
                                <li class=class>
                                    {h.pinned.then(|| view! { <p class="mc-document-list__pinned">"Đề xuất"</p> })}
                                    <a class="mc-document-list__title" href=h.url.clone() inner_html=h.title_html.clone()></a>
                                    <p class="mc-document-list__meta">
                                        <span class=tag>{h.kind.label()}</span>
                                        {h.code.clone().map(|c| view! { <span>"Mã " {c}</span> })}
                                        {h.topic.clone().map(|t| view! { <span>{t}</span> })}
                                        <span>{h.agency_name.clone()}</span>
                                    </p>
                                    {h.goes_with.clone().map(|t| view! {
                                        <p class="mc-document-list__goes-with">"Thường cần khi làm thủ tục “" {t} "”"</p>
                                    })}
                                    <p class="mc-snippet" inner_html=h.snippet_html.clone()></p>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
                <Pagination params=paging total/>
            </div>
            <div class="mc-grid-column-one-third mc-grid-column-one-third--secondary-on-mobile">
                <aside class="mc-facets" aria-label="Lọc kết quả">{facets}{filter_form}</aside>
            </div>
        </div>
    }
}

/// One filter of the filter form: "all", then each value with its count; the chosen value
/// stays selected even when no result has it.
#[component]
fn FilterSelect(
    name: &'static str,
    heading: &'static str,
    values: Vec<FacetValue>,
    chosen: Option<String>,
) -> impl IntoView {
    let id = format!("loc-{name}");
    let mut options = vec![view! { <option value="">"Tất cả"</option> }.into_any()];
    if let Some(c) = chosen.as_ref().filter(|c| !values.iter().any(|v| &v.value == *c)) {
        options.push(view! { <option value=c.clone() selected=true>{c.clone()}</option> }.into_any());
    }
    for v in values {
        let is_chosen = chosen.as_deref() == Some(v.value.as_str());
        options.push(
            view! { <option value=v.value selected=is_chosen>{format!("{} ({})", v.label, v.count)}</option> }
                .into_any(),
        );
    }
    view! {
        <div class="mc-form-group">
            <label class="mc-label" for=id.clone()>{heading}</label>
            <select class="mc-select" id=id name=name>{options}</select>
        </div>
    }
}

/// Sets (or, with `None`, clears) one filter of a search.
type FacetSetter = fn(&mut SearchParams, Option<&str>);

/// One filter of the results page: its parameter, heading, counts, chosen value, and how to
/// set it.
type FilterGroup = (&'static str, &'static str, Vec<FacetValue>, Option<String>, FacetSetter);

/// Links that set (or clear) one facet while keeping the rest of the search.
fn facet_links(
    params: &SearchParams,
    values: Vec<FacetValue>,
    set: FacetSetter,
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
