//! Signing in and the account page ("Tài khoản"): who you are to the portal, through which
//! provider, at which assurance level, exactly what the portal holds, and signing out. Plain
//! links and a form post: nothing here needs JavaScript.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{awaited, session_cookie};
use crate::components::{format_date, set_status};
use crate::domain::{AccountView, ConnectedService};

/// Why a sign-in did not happen, by the code the server puts in `?loi=`.
fn problem(code: &str) -> Option<&'static str> {
    Some(match code {
        "huy" => "Bạn đã huỷ đăng nhập. Bạn có thể đăng nhập lại bất cứ lúc nào.",
        "het-han" => "Phiên đăng nhập đã hết hạn hoặc đường dẫn đã được dùng. Vui lòng đăng nhập lại.",
        "gian-doan" => "Hệ thống đăng nhập đang gián đoạn. Vui lòng thử lại sau ít phút.",
        "tu-choi" => "Nhà cung cấp định danh đã từ chối đăng nhập. Vui lòng thử lại.",
        "khong-hop-le" => "Phản hồi đăng nhập không hợp lệ nên đã bị từ chối. Vui lòng đăng nhập lại.",
        "khong-co" => "Không có phương thức đăng nhập này.",
        _ => return None,
    })
}

/// `/dang-nhap`: the providers to sign in with, and why the last try failed.
#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let back = crate::ports::return_path(query.get("ve").as_deref());
    let message = query.get("loi").and_then(|c| problem(&c));
    if message.is_some() {
        set_status(400);
    }
    let options = super::portal().sign_in_options();
    view! {
        <Title text="Đăng nhập"/>
        {message.map(|m| view! {
            <div class="mc-notification-banner" role="alert" aria-labelledby="sign-in-problem">
                <h2 class="mc-notification-banner__title" id="sign-in-problem">"Chưa đăng nhập được"</h2>
                <div class="mc-notification-banner__content"><p class="mc-body">{m}</p></div>
            </div>
        })}
        <h1 class="mc-heading-l">"Đăng nhập"</h1>
        {if options.is_empty() {
            view! { <p class="mc-body">"Cổng chưa cấu hình phương thức đăng nhập nào."</p> }.into_any()
        } else {
            view! {
                <p class="mc-body">"Đăng nhập một lần để nộp hồ sơ trực tuyến tại các cơ quan mà không phải đăng nhập lại."</p>
                {options.into_iter().map(|o| {
                    let href = format!("/dang-nhap/{}?ve={}", o.id, form_urlencoded::byte_serialize(back.as_bytes()).collect::<String>());
                    view! { <p><a class="mc-button" role="button" href=href>{format!("Đăng nhập bằng {}", o.name)}</a></p> }
                }).collect_view()}
            }.into_any()
        }}
    }
}

/// `/tai-khoan`
#[component]
pub fn AccountPage() -> impl IntoView {
    let portal = super::portal();
    let cookie = session_cookie();
    view! {
        <Title text="Tài khoản"/>
        {awaited(
            async move {
                match cookie {
                    Some(c) => portal.account(&c).await,
                    None => Ok(None),
                }
            },
            |account| match account {
                Some(a) => view! { <AccountDetails a/> }.into_any(),
                None => view! {
                    <h1 class="mc-heading-l">"Tài khoản"</h1>
                    <p class="mc-body">"Bạn chưa đăng nhập, hoặc phiên đăng nhập đã kết thúc."</p>
                    <p><a class="mc-button" role="button" href="/dang-nhap?ve=/tai-khoan">"Đăng nhập"</a></p>
                }.into_any(),
            },
        )}
    }
}

#[component]
fn AccountDetails(a: AccountView) -> impl IntoView {
    let level = super::hand_off::level_name(a.assurance_level);
    let shown = |v: Option<String>| v.unwrap_or_else(|| "Không nhận từ nhà cung cấp".into());
    let rows = vec![
        ("Họ và tên", shown(a.name)),
        ("Ngày sinh", shown(a.birth_date)),
        ("Số định danh cá nhân", shown(a.citizen_id)),
        ("Số điện thoại", shown(a.phone)),
        ("Thư điện tử", shown(a.email)),
        ("Đăng nhập qua", a.provider.clone()),
        ("Mức độ tin cậy", level.to_string()),
        ("Mã định danh tại nhà cung cấp", format!("{} ({})", a.subject, a.issuer)),
        ("Lần đầu đăng nhập", format_date(&a.created_at)),
        ("Phiên này bắt đầu", format_date(&a.signed_in_at)),
    ];
    view! {
        <h1 class="mc-heading-l">"Tài khoản"</h1>
        <p class="mc-body">"Đây là toàn bộ thông tin về bạn mà Cổng lưu giữ, nhận từ " {a.provider} " khi bạn đăng nhập."</p>
        <dl class="mc-summary-list">
            {rows.into_iter().map(|(k, v)| view! {
                <div class="mc-summary-list__row">
                    <dt class="mc-summary-list__key">{k}</dt>
                    <dd class="mc-summary-list__value">{v}</dd>
                </div>
            }).collect_view()}
        </dl>
        <ConnectedServices services=a.connected csrf=a.csrf.clone()/>
        <form method="post" action="/dang-xuat">
            <input type="hidden" name="_csrf" value=a.csrf.clone()/>
            <button class="mc-button mc-button--secondary" type="submit">"Đăng xuất"</button>
        </form>
    }
}

