//! A list of documents with their kind, agency and date.

use leptos::prelude::*;

use crate::components::format_date;
use crate::domain::DocumentSummary;

/// Documents as a list of titled links with meta lines.
#[component]
pub fn DocumentList(
    /// The documents.
    items: Vec<DocumentSummary>,
    /// Whether to show each document's agency.
    #[prop(optional)]
    show_agency: bool,
) -> impl IntoView {
    view! {
        <ul class="mc-document-list">
            {items
                .into_iter()
                .map(|d| {
                    let tag = d.kind.tag_class();
                    let agency = show_agency.then(|| {
                        let href = d.agency.url();
                        view! { <span><a class="mc-link" href=href>{d.agency.name.clone()}</a></span> }
                    });
                    view! {
                        <li class="mc-document-list__item">
                            <a class="mc-document-list__title" href=d.url.clone()>{d.title.clone()}</a>
                            <p class="mc-document-list__meta">
                                <span class=tag>{d.kind.label()}</span>
                                {d.code.clone().map(|c| view! { <span>"Mã " {c}</span> })}
                                {agency}
                                {d.published_at.map(|t| view! { <span>{format_date(&t)}</span> })}
                            </p>
                            {(!d.summary.is_empty()).then(|| view! { <p class="mc-document-list__summary">{d.summary.clone()}</p> })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
