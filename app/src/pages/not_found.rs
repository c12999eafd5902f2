//! The page for addresses that lead nowhere: it answers 404 and helps the reader on.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::{SearchBox, set_status};

/// 404 with a search box and the main ways in.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_status(404);
    view! {
        <Title text="Không tìm thấy trang"/>
        <div class="mc-error-page">
            <h1 class="mc-heading-l">"Không tìm thấy trang"</h1>
            <p class="mc-body">"Địa chỉ bạn nhập có thể sai, hoặc trang đã được chuyển đi. Nếu bạn dán địa chỉ, hãy kiểm tra đã sao chép đủ."</p>
            <p class="mc-body">"Bạn có thể tìm thủ tục hoặc tin tức cần thiết:"</p>
            <SearchBox/>
            <ul class="mc-list mc-list--bullet">
                <li><a class="mc-link" href="/">"Về trang chủ"</a></li>
                <li><a class="mc-link" href="/tim-kiem?kind=procedure">"Xem tất cả thủ tục hành chính"</a></li>
                <li><a class="mc-link" href="/co-quan">"Danh sách cơ quan"</a></li>
            </ul>
        </div>
    }
}