/// "Dịch vụ đã kết nối": each service the citizen let sign them in, what it may learn, and
/// a button that withdraws the consent (the service must ask again).
#[component]
fn ConnectedServices(services: Vec<ConnectedService>, csrf: String) -> impl IntoView {
    view! {
        <h2 class="mc-heading-m">"Dịch vụ đã kết nối"</h2>
        {if services.is_empty() {
            view! { <p class="mc-body">"Bạn chưa dùng tài khoản này để đăng nhập dịch vụ công trực tuyến nào."</p> }.into_any()
        } else {
            view! {
                <ul class="mc-list mc-connected-services">
                    {services.into_iter().map(|s| view! {
                        <li>
                            <h3 class="mc-heading-s">{s.name}</h3>
                            <p class="mc-body">"Được nhận: " {s.shares.join(", ")}</p>
                            <p class="mc-body mc-hint">
                                "Đồng ý ngày " {format_date(&s.granted_at)} "; đăng nhập gần nhất " {format_date(&s.last_used_at)}
                            </p>
                            <form method="post" action="/tai-khoan/dich-vu/thu-hoi">
                                <input type="hidden" name="_csrf" value=csrf.clone()/>
                                <input type="hidden" name="dich-vu" value=s.client_id/>
                                <button class="mc-button mc-button--warning" type="submit">"Thu hồi quyền truy cập"</button>
                            </form>
                        </li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
    }
}

/// `/dang-xuat`: "Đăng xuất khỏi tất cả dịch vụ?", where a service's logout leads. Signing
/// out of the portal signs out of every service listed and of the national login.
#[component]
pub fn SignOutPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let hidden: Vec<(&'static str, String)> =
        ["dich-vu", "ve", "state"].into_iter().filter_map(|k| query.get(k).map(|v| (k, v))).collect();
    let portal = super::portal();
    let cookie = session_cookie();
    view! {
        <Title text="Đăng xuất"/>
        {awaited(
            async move {
                match cookie {
                    Some(c) => portal.sign_out_view(&c).await,
                    None => Ok(None),
                }
            },
            move |view| match view {
                Some(v) => {
                    let hidden = hidden.clone();
                    let services = v.services;
                    view! {
                        <h1 class="mc-heading-l">"Đăng xuất khỏi tất cả dịch vụ?"</h1>
                        {if services.is_empty() {
                            view! { <p class="mc-body">"Bạn sẽ đăng xuất khỏi Cổng và khỏi tài khoản định danh."</p> }.into_any()
                        } else {
                            view! {
                                <p class="mc-body">"Bạn sẽ đăng xuất khỏi Cổng, khỏi tài khoản định danh và khỏi các dịch vụ đã đăng nhập trong phiên này:"</p>
                                <ul class="mc-list mc-list--bullet">
                                    {services.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
                                </ul>
                            }.into_any()
                        }}
                        <form method="post" action="/dang-xuat">
                            <input type="hidden" name="_csrf" value=v.csrf/>
                            {hidden.into_iter().map(|(k, v)| view! { <input type="hidden" name=k value=v/> }).collect_view()}
                            <div class="mc-button-group">
                                <button class="mc-button" type="submit">"Đăng xuất khỏi tất cả"</button>
                                <a class="mc-link" href="/tai-khoan">"Không, quay lại"</a>
                            </div>
                        </form>
                    }
                    .into_any()
                }
                None => view! {
                    <h1 class="mc-heading-l">"Bạn đã đăng xuất"</h1>
                    <p class="mc-body"><a class="mc-link" href="/">"Về trang chủ Cổng"</a></p>
                }
                .into_any(),
            },
        )}
    }
}
