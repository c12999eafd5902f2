//! Text as published: line-separated paragraphs and Vietnamese dates.

use chrono::{DateTime, FixedOffset, Utc};
use leptos::prelude::*;

/// Plain text shown as paragraphs, one per non-empty line.
#[component]
pub fn Paragraphs(
    /// The text.
    #[prop(into)]
    text: String,
) -> impl IntoView {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| view! { <p class="mc-body">{l.to_string()}</p> })
        .collect_view()
}

/// A date as Vietnamese readers write it, in Vietnam's time zone: "22/11/2026".
pub fn format_date(t: &DateTime<Utc>) -> String {
    let offset = FixedOffset::east_opt(7 * 3600).unwrap_or_else(|| FixedOffset::east_opt(0).expect("zero offset"));
    t.with_timezone(&offset).format("%d/%m/%Y").to_string()
}
