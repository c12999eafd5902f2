//! Server-rendered pages: complete HTML without JavaScript, the right status codes, real
//! content from the demo set.

use motcua_tests::{Database, Site};

#[test]
fn pages_render_real_content_without_javascript() {
    let site = Site::new(Database::Sqlite);
    let server = site.serve(&[]).expect("serve");

    let (status, home) = server.page("/");
    assert_eq!(status, 200);
    for text in ["Đăng ký khai sinh", "Đăng ký kết hôn", "Tin tức, thông báo mới", "action=\"/tim-kiem\""]
    {
        assert!(home.contains(text), "home lacks {text}");
    }
    // The one script is the search box's completion list, deferred; everything else, the
    // search form included, is plain HTML that works without it.
    assert_eq!(home.matches("<script src").count(), 1, "only the completion script is loaded");
    assert!(home.contains("<script src=\"/style/autocomplete.js\" defer"), "deferred completion script");
    assert!(home.contains("</footer>"), "the whole page arrives server-rendered");
    // The browser is told to run nothing but the portal's own script, and not to frame it
    // (it/browser.rs checks the pages work under that policy).
    for path in ["/", "/api/v1/search?q=khai+sinh", "/khong-co-trang-nay"] {
        let response = server.get(path).expect("get");
        let headers = response.headers().clone();
        let policy = headers["content-security-policy"].to_str().expect("ascii").to_string();
        assert!(policy.contains("script-src 'self'") && policy.contains("frame-ancestors 'none'"), "{path}: {policy}");
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin", "{path}");
        assert!(!headers.contains_key("strict-transport-security"), "{path}: no HSTS over plain http");
        if path == "/" {
            // Leptos' inline scripts carry the nonce this response's policy allows.
            let page = response.text().expect("home");
            let nonce = page.split("<script nonce=\"").nth(1).and_then(|s| s.split('"').next()).expect("a nonce");
            assert!(nonce.len() >= 16 && policy.contains(&format!("'nonce-{nonce}'")), "{nonce}: {policy}");
        }
    }

    let (status, results) = server.page("/tim-kiem?q=khai+sinh");
    assert_eq!(status, 200);
    assert!(results.contains("kết quả cho “khai sinh”"));
    assert!(results.contains("<b>khai</b>") || results.contains("<b>Khai</b>"), "highlighted snippets");
    assert!(results.contains("Thủ tục hành chính"), "counts by kind");
    assert!(results.contains("href=\"/thu-tuc/1.001193\""));
    let (status, bad) = server.page("/tim-kiem?q=x&page=abc");
    assert_eq!(status, 400);
    assert!(bad.contains("page"));
    let (status, page2) = server.page("/tim-kiem?q=khai+sinh&page=2");
    assert_eq!(status, 200);
    assert!(page2.contains("Trang trước"));

    let (status, procedure) = server.page("/thu-tuc/1.001193");
    assert_eq!(status, 200);
    for text in [
        "<h1 class=\"mc-heading-l\">Đăng ký khai sinh</h1>",
        "Hồ sơ cần chuẩn bị",
        "Trình tự thực hiện",
        "Phí, lệ phí",
        "Căn cứ pháp lý",
        "Bộ Tư pháp",
        "Cấp xã",
    ] {
        assert!(procedure.contains(text), "procedure page lacks {text}");
    }
    assert!(procedure.contains("<title>Đăng ký khai sinh – Một Cửa</title>"));
    // The procedures a parent also needs, from the curated list, each a link to its page.
    assert!(procedure.contains("Thủ tục liên quan"), "related procedures");
    assert!(procedure.contains("href=\"/thu-tuc/1.004222\"") && procedure.contains("Đăng ký thường trú"));
    // Grouped as the steps go: done alongside (the interlinked registrations), next
    // (residence, then 1.014062), otherwise (with the father's recognition, 1.000689), though
    // the list names 1.000689 before 1.014062.
    let at = |text: &str| procedure.find(text).unwrap_or_else(|| panic!("no {text}"));
    let order = [
        at(r#"<h3 class="mc-heading-s">Thường làm cùng</h3>"#),
        at("href=\"/thu-tuc/2.000986\""),
        at(r#"<h3 class="mc-heading-s">Thường làm tiếp theo</h3>"#),
        at("href=\"/thu-tuc/1.004222\""),
        at("href=\"/thu-tuc/1.014062\""),
        at(r#"<h3 class="mc-heading-s">Nếu trường hợp của bạn khác</h3>"#),
        at("href=\"/thu-tuc/1.000689\""),
    ];
    assert!(order.is_sorted(), "grouped in the steps' order: {order:?}");

    let (status, agency) = server.page("/co-quan/bo-tu-phap");
    assert_eq!(status, 200);
    assert!(agency.contains("Thủ tục hành chính ("));
    let (status, province) = server.page("/co-quan/thanh-pho-hue");
    assert_eq!(status, 200);
    assert!(province.contains("Đơn vị trực thuộc") && province.contains("Phường"), "a province lists its communes");
    let (status, agencies) = server.page("/co-quan");
    assert_eq!(status, 200);
    assert!(agencies.contains("Xã, phường, đặc khu"));

    let announcement =
        home.split("href=\"/tin-tuc/").nth(1).and_then(|s| s.split('"').next()).expect("home links an announcement");
    let (status, news) = server.page(&format!("/tin-tuc/{announcement}"));
    assert_eq!(status, 200);
    assert!(news.contains("mc-prose") && news.contains("<p>"));

    for missing in ["/khong-co-trang-nay", "/thu-tuc/9.999999", "/tin-tuc/khong-co", "/co-quan/khong-co"] {
        let (status, body) = server.page(missing);
        assert_eq!(status, 404, "{missing}");
        assert!(
            body.contains("Không tìm thấy trang") && body.contains("action=\"/tim-kiem\""),
            "{missing}: a 404 that helps"
        );
    }
    let css = server.get("/style/motcua.css").expect("css");
    assert_eq!(css.status().as_u16(), 200);
    assert!(css.text().expect("css").contains(".mc-search-box"));
}
