//! "Quản trị": the pages of an agency's staff, server-rendered forms that work with
//! JavaScript off. Every form carries the session's CSRF token; every handler behind them
//! checks the staff member's role for the agency, whatever the page offered.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::{awaited, session_cookie};
use crate::components::{format_date, set_status};
use crate::domain::{
    BestBetsPage, CompanionsPage, KeywordsPage, ListedCompanion, ProcedureDetails, ProcedureRelation, RolesPage,
    StaffEditor, StaffFilter, StaffHome,
};

/// Text for inside a `<textarea>`, escaped here: Leptos writes a textarea's children as
/// they are, so `</textarea><script>` in a draft would otherwise end the element.
fn textarea_text(text: &str) -> String {
    html_escape::encode_text(text).into_owned()
}

/// A moment as Vietnam reads it (UTC+7, no daylight saving).
fn vietnam_time(t: &chrono::DateTime<chrono::Utc>) -> String {
    match chrono::FixedOffset::east_opt(7 * 3600) {
        Some(offset) => t.with_timezone(&offset).format("%H:%M ngày %d/%m/%Y").to_string(),
        None => t.format("%H:%M UTC ngày %d/%m/%Y").to_string(),
    }
}

fn state_name(state: &str) -> &'static str {
    match state {
        "published" => "Đã xuất bản",
        "withdrawn" => "Đã gỡ",
        "gone" => "Đã xoá",
        "redirected" => "Đã chuyển",
        "superseded" => "Phiên bản cũ",
        _ => "Bản nháp",
    }
}

/// What went wrong with the last form, by the code the server puts in `?loi=`.
fn problem(code: &str) -> &'static str {
    match code {
        "tieu-de" => "Nhập tiêu đề (tối đa 300 ký tự).",
        "tom-tat" => "Tóm tắt dài quá 1.000 ký tự.",
        "noi-dung" => "Nhập nội dung (tối đa 200.000 ký tự).",
        "ghi-chu-thay-doi" => "Ghi rõ điều gì đã thay đổi trong phiên bản này.",
        "co-quan" => "Chọn cơ quan đăng tin.",
        "tai-khoan" => "Không có tài khoản này: người được giao quyền cần đăng nhập vào Cổng một lần trước.",
        "vai-tro" => "Chọn vai trò.",
        "nhap" => "Không có bản nháp để xuất bản: hãy sửa và lưu trước.",
        "ghi-chu-go" => "Ghi lý do gỡ cho người đọc.",
        "chuyen-den" => {
            "Nhập trang thay thế: đường dẫn trên Cổng (bắt đầu bằng /) hoặc địa chỉ http(s), khác trang này."
        }
        "xuat-ban-luc" => "Chọn ngày giờ xuất bản trong tương lai.",
        "chua-xuat-ban" => "Tin chưa xuất bản nên không có gì để gỡ.",
        "ma" => "Nhập mã thủ tục (ví dụ 1.001193) chưa có trên Cổng; mã đã tạo không đổi được.",
        "buoc-1" => "Ghi ít nhất một bước thực hiện.",
        "cach-nop-1-hinh-thuc" => "Ghi ít nhất một cách nộp hồ sơ, với thời hạn và phí.",
        "thu-tuc" => "Một mục dài quá 20.000 ký tự.",
        "loai" => "Bản nháp không cùng loại với nội dung này.",
        "truy-van" => "Nhập truy vấn có chữ, tối đa 200 ký tự.",
        "muc" => "Ghi từ 1 đến 10 dòng, mỗi dòng một mã thủ tục hoặc một đường dẫn trên Cổng.",
        "tu-khoa-nhieu" => "Một thủ tục có tối đa 30 từ khoá.",
        "tu-khoa-dai" => "Mỗi từ khoá tối đa 100 ký tự: một cụm từ người dân hay gõ, không phải một đoạn văn.",
        "di-kem-nhieu" => "Một thủ tục có tối đa 10 thủ tục đi kèm.",
        "chinh-no" => "Một thủ tục không đi kèm chính nó: bỏ dòng mang mã của thủ tục đang sửa.",
        "quan-he" => "Chọn quan hệ cho mỗi thủ tục đi kèm.",
        _ => "Không lưu được. Vui lòng thử lại.",
    }
}

/// The link ("Sửa") that opens a search-tuning page's form on one of its entries, `name`
/// the parameter that names it and `field` the input the browser scrolls to.
fn edit_link(page: &str, name: &str, value: &str, field: &str) -> String {
    format!("{page}?{name}={}#{field}", form_urlencoded::byte_serialize(value.as_bytes()).collect::<String>())
}

/// What a refused form named that the portal does not have (`?loi=khong-co&sai=…`), for
/// its page to say in its own words.
fn not_found_in(query: &leptos_router::params::ParamsMap) -> Option<String> {
    query.get("loi").filter(|code| code == "khong-co").map(|_| query.get("sai").unwrap_or_default())
}

/// The error summary above a refused form (status 400): `named`, a message naming what was
/// wrong, or else the one for the `?loi=` code.
#[component]
fn Problem(#[prop(optional_no_strip)] named: Option<String>) -> impl IntoView {
    let query = use_query_map().get_untracked();
    named.or_else(|| query.get("loi").map(|code| problem(&code).to_string())).map(|message| {
        set_status(400);
        view! {
            <div class="mc-error-summary" role="alert">
                <h2 class="mc-error-summary__title">"Chưa lưu được"</h2>
                <p class="mc-body">{message}</p>
            </div>
        }
    })
}

#[component]
fn NotStaff() -> impl IntoView {
    set_status(403);
    let options = super::portal().staff_sign_in_options();
    view! {
        <h1 class="mc-heading-l">"Quản trị"</h1>
        <p class="mc-body">"Trang này dành cho cán bộ được giao quyền biên tập của cơ quan. Hãy đăng nhập bằng tài khoản đã được giao quyền."</p>
        {options.into_iter().map(|o| view! {
            <p><a class="mc-button" role="button" href=format!("/dang-nhap/{}?ve=/quan-tri", o.id)>{format!("Đăng nhập bằng {}", o.name)}</a></p>
        }).collect_view()}
    }
}

/// `/quan-tri`: the staff member's agencies and their content.
#[component]
pub fn StaffHomePage() -> impl IntoView {
    let portal = super::portal();
    let cookie = session_cookie();
    let query = use_query_map().get_untracked();
    let given = |k: &str| query.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let filter = StaffFilter {
        agency: given("co-quan"),
        kind: given("loai").map(|k| if k == "thu-tuc" { "procedure".into() } else { "announcement".into() }),
        state: given("trang-thai"),
        text: given("q"),
    };
    view! {
        <Title text="Quản trị"/>
        {awaited(
            async move {
                match cookie {
                    Some(c) => portal.staff_home(&c, &filter).await,
                    None => Ok(None),
                }
            },
            |home| match home {
                Some(h) => view! { <StaffHomeView h/> }.into_any(),
                None => view! { <NotStaff/> }.into_any(),
            },
        )}
    }
}

