//! Previous / next and page numbers for search results.

use leptos::prelude::*;

use crate::domain::SearchParams;
use crate::params::search_query_string;

/// Page links around the current page; plain links, so they work without JavaScript.
#[component]
pub fn Pagination(
    /// The current search.
    params: SearchParams,
    /// Total hits.
    total: u64,
) -> impl IntoView {
    let per_page = u64::from(params.per_page.max(1));
    let last = total.div_ceil(per_page).clamp(1, u64::from(SearchParams::MAX_PAGE)) as u32;
    let current = params.page;
    let link = move |page: u32| {
        let p = SearchParams { page, ..params.clone() };
        format!("/tim-kiem?{}", search_query_string(&p))
    };
    if last <= 1 {
        return ().into_any();
    }
    let first_shown = current.saturating_sub(2).max(1);
    let last_shown = (current + 2).min(last);
    view! {
        <nav class="mc-pagination" aria-label="Phân trang">
            {(current > 1).then(|| view! {
                <div class="mc-pagination__prev"><a class="mc-pagination__link" href=link(current - 1) rel="prev">"‹ Trang trước"</a></div>
            })}
            <ul class="mc-pagination__list">
                {(first_shown..=last_shown)
                    .map(|page| {
                        if page == current {
                            view! {
                                <li class="mc-pagination__item mc-pagination__item--current">
                                    <span aria-current="page">{page}</span>
                                </li>
                            }.into_any()
                        } else {
                            view! {
                                <li class="mc-pagination__item">
                                    <a class="mc-pagination__link" href=link(page) aria-label=format!("Trang {page}")>{page}</a>
                                </li>
                            }.into_any()
                        }
                    })
                    .collect_view()}
            </ul>
            {(current < last).then(|| view! {
                <div class="mc-pagination__next"><a class="mc-pagination__link" href=link(current + 1) rel="next">"Trang sau ›"</a></div>
            })}
        </nav>
    }
    .into_any()
}
