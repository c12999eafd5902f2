//! The one search box: a plain GET form, so it works without JavaScript.

use leptos::prelude::*;

/// Search form posting to the results page.
#[component]
pub fn SearchBox(
    /// Text to prefill.
    #[prop(into, optional)]
    value: String,
    /// The large variant of the home page.
    #[prop(optional)]
    hero: bool,
    /// Kind filter to keep when searching again.
    #[prop(optional_no_strip)]
    kind: Option<String>,
) -> impl IntoView {
    let class = if hero { "mc-search-box mc-search-box--hero" } else { "mc-search-box" };
    view! {
        <form class=class action="/tim-kiem" method="get" role="search">
            <label class="mc-search-box__label" for="tim-kiem-q">"Tìm thủ tục, tin tức"</label>
            <div class="mc-search-box__wrapper">
                <input
                    class="mc-search-box__input"
                    id="tim-kiem-q"
                    name="q"
                    type="search"
                    value=value
                    maxlength="200"
                    autocomplete="off"
                    list="tim-kiem-goi-y"
                    placeholder="Ví dụ: đăng ký khai sinh, cấp lại căn cước"
                />
                // Filled by /style/autocomplete.js when JavaScript runs; empty otherwise.
                <datalist id="tim-kiem-goi-y"></datalist>
                {kind.map(|k| view! { <input type="hidden" name="kind" value=k/> })}
                <button class="mc-search-box__button" type="submit">"Tìm kiếm"</button>
            </div>
        </form>
    }
}