#[component]
fn StaffHomeView(h: StaffHome) -> impl IntoView {
    view! {
        <h1 class="mc-heading-l">"Quản trị"</h1>
        <p class="mc-body">{format!("Xin chào {}.", h.name)}</p>
        // Links to the pages their roles open, only.
        {h.administers.then(|| view! {
            <p class="mc-body">
                <a class="mc-link" href="/quan-tri/phan-quyen">"Phân quyền"</a>
                {h.administers_top_level.then(|| view! {
                    " · "
                    <a class="mc-link" href="/quan-tri/nhat-ky">"Nhật ký"</a>
                    " · "
                    <a class="mc-link" href="/quan-tri/de-xuat">"Đề xuất kết quả tìm kiếm"</a>
                    " · "
                    <a class="mc-link" href="/quan-tri/tu-khoa">"Từ khoá tìm kiếm"</a>
                    " · "
                    <a class="mc-link" href="/quan-tri/thu-tuc-di-kem">"Thủ tục đi kèm"</a>
                })}
            </p>
        })}
        <Problem/>
        <h2 class="mc-heading-m">"Tạo tin mới"</h2>
        <form method="post" action="/quan-tri/tin">
            <input type="hidden" name="_csrf" value=h.csrf.clone()/>
            <AgencySelect id="co-quan" label="Cơ quan đăng tin" agencies=h.agencies.clone()/>
            <div class="mc-form-group">
                <label class="mc-label" for="tieu-de">"Tiêu đề"</label>
                <input class="mc-input" id="tieu-de" name="tieu-de" type="text" maxlength="300" required/>
            </div>
            <button class="mc-button" type="submit">"Tạo bản nháp"</button>
        </form>
        <h2 class="mc-heading-m">"Tạo thủ tục mới"</h2>
        <form method="post" action="/quan-tri/tin">
            <input type="hidden" name="_csrf" value=h.csrf.clone()/>
            <input type="hidden" name="loai" value="thu-tuc"/>
            <AgencySelect id="co-quan-thu-tuc" label="Cơ quan ban hành" agencies=h.agencies.clone()/>
            <div class="mc-form-group">
                <label class="mc-label" for="ma">"Mã thủ tục"</label>
                <div class="mc-hint">"Ví dụ 1.001193; là địa chỉ của thủ tục trên Cổng."</div>
                <input class="mc-input mc-input--width-20" id="ma" name="ma" type="text" maxlength="40" required/>
            </div>
            <div class="mc-form-group">
                <label class="mc-label" for="tieu-de-thu-tuc">"Tên thủ tục"</label>
                <input class="mc-input" id="tieu-de-thu-tuc" name="tieu-de" type="text" maxlength="300" required/>
            </div>
            <button class="mc-button" type="submit">"Tạo bản nháp thủ tục"</button>
        </form>
        <h2 class="mc-heading-m">"Tin và thủ tục của cơ quan"</h2>
        <StaffFilterForm f=h.filter.clone() agencies=h.agencies.clone()/>
        {if h.items.is_empty() {
            view! { <p class="mc-body">"Không có tin hay thủ tục nào."</p> }.into_any()
        } else {
            view! {
                <table class="mc-table">
                    <thead class="mc-table__head"><tr class="mc-table__row">
                        <th class="mc-table__header" scope="col">"Tiêu đề"</th>
                        <th class="mc-table__header" scope="col">"Cơ quan"</th>
                        <th class="mc-table__header" scope="col">"Trạng thái"</th>
                        <th class="mc-table__header" scope="col">"Cập nhật"</th>
                    </tr></thead>
                    <tbody class="mc-table__body">
                        {h.items.into_iter().map(|i| view! {
                            <tr class="mc-table__row">
                                <td class="mc-table__cell">
                                    <a class="mc-link" href=format!("/quan-tri/tin/{}", i.id)>{i.title}</a>
                                    {(i.kind == "procedure").then_some(" (thủ tục)")}
                                </td>
                                <td class="mc-table__cell">{i.agency}</td>
                                <td class="mc-table__cell">
                                    {state_name(&i.state)}
                                    {(i.has_draft && i.state == "published").then_some(" · có bản nháp mới")}
                                </td>
                                <td class="mc-table__cell">{format_date(&i.updated_at)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

/// `/quan-tri/tin/:id`: edit, preview, publish, and the history of editions.
#[component]
pub fn StaffEditorPage() -> impl IntoView {
    let id = use_params_map().get_untracked().get("id").and_then(|v| v.parse::<i32>().ok());
    let portal = super::portal();
    let cookie = session_cookie();
    view! {
        <Title text="Biên tập tin"/>
        {awaited(
            async move {
                match (cookie, id) {
                    (Some(c), Some(id)) => portal.staff_editor(&c, id).await,
                    _ => Ok(None),
                }
            },
            |editor| match editor {
                Some(e) => view! { <EditorView e/> }.into_any(),
                None => view! { <NotStaff/> }.into_any(),
            },
        )}
    }
}

#[component]
fn EditorView(e: StaffEditor) -> impl IntoView {
    let published = use_query_map().get_untracked().get("da-xuat-ban").is_some();
    let action = format!("/quan-tri/tin/{}", e.id);
    view! {
        <a class="mc-back-link" href="/quan-tri">"Quản trị"</a>
        <span class="mc-caption-l">{e.agency.clone()}</span>
        <h1 class="mc-heading-l">{e.title.clone()}</h1>
        {published.then(|| view! {
            <div class="mc-notification-banner mc-notification-banner--success" role="status">
                <p class="mc-body">"Đã xuất bản."</p>
            </div>
        })}
        {e.scheduled_at.map(|t| view! {
            <div class="mc-notification-banner" role="status">
                <p class="mc-body">{format!("Bản nháp sẽ tự xuất bản lúc {} (giờ Việt Nam).", vietnam_time(&t))}</p>
            </div>
        })}
        {e.public_path.clone().map(|p| view! {
            <p class="mc-body">"Trang công khai: " <a class="mc-link" href=p.clone()>{p.clone()}</a></p>
        })}
        <Problem/>
        <form method="post" action=action>
            <input type="hidden" name="_csrf" value=e.csrf.clone()/>
            <div class="mc-form-group">
                <label class="mc-label" for="tieu-de">"Tiêu đề"</label>
                <input class="mc-input" id="tieu-de" name="tieu-de" type="text" maxlength="300" value=e.title.clone()/>
            </div>
            {match e.procedure.clone() {
                Some(p) => view! { <ProcedureFields p/> }.into_any(),
                None => view! {
                    <div class="mc-form-group">
                        <label class="mc-label" for="tom-tat">"Tóm tắt"</label>
                        <textarea class="mc-textarea" id="tom-tat" name="tom-tat" rows="3">{textarea_text(&e.summary)}</textarea>
                    </div>
                    <div class="mc-form-group">
                        <label class="mc-label" for="noi-dung">"Nội dung"</label>
                        <div class="mc-hint">"Viết theo Markdown: **đậm**, *nghiêng*, # tiêu đề, - danh sách, [liên kết](https://…)."</div>
                        <textarea class="mc-textarea" id="noi-dung" name="noi-dung" rows="16">{textarea_text(&e.body_markdown)}</textarea>
                    </div>
                }.into_any(),
            }}
            {e.needs_change_note.then(|| view! {
                <div class="mc-form-group">
                    <label class="mc-label" for="ghi-chu-thay-doi">"Ghi chú thay đổi (hiện trong lịch sử)"</label>
                    <input class="mc-input" id="ghi-chu-thay-doi" name="ghi-chu-thay-doi" type="text" value=e.change_note.clone()/>
                </div>
            })}
            <div class="mc-button-group">
                <button class="mc-button mc-button--secondary" type="submit" name="hanh-dong" value="luu">"Lưu bản nháp"</button>
                {e.can_publish.then(|| view! {
                    <button class="mc-button" type="submit" name="hanh-dong" value="xuat-ban">"Lưu và xuất bản"</button>
                })}
            </div>
            {e.can_publish.then(|| view! {
                <div class="mc-form-group">
                    <label class="mc-label" for="xuat-ban-luc">"Hoặc hẹn giờ xuất bản (giờ Việt Nam)"</label>
                    <input class="mc-input mc-input--width-20" id="xuat-ban-luc" name="xuat-ban-luc" type="datetime-local"/>
                    <button class="mc-button mc-button--secondary" type="submit" name="hanh-dong" value="hen-gio">"Lưu và hẹn giờ"</button>
                </div>
            })}
        </form>
        {(e.can_publish && matches!(e.state.as_str(), "published" | "withdrawn")).then(|| view! {
            <h2 class="mc-heading-m">"Gỡ tin"</h2>
            <form method="post" action=format!("/quan-tri/tin/{}/go", e.id)>
                <input type="hidden" name="_csrf" value=e.csrf.clone()/>
                <div class="mc-radios">
                    <div class="mc-radios__item">
                        <input class="mc-radios__input" id="cach-rut" name="cach" type="radio" value="rut" checked/>
                        <label class="mc-label mc-radios__label" for="cach-rut">"Gỡ và để lại trang nói rõ lý do"</label>
                    </div>
                    <div class="mc-radios__item">
                        <input class="mc-radios__input" id="cach-chuyen" name="cach" type="radio" value="chuyen"/>
                        <label class="mc-label mc-radios__label" for="cach-chuyen">"Chuyển người đọc sang trang khác (nhập bên dưới)"</label>
                    </div>
                    <div class="mc-radios__item">
                        <input class="mc-radios__input" id="cach-xoa" name="cach" type="radio" value="xoa"/>
                        <label class="mc-label mc-radios__label" for="cach-xoa">"Xoá hẳn (trang báo không còn nội dung)"</label>
                    </div>
                </div>
                <div class="mc-form-group">
                    <label class="mc-label" for="ghi-chu-go">"Lý do gỡ (hiện cho người đọc)"</label>
                    <input class="mc-input" id="ghi-chu-go" name="ghi-chu-go" type="text"/>
                </div>
                <div class="mc-form-group">
                    <label class="mc-label" for="chuyen-den">"Trang thay thế (khi chuyển), ví dụ /tin-tuc/lich-tiep-cong-dan-2027"</label>
                    <input class="mc-input" id="chuyen-den" name="chuyen-den" type="text"/>
                </div>
                <button class="mc-button mc-button--warning" type="submit">"Gỡ tin"</button>
            </form>
        })}
        <h2 class="mc-heading-m">"Tệp đính kèm"</h2>
        <ul class="mc-list">
            {e.attachments.into_iter().map(|a| view! {
                <li>
                    <a class="mc-link" href=a.url.clone()>{a.name.clone()}</a>
                    {format!(" ({} KB) — chèn vào nội dung: ", (a.size + 1023) / 1024)}
                    <code>{format!("[{}]({})", a.name, a.url)}</code>
                </li>
            }).collect_view()}
        </ul>
        <form method="post" action=format!("/quan-tri/tin/{}/tep", e.id) enctype="multipart/form-data">
            <input type="hidden" name="_csrf" value=e.csrf.clone()/>
            <div class="mc-form-group">
                <label class="mc-label" for="tep">"Tải lên tệp PDF, DOCX, XLSX hoặc ảnh (tối đa 20 MB)"</label>
                <input class="mc-file-upload" id="tep" name="tep" type="file" accept=".pdf,.docx,.xlsx,.png,.jpg,.jpeg,.webp"/>
            </div>
            <button class="mc-button mc-button--secondary" type="submit">"Tải lên"</button>
        </form>
        <h2 class="mc-heading-m">"Xem trước"</h2>
        {match &e.procedure {
            // A procedure's page is made from its fields; its listing shows this line.
            Some(_) => view! { <p class="mc-preview mc-body">{e.summary.clone()}</p> }.into_any(),
            None => view! { <div class="mc-preview mc-body" inner_html=e.preview_html.clone()></div> }.into_any(),
        }}
        <h2 class="mc-heading-m">"Lịch sử"</h2>
        <ol class="mc-list">
            {e.history.into_iter().map(|h| view! {
                <li>
                    {format!("Phiên bản {}: {}", h.number, state_name(&h.state))}
                    {h.published_at.map(|t| format!(", xuất bản {}", format_date(&t)))}
                    {h.change_note.map(|n| view! { <br/><span class="mc-hint">{n}</span> })}
                </li>
            }).collect_view()}
        </ol>
    }
}

fn role_name(role: &str) -> &'static str {
    match role {
        "administrator" => "Quản trị viên",
        "publisher" => "Người xuất bản",
        _ => "Biên tập viên",
    }
}

/// `/quan-tri/phan-quyen`: an administrator grants and revokes roles for their agencies.
#[component]
pub fn RolesAdminPage() -> impl IntoView {
    let portal = super::portal();
    let cookie = session_cookie();
    view! {
        <Title text="Phân quyền"/>
        {awaited(
            async move {
                match cookie {
                    Some(c) => portal.roles_page(&c).await,
                    None => Ok(None),
                }
            },
            |page| match page {
                Some(p) => view! { <RolesView p/> }.into_any(),
                None => view! { <NotStaff/> }.into_any(),
            },
        )}
    }
}

#[component]
fn RolesView(p: RolesPage) -> impl IntoView {
    let csrf = p.csrf.clone();
    view! {
        <a class="mc-back-link" href="/quan-tri">"Quản trị"</a>
        <h1 class="mc-heading-l">"Phân quyền"</h1>
        <Problem/>
        <h2 class="mc-heading-m">"Giao quyền"</h2>
        <p class="mc-body mc-hint">"Người được giao quyền cần đăng nhập vào Cổng một lần trước."</p>
        <form method="post" action="/quan-tri/phan-quyen">
            <input type="hidden" name="_csrf" value=p.csrf.clone()/>
            <div class="mc-form-group">
                <label class="mc-label" for="tai-khoan">"Tài khoản (nhà cung cấp:mã định danh, ví dụ vneid:079090001234)"</label>
                <input class="mc-input" id="tai-khoan" name="tai-khoan" type="text" required/>
            </div>
            <div class="mc-form-group">
                <label class="mc-label" for="vai-tro">"Vai trò"</label>
                <select class="mc-select" id="vai-tro" name="vai-tro">
                    <option value="editor">"Biên tập viên"</option>
                    <option value="publisher">"Người xuất bản"</option>
                    <option value="administrator">"Quản trị viên"</option>
                </select>
            </div>
            <div class="mc-form-group">
                <label class="mc-label" for="co-quan">"Cơ quan"</label>
                <select class="mc-select" id="co-quan" name="co-quan">
                    {p.agencies.into_iter().map(|(slug, name)| view! { <option value=slug>{name}</option> }).collect_view()}
                </select>
            </div>
            <button class="mc-button" type="submit">"Giao quyền"</button>
        </form>
        <h2 class="mc-heading-m">"Quyền đã giao"</h2>
        <table class="mc-table">
            <thead class="mc-table__head"><tr class="mc-table__row">
                <th class="mc-table__header" scope="col">"Người"</th>
                <th class="mc-table__header" scope="col">"Vai trò"</th>
                <th class="mc-table__header" scope="col">"Cơ quan"</th>
                <th class="mc-table__header" scope="col">"Giao ngày"</th>
                <th class="mc-table__header" scope="col"><span class="mc-visually-hidden">"Thao tác"</span></th>
            </tr></thead>
            <tbody class="mc-table__body">
                {p.grants.into_iter().map(|g| view! {
                    <tr class="mc-table__row">
                        <td class="mc-table__cell">{g.name.clone().unwrap_or_default()} " " <span class="mc-hint">{g.account.clone()}</span></td>
                        <td class="mc-table__cell">{role_name(&g.role)}</td>
                        <td class="mc-table__cell">{g.agency.clone()}</td>
                        <td class="mc-table__cell">{format_date(&g.granted_at)} " (" {g.granted_by.clone()} ")"</td>
                        <td class="mc-table__cell">
                            <form method="post" action="/quan-tri/phan-quyen/thu-hoi">
                                <input type="hidden" name="_csrf" value=csrf.clone()/>
                                <input type="hidden" name="quyen" value=g.id.to_string()/>
                                <button class="mc-button mc-button--warning" type="submit">
                                    "Thu hồi"
                                    <span class="mc-visually-hidden">{format!(" quyền {} của {}", role_name(&g.role), g.account)}</span>
                                </button>
                            </form>
                        </td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

/// `/quan-tri/nhat-ky`: the audit log, for provincial administrators, filtered by action.
#[component]
pub fn AuditLogPage() -> impl IntoView {
    let action = use_query_map().get_untracked().get("hanh-dong").filter(|a| !a.is_empty());
    let shown = action.clone().unwrap_or_default();
    let portal = super::portal();
    let cookie = session_cookie();
    view! {
        <Title text="Nhật ký"/>
        {awaited(
            async move {
                match cookie {
                    Some(c) => portal.audit_page(&c, action.as_deref()).await,
                    None => Ok(None),
                }
            },
            move |page| match page {
                Some(p) => view! {
                    <a class="mc-back-link" href="/quan-tri">"Quản trị"</a>
                    <h1 class="mc-heading-l">"Nhật ký"</h1>
                    <form method="get" action="/quan-tri/nhat-ky">
                        <label class="mc-label" for="hanh-dong">"Hành động (ví dụ sign_in, role, publication.publish)"</label>
                        <input class="mc-input" id="hanh-dong" name="hanh-dong" type="text" value=shown.clone()/>
                        <button class="mc-button mc-button--secondary" type="submit">"Lọc"</button>
                    </form>
                    <table class="mc-table">
                        <thead class="mc-table__head"><tr class="mc-table__row">
                            <th class="mc-table__header" scope="col">"Lúc"</th>
                            <th class="mc-table__header" scope="col">"Ai"</th>
                            <th class="mc-table__header" scope="col">"Hành động"</th>
                            <th class="mc-table__header" scope="col">"Đối tượng"</th>
                            <th class="mc-table__header" scope="col">"Từ"</th>
                            <th class="mc-table__header" scope="col">"Chi tiết"</th>
                        </tr></thead>
                        <tbody class="mc-table__body">
                            {p.entries.into_iter().map(|e| view! {
                                <tr class="mc-table__row">
                                    <td class="mc-table__cell">{e.at.format("%d/%m/%Y %H:%M:%S").to_string()}</td>
                                    <td class="mc-table__cell">{e.actor}</td>
                                    <td class="mc-table__cell">{e.action}</td>
                                    <td class="mc-table__cell">{e.target.unwrap_or_default()}</td>
                                    <td class="mc-table__cell">{e.source_ip.unwrap_or_default()}</td>
                                    <td class="mc-table__cell"><code>{e.detail}</code></td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                }.into_any(),
                None => view! { <NotStaff/> }.into_any(),
            },
        )}
    }
}

/// `/quan-tri/de-xuat`: a top-level administrator pins documents to a query ("sổ đỏ" → the
/// land-certificate procedures), so that query, however it is spelt, shows them first.
/// `?q=` (and `?muc=`, one target a line) fill the form: the "Sửa" links, and a refused
/// form coming back with what was typed.
#[component]
pub fn BestBetsAdminPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let typed_query = query.get("q").unwrap_or_default();
    let typed_targets = query.get("muc");
    let unknown = not_found_in(&query);
    let portal = super::portal();
    let cookie = session_cookie();
    view! {
        <Title text="Đề xuất kết quả tìm kiếm"/>
        {awaited(
            async move {
                match cookie {
                    Some(c) => portal.best_bets_page(&c).await,
                    None => Ok(None),
                }
            },
            move |page| match page {
                Some(p) => {
                    // "Sửa" fills the form with what the query holds now.
                    let targets = typed_targets.unwrap_or_else(|| {
                        p.queries
                            .iter()
                            .find(|q| q.query == typed_query)
                            .map(|q| q.pinned.iter().map(|d| d.target.as_str()).collect::<Vec<_>>().join("\n"))
                            .unwrap_or_default()
                    });
                    view! { <BestBetsView p typed_query targets unknown/> }.into_any()
                }
                None => view! { <NotStaff/> }.into_any(),
            },
        )}
    }
}

#[component]
fn BestBetsView(p: BestBetsPage, typed_query: String, targets: String, unknown: Option<String>) -> impl IntoView {
    let csrf = p.csrf.clone();
    let edit = |query: &str| edit_link("/quan-tri/de-xuat", "q", query, "truy-van");
    view! {
        <a class="mc-back-link" href="/quan-tri">"Quản trị"</a>
        <h1 class="mc-heading-l">"Đề xuất kết quả tìm kiếm"</h1>
        <p class="mc-body">
            "Kết quả ghim cho một truy vấn hiện đầu trang kết quả, có nhãn “Đề xuất”, dù người dân gõ có dấu hay không dấu ("
            "“sổ đỏ”, “so do” là một truy vấn). Chỉ ghim khi tìm kiếm chưa tự đưa đúng thủ tục lên đầu."
        </p>
        <Problem named=unknown.map(|target| {
            format!("Không có thủ tục mã hay trang “{target}” trên Cổng. Sửa hoặc bỏ dòng này rồi lưu lại.")
        })/>
        <h2 class="mc-heading-m">"Ghim kết quả cho một truy vấn"</h2>
        <form method="post" action="/quan-tri/de-xuat">
            <input type="hidden" name="_csrf" value=p.csrf.clone()/>
            <div class="mc-form-group">
                <label class="mc-label" for="truy-van">"Truy vấn"</label>
                <div class="mc-hint">"Như người dân gõ, ví dụ “làm lại sổ đỏ”."</div>
                <input class="mc-input" id="truy-van" name="q" type="text" maxlength="200" required value=typed_query/>
            </div>
            <div class="mc-form-group">
                <label class="mc-label" for="muc">"Kết quả ghim, theo thứ tự hiện"</label>
                <div class="mc-hint">
                    "Mỗi dòng một mã thủ tục (ví dụ 1.001193) hoặc một đường dẫn trên Cổng (ví dụ /tin-tuc/…), tối đa 10 dòng. "
                    "Lưu sẽ thay các kết quả đã ghim trước cho truy vấn này."
                </div>
                <textarea class="mc-textarea" id="muc" name="muc" rows="5" required>{textarea_text(&targets)}</textarea>
            </div>
            <button class="mc-button" type="submit">"Lưu đề xuất"</button>
        </form>
        <h2 class="mc-heading-m">"Đang ghim"</h2>
        {if p.queries.is_empty() {
            view! { <p class="mc-body">"Chưa ghim kết quả nào."</p> }.into_any()
        } else {
            view! {
                <table class="mc-table">
                    <thead class="mc-table__head"><tr class="mc-table__row">
                        <th class="mc-table__header" scope="col">"Truy vấn"</th>
                        <th class="mc-table__header" scope="col">"Kết quả ghim"</th>
                        <th class="mc-table__header" scope="col">"Cập nhật"</th>
                        <th class="mc-table__header" scope="col"><span class="mc-visually-hidden">"Thao tác"</span></th>
                    </tr></thead>
                    <tbody class="mc-table__body">
                        {p.queries.into_iter().map(|q| view! {
                            <tr class="mc-table__row">
                                <td class="mc-table__cell">{q.query.clone()}</td>
                                <td class="mc-table__cell">
                                    <ol class="mc-list mc-list--number">
                                        {q.pinned.into_iter().map(|d| view! {
                                            <li>
                                                <a class="mc-link" href=d.path>{d.title}</a> " " <span class="mc-hint">{d.target}</span>
                                                {(!d.published).then(|| view! { <strong class="mc-tag">"Không hiện: đã gỡ"</strong> })}
                                            </li>
                                        }).collect_view()}
                                    </ol>
                                </td>
                                <td class="mc-table__cell">{format_date(&q.set_at)}</td>
                                <td class="mc-table__cell">
                                    <p><a class="mc-link" href=edit(&q.query)>"Sửa" <span class="mc-visually-hidden">{format!(" “{}”", q.query)}</span></a></p>
                                    <form method="post" action="/quan-tri/de-xuat/bo">
                                        <input type="hidden" name="_csrf" value=csrf.clone()/>
                                        <input type="hidden" name="q" value=q.query.clone()/>
                                        <button class="mc-button mc-button--warning" type="submit">
                                            "Bỏ ghim" <span class="mc-visually-hidden">{format!(" “{}”", q.query)}</span>
                                        </button>
                                    </form>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }.into_any()
        }}
    }
}

/// `/quan-tri/tu-khoa`: a top-level administrator adds the words citizens use for a
/// procedure that its name does not hold; search finds the procedure by them within the
/// index's poll. `?ma=` opens the form on a procedure; a refused form comes back with
/// `?tu-khoa=` holding what was typed.
#[component]
pub fn KeywordsAdminPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let code = query.get("ma").map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    let typed = query.get("tu-khoa");
    let unknown = not_found_in(&query);
    let portal = super::portal();
    let cookie = session_cookie();
    view! {
        <Title text="Từ khoá tìm kiếm"/>
        {awaited(
            async move {
                match cookie {
                    Some(c) => portal.keywords_page(&c, code.as_deref()).await.map(|p| p.map(|p| (p, code))),
                    None => Ok(None),
                }
            },
            move |page| match page {
                Some((p, code)) => {
                    let keywords = typed.unwrap_or_else(|| {
                        p.editing.as_ref().map(|e| e.added.join("\n")).unwrap_or_default()
                    });
                    view! { <KeywordsView p code=code.unwrap_or_default() keywords unknown/> }.into_any()
                }
                None => view! { <NotStaff/> }.into_any(),
            },
        )}
    }
}

#[component]
fn KeywordsView(p: KeywordsPage, code: String, keywords: String, unknown: Option<String>) -> impl IntoView {
    let edit = |code: &str| edit_link("/quan-tri/tu-khoa", "ma", code, "ma");
    view! {
        <a class="mc-back-link" href="/quan-tri">"Quản trị"</a>
        <h1 class="mc-heading-l">"Từ khoá tìm kiếm"</h1>
        <p class="mc-body">
            "Thêm những từ người dân hay dùng cho một thủ tục mà tên thủ tục không có (ví dụ “sổ đỏ”, “bìa đỏ” cho "
            "giấy chứng nhận quyền sử dụng đất). Tìm kiếm nhận ra chúng có dấu hay không dấu, sau khi lưu vài giây."
        </p>
        <Problem named=unknown.map(|code| format!("Không có thủ tục mã “{code}” trên Cổng."))/>
        <h2 class="mc-heading-m">"Từ khoá của một thủ tục"</h2>
        <form method="post" action="/quan-tri/tu-khoa">
            <input type="hidden" name="_csrf" value=p.csrf.clone()/>
            <div class="mc-form-group">
                <label class="mc-label" for="ma">"Mã thủ tục"</label>
                <div class="mc-hint">"Ví dụ 1.001193."</div>
                <input class="mc-input mc-input--width-20" id="ma" name="ma" type="text" maxlength="40" required value=code/>
            </div>
            {p.editing.map(|e| view! {
                <p class="mc-body">
                    <a class="mc-link" href=e.path>{e.title}</a>
                    {(!p.curated.is_empty()).then(|| view! {
                        <br/><span class="mc-hint">{format!("Từ khoá có sẵn (danh sách của Cổng): {}", p.curated.join("; "))}</span>
                    })}
                </p>
            })}
            <div class="mc-form-group">
                <label class="mc-label" for="tu-khoa">"Từ khoá thêm"</label>
                <div class="mc-hint">"Mỗi dòng một từ khoá, tối đa 30. Để trống rồi lưu để bỏ các từ khoá đã thêm."</div>
                <textarea class="mc-textarea" id="tu-khoa" name="tu-khoa" rows="6">{textarea_text(&keywords)}</textarea>
            </div>
            <button class="mc-button" type="submit">"Lưu từ khoá"</button>
        </form>
        <h2 class="mc-heading-m">"Thủ tục đã thêm từ khoá"</h2>
        {if p.procedures.is_empty() {
            view! { <p class="mc-body">"Chưa thủ tục nào được thêm từ khoá."</p> }.into_any()
        } else {
            view! {
                <ProcedureTable heading="Từ khoá thêm">
                    {p.procedures.into_iter().map(|k| view! {
                        <ProcedureRow path=k.path title=k.title edit=edit(&k.code) code=k.code updated=k.updated>
                            {k.added.join("; ")}
                        </ProcedureRow>
                    }).collect_view()}
                </ProcedureTable>
            }.into_any()
        }}
    }
}

/// The table of the procedures a search-tuning page has set something for (keywords, a
/// companion list); `heading` names what was set, which each row shows second.
#[component]
fn ProcedureTable(heading: &'static str, children: Children) -> impl IntoView {
    view! {
        <table class="mc-table">
            <thead class="mc-table__head"><tr class="mc-table__row">
                <th class="mc-table__header" scope="col">"Thủ tục"</th>
                <th class="mc-table__header" scope="col">{heading}</th>
                <th class="mc-table__header" scope="col">"Cập nhật"</th>
                <th class="mc-table__header" scope="col"><span class="mc-visually-hidden">"Thao tác"</span></th>
            </tr></thead>
            <tbody class="mc-table__body">{children()}</tbody>
        </table>
    }
}

/// A row of [`ProcedureTable`]: the procedure linked with its code, what was set for it
/// (`children`), when and by whom, and `edit`, the link that opens the form on it.
#[component]
fn ProcedureRow(
    path: String,
    title: String,
    code: String,
    updated: Option<(chrono::DateTime<chrono::Utc>, String)>,
    edit: String,
    children: Children,
) -> impl IntoView {
    // Screen readers hear which procedure each "Sửa" opens.
    let title_for_edit = title.clone();
    view! {
        <tr class="mc-table__row">
            <td class="mc-table__cell">
                <a class="mc-link" href=path>{title}</a> " " <span class="mc-hint">{code}</span>
            </td>
            <td class="mc-table__cell">{children()}</td>
            <td class="mc-table__cell">{updated.map(|(at, by)| format!("{} ({by})", format_date(&at)))}</td>
            <td class="mc-table__cell">
                <a class="mc-link" href=edit>"Sửa" <span class="mc-visually-hidden">{format!(" {title_for_edit}")}</span></a>
            </td>
        </tr>
    }
}

/// Most rows the companions form shows: as many as a procedure takes.
const COMPANION_ROWS: usize = 10;

/// `/quan-tri/thu-tuc-di-kem`: a top-level administrator sets the procedures a citizen doing
/// one commonly also needs, in place of the list shipped with the portal; its page lists
/// them and search finds them with it within the index's poll. `?ma=` opens the form on a
/// procedure; a refused form comes back with `?muc=` holding the rows typed, one
/// `code relation` a line.
#[component]
pub fn CompanionsAdminPage() -> impl IntoView {
    let query = use_query_map().get_untracked();
    let code = query.get("ma").map(|c| c.trim().to_string()).filter(|c| !c.is_empty());
    let typed = query.get("muc");
    let unknown = not_found_in(&query);
    let portal = super::portal();
    let cookie = session_cookie();
    view! {
        <Title text="Thủ tục đi kèm"/>
        {awaited(
            async move {
                match cookie {
                    Some(c) => portal.companions_page(&c, code.as_deref()).await.map(|p| p.map(|p| (p, code))),
                    None => Ok(None),
                }
            },
            move |page| match page {
                Some((p, code)) => {
                    let rows = match typed {
                        Some(typed) => typed
                            .lines()
                            .map(|line| {
                                let (code, word) = line.split_once(' ').unwrap_or((line, ""));
                                (code.to_string(), ProcedureRelation::parse(word))
                            })
                            .collect(),
                        None => p
                            .editing
                            .as_ref()
                            .map(|e| e.companions.iter().map(|c| (c.code.clone(), Some(c.relation))).collect())
                            .unwrap_or_default(),
                    };
                    view! { <CompanionsView p code=code.unwrap_or_default() rows unknown/> }.into_any()
                }
                None => view! { <NotStaff/> }.into_any(),
            },
        )}
    }
}

#[component]
fn CompanionsView(
    p: CompanionsPage,
    code: String,
    rows: Vec<(String, Option<ProcedureRelation>)>,
    unknown: Option<String>,
) -> impl IntoView {
    let edit = |code: &str| edit_link("/quan-tri/thu-tuc-di-kem", "ma", code, "ma");
    // The rows typed or saved, then empty ones up to three more (saving gives more).
    let blanks = COMPANION_ROWS.min(rows.len() + 3).saturating_sub(rows.len());
    let rows: Vec<(usize, String, Option<ProcedureRelation>)> = rows
        .into_iter()
        .chain(std::iter::repeat_n((String::new(), None), blanks))
        .enumerate()
        .map(|(i, (code, relation))| (i + 1, code, relation))
        .collect();
    let csrf = p.csrf.clone();
    view! {
        <a class="mc-back-link" href="/quan-tri">"Quản trị"</a>
        <h1 class="mc-heading-l">"Thủ tục đi kèm"</h1>
        <p class="mc-body">
            "Với một thủ tục, những thủ tục người dân thường cần làm trước, làm tiếp theo, làm cùng, hoặc làm thay nếu "
            "trường hợp của họ khác. Trang thủ tục liệt kê chúng theo nhóm (làm trước, làm cùng, làm tiếp theo, trường hợp "
            "khác), trong mỗi nhóm theo thứ tự ở đây; tìm kiếm đưa chúng lên cùng thủ tục sau khi lưu vài giây. Danh sách "
            "lưu ở đây thay danh sách có sẵn của Cổng cho thủ tục đó."
        </p>
        <Problem named=unknown.map(|code| format!("Không có thủ tục mã “{code}” trên Cổng. Sửa hoặc bỏ dòng này rồi lưu lại."))/>
        <h2 class="mc-heading-m">"Thủ tục đi kèm của một thủ tục"</h2>
        <form method="get" action="/quan-tri/thu-tuc-di-kem">
            <div class="mc-form-group">
                <label class="mc-label" for="ma">"Mã thủ tục"</label>
                <div class="mc-hint">"Ví dụ 1.001193. Mở để xem danh sách đang dùng rồi sửa."</div>
                <input class="mc-input mc-input--width-20" id="ma" name="ma" type="text" maxlength="40" required value=code.clone()/>
            </div>
            <button class="mc-button mc-button--secondary" type="submit">"Mở"</button>
        </form>
        {(p.editing.is_none() && !code.is_empty()).then(|| view! {
            <p class="mc-body">{format!("Không có thủ tục mã “{code}” trên Cổng.")}</p>
        })}
        {p.editing.map(|e| {
            let shipped = e.updated.is_none();
            view! {
                <p class="mc-body">
                    <a class="mc-link" href=e.path.clone()>{e.title.clone()}</a> " " <span class="mc-hint">{e.code.clone()}</span>
                    <br/>
                    <span class="mc-hint">{match &e.updated {
                        Some((at, by)) => format!("Danh sách đặt trên Cổng ngày {} ({by}).", format_date(at)),
                        None => "Đang dùng danh sách có sẵn của Cổng.".to_string(),
                    }}</span>
                </p>
                <form method="post" action="/quan-tri/thu-tuc-di-kem">
                    <input type="hidden" name="_csrf" value=csrf.clone()/>
                    <input type="hidden" name="ma" value=e.code.clone()/>
                    <table class="mc-table">
                        <caption class="mc-table__caption">"Hữu ích nhất trước; để trống mã để bỏ một dòng"</caption>
                        <thead class="mc-table__head"><tr class="mc-table__row">
                            <th class="mc-table__header" scope="col">"Mã thủ tục đi kèm"</th>
                            <th class="mc-table__header" scope="col">"Quan hệ"</th>
                        </tr></thead>
                        <tbody class="mc-table__body">
                            {rows.into_iter().map(|(i, code, relation)| view! {
                                <tr class="mc-table__row">
                                    <td class="mc-table__cell">
                                        <label class="mc-visually-hidden" for=format!("di-kem-{i}-ma")>{format!("Mã thủ tục đi kèm {i}")}</label>
                                        <input class="mc-input mc-input--width-20" id=format!("di-kem-{i}-ma") name=format!("di-kem-{i}-ma")
                                            type="text" maxlength="40" value=code/>
                                    </td>
                                    <td class="mc-table__cell">
                                        <label class="mc-visually-hidden" for=format!("di-kem-{i}-quan-he")>{format!("Quan hệ {i}")}</label>
                                        <select class="mc-select" id=format!("di-kem-{i}-quan-he") name=format!("di-kem-{i}-quan-he")>
                                            {ProcedureRelation::ALL.into_iter().map(|r| view! {
                                                <option value=r.word() selected=relation == Some(r)>{r.label()}</option>
                                            }).collect_view()}
                                        </select>
                                    </td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                    <button class="mc-button" type="submit">"Lưu thủ tục đi kèm"</button>
                </form>
                {(!shipped).then(|| view! {
                    <form method="post" action="/quan-tri/thu-tuc-di-kem/goc">
                        <input type="hidden" name="_csrf" value=csrf.clone()/>
                        <input type="hidden" name="ma" value=e.code.clone()/>
                        <button class="mc-button mc-button--secondary" type="submit">"Dùng lại danh sách có sẵn của Cổng"</button>
                    </form>
                })}
            }
        })}
        <h2 class="mc-heading-m">"Thủ tục có danh sách đặt trên Cổng"</h2>
        {if p.procedures.is_empty() {
            view! { <p class="mc-body">"Chưa thủ tục nào: mọi thủ tục đang dùng danh sách có sẵn."</p> }.into_any()
        } else {
            view! {
                <ProcedureTable heading="Thủ tục đi kèm">
                    {p.procedures.into_iter().map(|c| view! {
                        <ProcedureRow path=c.path title=c.title edit=edit(&c.code) code=c.code updated=c.updated>
                            {if c.companions.is_empty() {
                                view! { <span class="mc-hint">"Không có"</span> }.into_any()
                            } else {
                                view! {
                                    <ol class="mc-list mc-list--number">
                                        {c.companions.into_iter().map(|l| view! { <li><ListedCompanionItem l/></li> }).collect_view()}
                                    </ol>
                                }.into_any()
                            }}
                        </ProcedureRow>
                    }).collect_view()}
                </ProcedureTable>
            }.into_any()
        }}
    }
}

/// A companion in the list of lists: its name and code, how it goes with the procedure, and
/// whether citizens see it.
#[component]
fn ListedCompanionItem(l: ListedCompanion) -> impl IntoView {
    view! {
        {l.title.clone().unwrap_or_else(|| l.code.clone())} " " <span class="mc-hint">{format!("{} · {}", l.code, l.relation.label())}</span>
        {l.title.is_none().then(|| view! { " " <strong class="mc-tag">"Không hiện: chưa có hoặc đã gỡ"</strong> })}
    }
}

/// A text input of the procedure form.
#[component]
fn Field(name: String, label: &'static str, value: Option<String>) -> impl IntoView {
    view! {
        <div class="mc-form-group">
            <label class="mc-label" for=name.clone()>{label}</label>
            <input class="mc-input" id=name.clone() name=name type="text" value=value.unwrap_or_default()/>
        </div>
    }
}

/// A multi-line field of the procedure form.
#[component]
fn Area(name: String, label: &'static str, value: Option<String>) -> impl IntoView {
    view! {
        <div class="mc-form-group">
            <label class="mc-label" for=name.clone()>{label}</label>
            <textarea class="mc-textarea" id=name.clone() name=name rows="3">{textarea_text(&value.unwrap_or_default())}</textarea>
        </div>
    }
}

/// Rows shown for a list: the saved ones and two empty ones (saving gives two more), so lists
/// grow without JavaScript.
fn with_blanks<T: Clone + Default>(saved: &[T]) -> Vec<(usize, T)> {
    saved.iter().cloned().chain([T::default(), T::default()]).enumerate().map(|(i, t)| (i + 1, t)).collect()
}

/// Every field of the procedure model, as the national portal publishes them.
#[component]
fn ProcedureFields(p: ProcedureDetails) -> impl IntoView {
    use crate::domain::{LegalReference, PROCEDURE_LEVELS, RequiredDocument, SubmissionChannel};
    let levels = p.levels.clone();
    let steps = with_blanks(&p.steps);
    let channels = with_blanks::<SubmissionChannel>(&p.channels);
    let documents = with_blanks::<RequiredDocument>(&p.required_documents);
    let laws = with_blanks::<LegalReference>(&p.legal_basis);
    view! {
        <div class="mc-form-group">
            <label class="mc-label" for="ma">"Mã thủ tục"</label>
            <div class="mc-hint">"Địa chỉ của thủ tục trên Cổng: /thu-tuc/" {p.code.clone()} ". Không đổi được sau khi tạo."</div>
            <input class="mc-input mc-input--width-20" id="ma" name="ma" type="text" value=p.code.clone() readonly/>
        </div>
        <Field name="linh-vuc".into() label="Lĩnh vực" value=p.field.clone()/>
        <fieldset class="mc-fieldset">
            <legend class="mc-fieldset__legend">"Cấp thực hiện"</legend>
            <div class="mc-checkboxes">
                {PROCEDURE_LEVELS.iter().map(|(name, label)| view! {
                    <div class="mc-checkboxes__item">
                        <input class="mc-checkboxes__input" id=*name name=*name type="checkbox" value="1" checked=levels.iter().any(|l| l == label)/>
                        <label class="mc-label mc-checkboxes__label" for=*name>{*label}</label>
                    </div>
                }).collect_view()}
            </div>
        </fieldset>
        <Field name="loai-thu-tuc".into() label="Loại thủ tục" value=p.procedure_type.clone()/>
        <Area name="doi-tuong".into() label="Đối tượng thực hiện" value=p.audience.clone()/>
        <Field name="co-quan-thuc-hien".into() label="Cơ quan thực hiện" value=p.implementing_agency.clone()/>
        <Field name="co-quan-tham-quyen".into() label="Cơ quan có thẩm quyền" value=p.competent_agency.clone()/>
        <Field name="quyet-dinh".into() label="Quyết định công bố" value=p.decision.clone()/>
        <h2 class="mc-heading-m">"Trình tự thực hiện"</h2>
        <p class="mc-hint">"Mỗi ô một bước. Cần thêm ô: lưu bản nháp."</p>
        {steps.into_iter().map(|(i, step)| view! {
            <Area name=format!("buoc-{i}") label="Bước" value=Some(step)/>
        }).collect_view()}
        <h2 class="mc-heading-m">"Cách thức thực hiện"</h2>
        {channels.into_iter().map(|(i, c)| view! {
            <fieldset class="mc-fieldset">
                <legend class="mc-fieldset__legend">{format!("Cách nộp {i}")}</legend>
                <Field name=format!("cach-nop-{i}-hinh-thuc") label="Hình thức (Trực tiếp, Trực tuyến, Dịch vụ bưu chính)" value=Some(c.channel)/>
                <Field name=format!("cach-nop-{i}-thoi-han") label="Thời hạn giải quyết" value=c.processing_time/>
                <Field name=format!("cach-nop-{i}-phi") label="Phí, lệ phí" value=c.fee/>
                <Area name=format!("cach-nop-{i}-mo-ta") label="Mô tả" value=c.description/>
            </fieldset>
        }).collect_view()}
        <h2 class="mc-heading-m">"Thành phần hồ sơ"</h2>
        {documents.into_iter().map(|(i, d)| view! {
            <fieldset class="mc-fieldset">
                <legend class="mc-fieldset__legend">{format!("Giấy tờ {i}")}</legend>
                <Field name=format!("giay-to-{i}-ten") label="Tên giấy tờ" value=Some(d.name)/>
                <Field name=format!("giay-to-{i}-so-luong") label="Số lượng (1 bản chính…)" value=d.quantity/>
                <Field name=format!("giay-to-{i}-mau") label="Mẫu đơn, tờ khai" value=d.form/>
            </fieldset>
        }).collect_view()}
        <Area name="dieu-kien".into() label="Yêu cầu, điều kiện" value=p.conditions.clone()/>
        <Area name="ket-qua".into() label="Kết quả thực hiện" value=p.result.clone()/>
        <h2 class="mc-heading-m">"Căn cứ pháp lý"</h2>
        {laws.into_iter().map(|(i, l)| view! {
            <fieldset class="mc-fieldset">
                <legend class="mc-fieldset__legend">{format!("Văn bản {i}")}</legend>
                <Field name=format!("can-cu-{i}-so-hieu") label="Số hiệu (123/2015/NĐ-CP)" value=l.number/>
                <Field name=format!("can-cu-{i}-ten") label="Tên văn bản" value=Some(l.title)/>
            </fieldset>
        }).collect_view()}
    }
}

/// Narrows the staff's list; a GET form, so it works without JavaScript and can be bookmarked.
#[component]
fn StaffFilterForm(f: StaffFilter, agencies: Vec<(String, String)>) -> impl IntoView {
    let kind = f.kind.clone().unwrap_or_default();
    let state = f.state.clone().unwrap_or_default();
    let agency = f.agency.clone().unwrap_or_default();
    let states = [
        ("", "Mọi trạng thái"),
        ("draft", "Bản nháp"),
        ("published", "Đã xuất bản"),
        ("withdrawn", "Đã gỡ"),
        ("redirected", "Đã chuyển"),
        ("gone", "Đã xoá"),
    ];
    view! {
        <form method="get" action="/quan-tri" class="mc-filter">
            <div class="mc-form-group">
                <label class="mc-label" for="loc-q">"Tiêu đề có"</label>
                <input class="mc-input mc-input--width-20" id="loc-q" name="q" type="search" value=f.text.clone().unwrap_or_default()/>
            </div>
            <div class="mc-form-group">
                <label class="mc-label" for="loc-co-quan">"Cơ quan"</label>
                <select class="mc-select" id="loc-co-quan" name="co-quan">
                    <option value="" selected=agency.is_empty()>"Mọi cơ quan"</option>
                    {agencies.into_iter().map(|(slug, name)| {
                        let selected = slug == agency;
                        view! { <option value=slug selected=selected>{name}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="mc-form-group">
                <label class="mc-label" for="loc-loai">"Loại"</label>
                <select class="mc-select" id="loc-loai" name="loai">
                    <option value="" selected=kind.is_empty()>"Tin và thủ tục"</option>
                    <option value="tin" selected=kind == "announcement">"Tin"</option>
                    <option value="thu-tuc" selected=kind == "procedure">"Thủ tục"</option>
                </select>
            </div>
            <div class="mc-form-group">
                <label class="mc-label" for="loc-trang-thai">"Trạng thái"</label>
                <select class="mc-select" id="loc-trang-thai" name="trang-thai">
                    {states.into_iter().map(|(value, label)| view! {
                        <option value=value selected=value == state>{label}</option>
                    }).collect_view()}
                </select>
            </div>
            <button class="mc-button mc-button--secondary" type="submit">"Lọc"</button>
        </form>
    }
}

/// The agencies a staff member may create content for, as a `co-quan` choice.
#[component]
fn AgencySelect(id: &'static str, label: &'static str, agencies: Vec<(String, String)>) -> impl IntoView {
    view! {
        <div class="mc-form-group">
            <label class="mc-label" for=id>{label}</label>
            <select class="mc-select" id=id name="co-quan">
                {agencies.into_iter().map(|(slug, name)| view! { <option value=slug>{name}</option> }).collect_view()}
            </select>
        </div>
    }
}
