//! `/nop-truc-tuyen/:code`: before the portal sends a citizen on to a department's online
//! service, it says where they are going, exactly what the service will learn, and the
//! assurance level it needs. The button goes through the portal, which hands off with a
//! third-party-initiated login.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::{awaited_lookup, session_cookie};
use crate::components::Breadcrumbs;
use crate::domain::HandOff;

/// The words for an assurance level.
pub(crate) fn level_name(level: i32) -> &'static str {
    match level {
        3 => "Cao (mức 3)",
        2 => "Đáng kể (mức 2)",
        _ => "Thấp (mức 1)",
    }
}

/// `/nop-truc-tuyen/:code`
#[component]
pub fn HandOffPage() -> impl IntoView {
    let code = use_params_map().get_untracked().get("code").unwrap_or_default();
    let portal = super::portal();
    let cookie = session_cookie();
    awaited_lookup(async move { portal.hand_off(&code, cookie.as_deref()).await }, |h| view! { <HandOffView h/> })
}

#[component]
fn HandOffView(h: HandOff) -> impl IntoView {
    let trail = vec![(h.procedure_title.clone(), format!("/thu-tuc/{}", h.procedure_code))];
    let by = h.service.agency.clone().map(|a| format!(" của {a}")).unwrap_or_default();
    let sign_in_note = match h.signed_in_level {
        Some(level) if level >= h.assurance_level => {
            "Bạn đã đăng nhập: dịch vụ sẽ nhận bạn mà không phải đăng nhập lại.".to_string()
        }
        Some(_) => "Phiên đăng nhập của bạn chưa đủ mức tin cậy này: bạn sẽ được đề nghị xác thực lại.".to_string(),
        None => "Bạn sẽ đăng nhập một lần bằng tài khoản định danh, rồi vào thẳng dịch vụ.".to_string(),
    };
    view! {
        <Title text="Nộp hồ sơ trực tuyến"/>
        <Breadcrumbs trail/>
        <span class="mc-caption-l">{h.procedure_title.clone()}</span>
        <h1 class="mc-heading-l">"Nộp hồ sơ trực tuyến"</h1>
        <p class="mc-body">{format!("Bạn sẽ chuyển sang {}{by}.", h.service.name)}</p>
        <h2 class="mc-heading-m">"Thông tin sẽ được chia sẻ"</h2>
        <ul class="mc-list mc-list--bullet">
            <li>"Một mã định danh riêng cho dịch vụ này"</li>
            {h.shares.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
        </ul>
        <p class="mc-body mc-hint">"Lần đầu, Cổng sẽ hỏi bạn có đồng ý chia sẻ hay không."</p>
        <h2 class="mc-heading-m">"Mức độ tin cậy cần có"</h2>
        <p class="mc-body">{level_name(h.assurance_level)}</p>
        <p class="mc-body">{sign_in_note}</p>
        <a class="mc-button mc-button--start" role="button" href=format!("/nop-truc-tuyen/{}/tiep-tuc", h.procedure_code)>
            "Tiếp tục đến dịch vụ"
        </a>
    }
}
