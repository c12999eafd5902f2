//! `/dong-y`: a department service asks, through the sign-on hub, to sign the citizen in.
//! The page says which service, run by whom, and exactly what it would learn; the citizen
//! id number has a box of its own, unticked. A plain form: no JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{awaited, session_cookie};
use crate::components::set_status;
use crate::domain::ConsentRequest;

/// Why a service's request cannot go on, by the code the hub puts in `?loi=`.
fn problem(code: &str) -> &'static str {
    match code {
        "dich-vu" => "Dịch vụ này chưa được đăng ký với Cổng nên không thể đăng nhập qua Cổng.",
        "dia-chi" => {
            "Dịch vụ gửi yêu cầu với địa chỉ chuyển về không được đăng ký. Vì an toàn của bạn, Cổng dừng lại ở đây."
        }
        "phien" => {
            "Yêu cầu đã hết hạn, đã được trả lời, hoặc phiên đăng nhập đã kết thúc. Vui lòng quay lại dịch vụ và thử lại."
        }
        "dang-xuat" => {
            "Yêu cầu đăng xuất không hợp lệ: dịch vụ không được nhận diện hoặc địa chỉ chuyển về chưa được đăng ký."
        }
        _ => "Yêu cầu đăng nhập không hợp lệ.",
    }
}

/// `/dong-y?ma=…` (a request to answer) or `/dong-y?loi=…` (a request refused).
#[component]
pub fn ConsentPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    if let Some(code) = query.get("loi") {
        set_status(400);
        return view! {
            <Title text="Không thể tiếp tục"/>
            <h1 class="mc-heading-l">"Không thể tiếp tục"</h1>
            <p class="mc-body">{problem(&code)}</p>
            <p class="mc-body"><a class="mc-link" href="/">"Về trang chủ Cổng"</a></p>
        }
        .into_any();
    }
    let token = query.get("ma").unwrap_or_default();
    let portal = super::portal();
    let cookie = session_cookie();
    view! {
        <Title text="Chia sẻ thông tin với dịch vụ"/>
        {awaited(
            async move {
                match cookie {
                    Some(c) if !token.is_empty() => portal.consent_request(&c, &token).await,
                    _ => Ok(None),
                }
            },
            |request| match request {
                Some(r) => view! { <ConsentForm r/> }.into_any(),
                None => {
                    set_status(400);
                    view! {
                        <h1 class="mc-heading-l">"Không thể tiếp tục"</h1>
                        <p class="mc-body">{problem("phien")}</p>
                    }
                    .into_any()
                }
            },
        )}
    }
    .into_any()
}

#[component]
fn ConsentForm(r: ConsentRequest) -> impl IntoView {
    let by = r.agency.map(|a| format!(" của {a}")).unwrap_or_default();
    view! {
        <span class="mc-caption-l">"Đăng nhập một lần"</span>
        <h1 class="mc-heading-l">{format!("{}{by} muốn biết bạn là ai", r.service)}</h1>
        <p class="mc-body">"Nếu bạn đồng ý, Cổng sẽ đăng nhập bạn vào dịch vụ này và chỉ chia sẻ:"</p>
        <ul class="mc-list mc-list--bullet">
            <li>"Một mã định danh riêng cho dịch vụ này (các dịch vụ khác không nhận được mã này)"</li>
            {r.shares.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
        </ul>
        <form method="post" action="/dong-y">
            <input type="hidden" name="ma" value=r.token/>
            {r.asks_citizen_id.then(|| view! {
                <div class="mc-checkboxes__item">
                    <input class="mc-checkboxes__input" id="so-dinh-danh" name="so-dinh-danh" type="checkbox" value="1"/>
                    <label class="mc-label mc-checkboxes__label" for="so-dinh-danh">
                        "Chia sẻ cả số định danh cá nhân của tôi (dịch vụ cần số này để tra cứu hồ sơ)"
                    </label>
                </div>
            })}
            <p class="mc-body mc-hint">"Bạn có thể thu hồi sự đồng ý này bất cứ lúc nào tại trang Tài khoản."</p>
            <div class="mc-button-group">
                <button class="mc-button" type="submit" name="quyet-dinh" value="dong-y">"Đồng ý và tiếp tục"</button>
                <button class="mc-button mc-button--secondary" type="submit" name="quyet-dinh" value="tu-choi">"Không đồng ý"</button>
            </div>
        </form>
    }
}
