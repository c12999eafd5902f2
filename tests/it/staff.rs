//! Staff roles per agency and the audit log, from the command line, against a portal a
//! staff member has signed in to through the stand-in national login.

use std::time::Duration;

use motcua_tests::{eventually, free_port, poll};
use regex::Regex;

use crate::hub::{hidden_field, run};
use crate::identity::{CITIZEN, SECRET_ES256, browser_with_jar, consent_and_come_back, portal_serving, provider_for};

#[test]
fn roles_are_granted_to_signed_in_accounts_and_every_change_is_in_the_audit_log() {
    // The staff member signs in once; then an administrator can name them.
    let Staffed { site, .. } = signed_in(&[]);
    let account = format!("vneid:{CITIZEN}");
    let accounts = run(&site, &["roles", "accounts"]);
    assert!(accounts.contains(&account) && accounts.contains("Nguyễn Thị Hoà"), "{accounts}");

    let said = run(&site, &["roles", "grant", &account, "editor", "thanh-pho-hue"]);
    assert!(said.starts_with("granted"), "{said}");
    let said = run(&site, &["roles", "grant", &account, "editor", "thanh-pho-hue"]);
    assert!(said.starts_with("already held"), "{said}");
    let listed = run(&site, &["roles", "list"]);
    assert!(listed.contains(&format!("{account}\tNguyễn Thị Hoà\teditor\tthanh-pho-hue")), "{listed}");

    // Mistakes are named, and change nothing.
    for (args, says) in [
        (vec!["roles", "grant", &account, "owner", "thanh-pho-hue"], "no role owner"),
        (vec!["roles", "grant", &account, "editor", "khong-co"], "no agency khong-co"),
        (vec!["roles", "grant", "vneid:000000000000", "editor", "thanh-pho-hue"], "signs in once first"),
    ] {
        let out = site.command().args(&args).output().expect("run");
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }

    // The audit log: the sign-in (with where from) and the grant, newest first.
    let log = run(&site, &["audit", "list"]);
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines.iter().any(|l| l.contains("\tsign_in\tprovider:vneid\t127.0.0.1\t")), "{log}");
    let grants: Vec<&&str> = lines.iter().filter(|l| l.contains("\trole.grant\t")).collect();
    assert_eq!(grants.len(), 1, "the second grant changed nothing: {log}");
    assert!(grants[0].contains("\tcli\t") && grants[0].contains("\"agency\":\"thanh-pho-hue\""), "{log}");
    let only_roles = run(&site, &["audit", "list", "--action", "role"]);
    assert!(only_roles.lines().all(|l| l.contains("\trole.")), "{only_roles}");

    run(&site, &["roles", "revoke", &account, "editor", "thanh-pho-hue"]);
    let out = site.command().args(["roles", "revoke", &account, "editor", "thanh-pho-hue"]).output().expect("run");
    assert!(!out.status.success(), "nothing left to revoke");
    assert!(run(&site, &["audit", "list", "--action", "role.revoke"]).contains("role.revoke"));
    assert!(!run(&site, &["roles", "list"]).contains(&account));
}

/// A portal with the stand-in national login, and a browser signed in to it as [`CITIZEN`]
/// (with no role yet).
struct Staffed {
    _provider: motcua_tests::oidc_peers::NationalLogin,
    site: motcua_tests::Site,
    portal: motcua_tests::Server,
    /// Follows redirects.
    browser: reqwest::blocking::Client,
    /// Does not: shows where a POST leads.
    steps: reqwest::blocking::Client,
}

fn signed_in(env: &[(&str, &str)]) -> Staffed {
    let port = free_port();
    let provider = provider_for(port);
    let (site, portal) = portal_serving(&provider.issuer, port, SECRET_ES256, "", env, |_| {});
    let (browser, jar) = browser_with_jar();
    let login = browser.get(format!("{}/dang-nhap/vneid", portal.base)).send().expect("start");
    let (steps, callback) = consent_and_come_back(&browser, jar, login, &provider.issuer);
    assert_eq!(steps.get(&callback).send().expect("callback").status(), 303);
    Staffed { _provider: provider, site, portal, browser, steps }
}

/// POSTs a staff form without following the answer.
fn post(client: &reqwest::blocking::Client, url: &str, form: &[(&str, &str)]) -> reqwest::blocking::Response {
    client.post(url).form(form).send().expect("post")
}

/// Where a refused form was sent back to, and that page's status and text.
fn followed(
    browser: &reqwest::blocking::Client,
    portal: &motcua_tests::Server,
    r: reqwest::blocking::Response,
) -> (String, u16, String) {
    let back = location(&r);
    let page = browser.get(format!("{}{back}", portal.base)).send().expect("back");
    (back, page.status().as_u16(), page.text().expect("text"))
}

fn location(r: &reqwest::blocking::Response) -> String {
    r.headers().get("location").and_then(|l| l.to_str().ok()).unwrap_or_default().to_string()
}

#[test]
fn an_editor_drafts_a_publisher_publishes_and_search_finds_it_with_every_post_checked() {
    let Staffed { site, portal, browser, steps, .. } = signed_in(&[]);
    let account = format!("vneid:{CITIZEN}");
    let home = format!("{}/quan-tri", portal.base);

    // No role yet: the page says so with a 403, and a direct POST is refused.
    let page = browser.get(&home).send().expect("staff page");
    assert_eq!(page.status(), 403);
    let refused =
        post(&steps, &format!("{home}/tin"), &[("_csrf", "x"), ("co-quan", "thanh-pho-hue"), ("tieu-de", "T")]);
    assert_eq!(refused.status(), 403);

    run(&site, &["roles", "grant", &account, "editor", "thanh-pho-hue"]);
    let page = browser.get(&home).send().expect("staff page").text().expect("text");
    assert!(page.contains("Tạo tin mới") && page.contains("Thành phố Huế"), "{page}");
    let csrf = hidden_field(&page, "_csrf");
    assert_eq!(csrf.len(), 64, "{page}");

    // A missing or forged form token is refused, whatever else is right.
    let title = "Lịch tiếp công dân định kỳ của Thành phố Huế tháng 12 </title><script>x()</script>";
    for token in ["", "0000000000000000000000000000000000000000000000000000000000000000"] {
        let r =
            post(&steps, &format!("{home}/tin"), &[("_csrf", token), ("co-quan", "thanh-pho-hue"), ("tieu-de", title)]);
        assert_eq!(r.status(), 403, "token {token:?}");
    }
    let created =
        post(&steps, &format!("{home}/tin"), &[("_csrf", &csrf), ("co-quan", "thanh-pho-hue"), ("tieu-de", title)]);
    assert_eq!(created.status(), 303);
    let editor = format!("{}{}", portal.base, location(&created));
    assert!(editor.contains("/quan-tri/tin/"), "{editor}");

    // The editor saves the body and sees the preview; publishing is not theirs to do.
    let body = "Lãnh đạo thành phố **tiếp công dân** vào thứ Năm hằng tuần.\n\n</textarea><script>alert(1)</script>";
    let saved =
        post(&steps, &editor, &[("_csrf", &csrf), ("tieu-de", title), ("noi-dung", body), ("hanh-dong", "luu")]);
    assert_eq!(location(&saved), editor.trim_start_matches(&portal.base));
    let page = browser.get(&editor).send().expect("editor").text().expect("text");
    assert!(page.contains("<strong>tiếp công dân</strong>"), "the preview: {page}");
    assert!(!page.contains("<script>x()"), "a hostile title stays text, in <title> too: {page}");
    assert!(
        !page.contains("<script>alert") && page.contains("&lt;/textarea&gt;&lt;script&gt;"),
        "hostile text stays text: {page}"
    );
    assert!(!page.contains("Lưu và xuất bản"), "an editor is not offered publishing");
    let direct =
        post(&steps, &editor, &[("_csrf", &csrf), ("tieu-de", title), ("noi-dung", body), ("hanh-dong", "xuat-ban")]);
    assert_eq!(direct.status(), 403, "nor can publish by a direct POST");

    // A publisher publishes; the page is public and search finds it.
    run(&site, &["roles", "grant", &account, "publisher", "thanh-pho-hue"]);
    let published =
        post(&steps, &editor, &[("_csrf", &csrf), ("tieu-de", title), ("noi-dung", body), ("hanh-dong", "xuat-ban")]);
    assert!(location(&published).ends_with("?da-xuat-ban=1"), "{}", location(&published));
    let page = browser.get(&editor).send().expect("editor").text().expect("text");
    let public =
        Regex::new(r#"href="(/tin-tuc/[^"]+)""#).expect("regex").captures(&page).expect("public path")[1].to_string();
    let article = browser.get(format!("{}{public}", portal.base)).send().expect("public page");
    assert_eq!(article.status(), 200);
    let article = article.text().expect("text");
    assert!(article.contains("<strong>tiếp công dân</strong>"), "{article}");
    assert!(!article.contains("<script>x()") && article.contains("&lt;/title&gt;&lt;script&gt;"), "{article}");
    let found = eventually(Duration::from_secs(4), || {
        let (_, hits) = portal.json("/api/v1/search?q=lich%20tiep%20cong%20dan%20dinh%20ky");
        hits["hits"].as_array().is_some_and(|h| h.iter().any(|h| h["url"] == public.as_str()))
    });
    assert!(found, "searchable within 4 s of publishing");
    let agency_page =
        browser.get(format!("{}/co-quan/thanh-pho-hue", portal.base)).send().expect("agency").text().expect("text");
    assert!(agency_page.contains(&public), "on the agency's page: {agency_page}");

    // A new edition needs a change note, then shows in the history.
    let retitled = format!("{title} (cập nhật)");
    let r = post(
        &steps,
        &editor,
        &[("_csrf", &csrf), ("tieu-de", &retitled), ("noi-dung", body), ("hanh-dong", "xuat-ban")],
    );
    assert!(location(&r).ends_with("?loi=ghi-chu-thay-doi"), "{}", location(&r));
    let r = post(
        &steps,
        &editor,
        &[
            ("_csrf", &csrf),
            ("tieu-de", &retitled),
            ("noi-dung", body),
            ("ghi-chu-thay-doi", "Đổi giờ tiếp dân"),
            ("hanh-dong", "xuat-ban"),
        ],
    );
    assert!(location(&r).ends_with("?da-xuat-ban=1"), "{}", location(&r));
    let page = browser.get(&editor).send().expect("editor").text().expect("text");
    assert!(page.contains("Phiên bản 2: Đã xuất bản") && page.contains("Phiên bản 1: Phiên bản cũ"), "{page}");
    assert!(page.contains("Đổi giờ tiếp dân"), "{page}");
    let article = browser.get(format!("{}{public}", portal.base)).send().expect("public page").text().expect("text");
    assert!(article.contains("(cập nhật)"), "the same address shows the new edition");
    let log = run(&site, &["audit", "list", "--action", "publication"]);
    assert_eq!(log.lines().filter(|l| l.contains("publication.publish")).count(), 2, "{log}");

    // Withdrawn: out of search, the page says why. Gone: 410.
    let unpublish = format!("{editor}/go");
    let r = post(&steps, &unpublish, &[("_csrf", &csrf), ("cach", "rut"), ("ghi-chu-go", "")]);
    assert!(location(&r).ends_with("?loi=ghi-chu-go"), "a withdrawal needs its reason: {}", location(&r));
    let r = post(
        &steps,
        &unpublish,
        &[("_csrf", &csrf), ("cach", "rut"), ("ghi-chu-go", "Lịch đã thay đổi, xem thông báo mới")],
    );
    assert_eq!(r.status(), 303);
    let page = browser.get(format!("{}{public}", portal.base)).send().expect("withdrawn page");
    assert_eq!(page.status(), 200);
    let page = page.text().expect("text");
    assert!(page.contains("Đã gỡ bỏ") && page.contains("Lịch đã thay đổi, xem thông báo mới"), "{page}");
    let gone_from_search = eventually(Duration::from_secs(4), || {
        let (_, hits) = portal.json("/api/v1/search?q=lich%20tiep%20cong%20dan%20dinh%20ky");
        !hits["hits"].as_array().is_some_and(|h| h.iter().any(|h| h["url"] == public.as_str()))
    });
    assert!(gone_from_search, "a withdrawn announcement leaves search");
    let r = post(&steps, &unpublish, &[("_csrf", &csrf), ("cach", "xoa")]);
    assert_eq!(r.status(), 303);
    let page = browser.get(format!("{}{public}", portal.base)).send().expect("gone page");
    assert_eq!(page.status(), 410);
    assert!(!page.text().expect("text").contains("tiếp công dân</strong>"), "nothing of it is shown");
    run(&site, &["roles", "revoke", &account, "publisher", "thanh-pho-hue"]);
    let r = post(&steps, &unpublish, &[("_csrf", &csrf), ("cach", "xoa")]);
    assert_eq!(r.status(), 403, "an editor may not unpublish, even by a direct POST");
}

#[test]
fn every_staff_page_and_post_answers_as_the_role_allows_including_posts_the_ui_never_offers() {
    let Staffed { site, portal, browser, steps, .. } = signed_in(&[]);
    let account = format!("vneid:{CITIZEN}");
    let home = format!("{}/quan-tri", portal.base);
    let (province, commune) = ("thanh-pho-hue", "phuong-vy-da-hue");
    let grant = |role: &str, agency: &str| run(&site, &["roles", "grant", &account, role, agency]);
    let revoke_all = || {
        for line in run(&site, &["roles", "list"]).lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() > 3 {
                run(&site, &["roles", "revoke", fields[0], fields[2], fields[3]]);
            }
        }
    };

    // The province's published announcement P, and this session's form token.
    grant("publisher", province);
    let csrf = hidden_field(&browser.get(&home).send().expect("home").text().expect("text"), "_csrf");
    let created =
        post(&steps, &format!("{home}/tin"), &[("_csrf", &csrf), ("co-quan", province), ("tieu-de", "Thông báo P")]);
    let p = format!("{}{}", portal.base, location(&created));
    let r = post(
        &steps,
        &p,
        &[("_csrf", &csrf), ("tieu-de", "Thông báo P"), ("noi-dung", "Nội dung."), ("hanh-dong", "xuat-ban")],
    );
    assert!(location(&r).ends_with("?da-xuat-ban=1"), "{}", location(&r));
    revoke_all();

    // Each row: the role held, then what each page and POST answers.
    let status = |r: reqwest::blocking::Response| r.status().as_u16();
    let check = |who: &str, expected: [u16; 8]| {
        let got = [
            status(browser.get(&home).send().expect("home")),
            status(browser.get(&p).send().expect("editor")),
            status(post(
                &steps,
                &format!("{home}/tin"),
                &[("_csrf", &csrf), ("co-quan", province), ("tieu-de", "Mới")],
            )),
            status(post(&steps, &format!("{home}/tin"), &[("_csrf", &csrf), ("co-quan", commune), ("tieu-de", "Mới")])),
            status(post(
                &steps,
                &p,
                &[("_csrf", &csrf), ("tieu-de", "Thông báo P"), ("noi-dung", "Sửa."), ("hanh-dong", "luu")],
            )),
            status(post(
                &steps,
                &p,
                &[
                    ("_csrf", &csrf),
                    ("tieu-de", "Thông báo P"),
                    ("noi-dung", "Sửa."),
                    ("ghi-chu-thay-doi", "Sửa nội dung"),
                    ("hanh-dong", "xuat-ban"),
                ],
            )),
            status(post(
                &steps,
                &format!("{p}/go"),
                &[("_csrf", &csrf), ("cach", "rut"), ("ghi-chu-go", "Hết hiệu lực")],
            )),
            status(post(&steps, &format!("{p}/go"), &[("_csrf", "forged"), ("cach", "xoa")])),
        ];
        assert_eq!(
            got, expected,
            "{who}: home, editor page, create (province), create (commune), save, publish, withdraw, forged"
        );
    };
    //                                         home editor c-prov c-comm save publish withdraw forged
    check("no role", [403, 403, 403, 403, 403, 403, 403, 403]);
    grant("editor", commune);
    check("editor of a commune (P is the province's)", [200, 403, 403, 303, 403, 403, 403, 403]);
    revoke_all();
    grant("editor", province);
    check("editor of the province (the commune is under it)", [200, 200, 303, 303, 303, 403, 403, 403]);
    revoke_all();
    grant("publisher", province);
    check("publisher of the province", [200, 200, 303, 303, 303, 303, 303, 403]);
    revoke_all();
    grant("administrator", province);
    check("administrator of the province", [200, 200, 303, 303, 303, 303, 303, 403]);
}

#[test]
fn attachments_are_checked_by_their_content_and_served_with_their_real_type() {
    let Staffed { site, portal, browser, steps, .. } = signed_in(&[]);
    run(&site, &["roles", "grant", &format!("vneid:{CITIZEN}"), "editor", "thanh-pho-hue"]);
    let home = format!("{}/quan-tri", portal.base);
    let csrf = hidden_field(&browser.get(&home).send().expect("home").text().expect("text"), "_csrf");
    let created = post(
        &steps,
        &format!("{home}/tin"),
        &[("_csrf", &csrf), ("co-quan", "thanh-pho-hue"), ("tieu-de", "Kế hoạch")],
    );
    let editor = format!("{}{}", portal.base, location(&created));

    let upload = |token: &str, name: &str, bytes: &[u8]| {
        let form = reqwest::blocking::multipart::Form::new()
            .text("_csrf", token.to_string())
            .part("tep", reqwest::blocking::multipart::Part::bytes(bytes.to_vec()).file_name(name.to_string()));
        steps.post(format!("{editor}/tep")).multipart(form).send().expect("upload")
    };
    let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
    let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D, b'I', b'H', b'D', b'R', 0, 0, 0, 1];

    // A real PDF is taken; the editor page links it.
    let r = upload(&csrf, "Kế hoạch 2026.pdf", pdf);
    assert_eq!(r.status(), 303);
    let page = browser.get(&editor).send().expect("editor").text().expect("text");
    let url = Regex::new(r#"href="(/tep/\d+/[^"]+)""#).expect("regex").captures(&page).expect("a link")[1].to_string();
    let served = browser.get(format!("{}{url}", portal.base)).send().expect("download");
    assert_eq!(served.status(), 200);
    assert_eq!(served.headers()["content-type"], "application/pdf");
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert_eq!(served.bytes().expect("bytes").as_ref(), pdf);

    // Content that is not what the name says, or not an accepted type, is refused with why.
    for (name, bytes, says) in [
        ("thong-bao.pdf", b"<html><script>alert(1)</script></html>".as_slice(), "không phải là PDF"),
        ("bao-cao.docx", png.as_slice(), "không phải là DOCX"),
        ("anh.pdf", png.as_slice(), "không phải là PDF"),
        ("chuong-trinh.exe", b"MZ\x90\x00\x03".as_slice(), "Chỉ nhận tệp"),
        ("rong.pdf", b"".as_slice(), "rỗng"),
    ] {
        let r = upload(&csrf, name, bytes);
        assert_eq!(r.status(), 400, "{name}");
        let text = r.text().expect("text");
        assert!(text.contains(says), "{name}: {text}");
    }
    assert_eq!(upload("forged", "Kế hoạch.pdf", pdf).status(), 403, "the form token is checked on uploads too");
    let log = run(&site, &["audit", "list", "--action", "attachment"]);
    assert_eq!(log.lines().count(), 1, "only the accepted file: {log}");
}

#[test]
fn administrators_grant_and_revoke_in_the_admin_pages_and_read_the_audit_log() {
    let Staffed { site, portal, browser, steps, .. } = signed_in(&[]);
    let account = format!("vneid:{CITIZEN}");
    let roles = format!("{}/quan-tri/phan-quyen", portal.base);
    let audit = format!("{}/quan-tri/nhat-ky", portal.base);

    // An editor sees neither page and cannot grant by a direct POST.
    run(&site, &["roles", "grant", &account, "editor", "thanh-pho-hue"]);
    let csrf = hidden_field(
        &browser.get(format!("{}/quan-tri", portal.base)).send().expect("home").text().expect("text"),
        "_csrf",
    );
    assert_eq!(browser.get(&roles).send().expect("roles").status(), 403);
    assert_eq!(browser.get(&audit).send().expect("audit").status(), 403);
    let grant = |agency: &str, who: &str| {
        post(&steps, &roles, &[("_csrf", &csrf), ("tai-khoan", who), ("vai-tro", "publisher"), ("co-quan", agency)])
    };
    assert_eq!(grant("phuong-vy-da-hue", &account).status(), 403);

    // The province's administrator grants for a commune under it, sees it, and revokes it.
    run(&site, &["roles", "grant", &account, "administrator", "thanh-pho-hue"]);
    assert_eq!(location(&grant("phuong-vy-da-hue", &account)), "/quan-tri/phan-quyen");
    assert!(location(&grant("phuong-vy-da-hue", "vneid:000000000000")).ends_with("?loi=tai-khoan"));
    // The grants table (the form above it names every role too).
    let granted = || {
        let page = browser.get(&roles).send().expect("roles").text().expect("text");
        page.split("<tbody").nth(1).expect("the grants table").to_string()
    };
    let table = granted();
    assert!(table.contains("Người xuất bản") && table.contains("Phường Vỹ Dạ"), "{table}");
    let row = Regex::new(r#"name="quyen" value="(\d+)""#).expect("regex");
    assert_eq!(
        row.captures_iter(&table).count(),
        3,
        "editor and administrator of the province, publisher of the commune"
    );
    let publisher_row = table.split("<tr").find(|r| r.contains("Người xuất bản")).expect("the new grant");
    let id = row.captures(publisher_row).expect("its id")[1].to_string();
    let r = post(&steps, &format!("{roles}/thu-hoi"), &[("_csrf", &csrf), ("quyen", &id)]);
    assert_eq!(location(&r), "/quan-tri/phan-quyen");
    assert!(!granted().contains("Người xuất bản"), "revoked");

    // The audit log, whole and filtered.
    let log = browser.get(&audit).send().expect("audit").text().expect("text");
    assert!(log.contains("sign_in") && log.contains("role.grant") && log.contains("role.revoke"), "{log}");
    let only = browser.get(format!("{audit}?hanh-dong=role.revoke")).send().expect("audit").text().expect("text");
    assert!(only.contains("role.revoke") && !only.contains(">sign_in<"), "{only}");
}

#[test]
fn a_draft_scheduled_for_a_time_publishes_itself_then() {
    let Staffed { site, portal, browser, steps, .. } = signed_in(&[("MOTCUA_PUBLISHING__SCHEDULE_CHECK_SECS", "1")]);
    run(&site, &["roles", "grant", &format!("vneid:{CITIZEN}"), "publisher", "thanh-pho-hue"]);
    let home = format!("{}/quan-tri", portal.base);
    let csrf = hidden_field(&browser.get(&home).send().expect("home").text().expect("text"), "_csrf");
    let created = post(
        &steps,
        &format!("{home}/tin"),
        &[("_csrf", &csrf), ("co-quan", "thanh-pho-hue"), ("tieu-de", "Thông báo nghỉ Tết")],
    );
    let editor = format!("{}{}", portal.base, location(&created));
    // Vietnam's time, as the form's datetime-local field gives it.
    let vietnam = |seconds: i64| {
        (chrono::Utc::now() + chrono::Duration::seconds(seconds) + chrono::Duration::hours(7))
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string()
    };
    let schedule = |at: &str| {
        post(
            &steps,
            &editor,
            &[
                ("_csrf", &csrf),
                ("tieu-de", "Thông báo nghỉ Tết"),
                ("noi-dung", "Bộ phận một cửa nghỉ Tết từ 28 tháng Chạp."),
                ("xuat-ban-luc", at),
                ("hanh-dong", "hen-gio"),
            ],
        )
    };
    assert!(location(&schedule(&vietnam(-60))).ends_with("?loi=xuat-ban-luc"), "a time in the past is refused");
    assert!(location(&schedule("ngày mai")).ends_with("?loi=xuat-ban-luc"), "so is a time that is not one");
    assert_eq!(location(&schedule(&vietnam(3))), editor.trim_start_matches(&portal.base));
    let page = browser.get(&editor).send().expect("editor").text().expect("text");
    assert!(page.contains("sẽ tự xuất bản lúc") && !page.contains("href=\"/tin-tuc/"), "{page}");

    let public = poll(Duration::from_secs(15), || {
        let page = browser.get(&editor).send().expect("editor").text().expect("text");
        Regex::new(r#"href="(/tin-tuc/[^"]+)""#).expect("regex").captures(&page).map(|c| c[1].to_string())
    });
    let public = public.expect("published by itself within 15 s");
    assert_eq!(browser.get(format!("{}{public}", portal.base)).send().expect("public").status(), 200);
    let log = run(&site, &["audit", "list", "--actor", "scheduler"]);
    assert!(log.contains("publication.publish"), "{log}");
}

#[test]
fn a_staff_only_provider_is_the_one_door_to_the_editor_pages() {
    let port = free_port();
    let provider = provider_for(port);
    let staff_provider = format!(
        "[[identity.providers]]\nid = \"noi-bo\"\nname = \"Tài khoản cán bộ\"\nissuer = \"{}\"\n\
         client_id = \"motcua-staff\"\n{SECRET_ES256}\nstaff_only = true",
        provider.issuer
    );
    let (site, portal) = portal_serving(&provider.issuer, port, SECRET_ES256, &staff_provider, &[], |_| {});
    // Citizens are offered the national login only.
    let (_, page) = portal.page("/dang-nhap");
    assert!(page.contains("/dang-nhap/vneid") && !page.contains("/dang-nhap/noi-bo"), "{page}");

    // Signed in through the citizens' provider, a staff member's role does not count.
    let (browser, jar) = browser_with_jar();
    let login = browser.get(format!("{}/dang-nhap/vneid", portal.base)).send().expect("start");
    let (steps, callback) = consent_and_come_back(&browser, jar, login, &provider.issuer);
    assert_eq!(steps.get(&callback).send().expect("callback").status(), 303);
    run(&site, &["roles", "grant", &format!("vneid:{CITIZEN}"), "editor", "thanh-pho-hue"]);
    let home = format!("{}/quan-tri", portal.base);
    let page = browser.get(&home).send().expect("staff page");
    assert_eq!(page.status(), 403);
    let page = page.text().expect("text");
    assert!(
        page.contains("/dang-nhap/noi-bo?ve=/quan-tri") && page.contains("Đăng nhập bằng Tài khoản cán bộ"),
        "{page}"
    );
    let refused =
        post(&steps, &format!("{home}/tin"), &[("_csrf", "x"), ("co-quan", "thanh-pho-hue"), ("tieu-de", "T")]);
    assert_eq!(refused.status(), 403);
    assert!(refused.text().expect("text").contains("cần đăng nhập bằng Tài khoản cán bộ"));

    // Through the staff's provider, the same person works.
    let (staff_browser, staff_jar) = browser_with_jar();
    let login = staff_browser.get(format!("{}/dang-nhap/noi-bo?ve=/quan-tri", portal.base)).send().expect("start");
    let (staff_steps, callback) = consent_and_come_back(&staff_browser, staff_jar, login, &provider.issuer);
    assert!(callback.contains("/dang-nhap/noi-bo/callback"), "{callback}");
    let back = staff_steps.get(&callback).send().expect("callback");
    assert_eq!(location(&back), "/quan-tri");
    let page = staff_browser.get(&home).send().expect("staff page").text().expect("text");
    assert!(page.contains("Tạo tin mới"), "{page}");
    let csrf = hidden_field(&page, "_csrf");
    let created = post(
        &staff_steps,
        &format!("{home}/tin"),
        &[("_csrf", &csrf), ("co-quan", "thanh-pho-hue"), ("tieu-de", "Tin nội bộ")],
    );
    assert_eq!(created.status(), 303);
}

#[test]
fn a_procedure_is_written_field_by_field_and_published_at_its_code() {
    let Staffed { site, portal, browser, steps, .. } = signed_in(&[]);
    run(&site, &["roles", "grant", &format!("vneid:{CITIZEN}"), "publisher", "thanh-pho-hue"]);
    let home = format!("{}/quan-tri", portal.base);
    let page = browser.get(&home).send().expect("staff page").text().expect("text");
    assert!(page.contains("Tạo thủ tục mới"), "{page}");
    let csrf = hidden_field(&page, "_csrf");
    let new = |code: &str| {
        let form = [
            ("_csrf", csrf.as_str()),
            ("loai", "thu-tuc"),
            ("co-quan", "phuong-vy-da-hue"),
            ("ma", code),
            ("tieu-de", "Cấp giấy phép tổ chức lễ hội truyền thống ở phường"),
        ];
        post(&steps, &format!("{home}/tin"), &form)
    };
    // A code already on the portal (an imported procedure) or not a code is refused.
    assert_eq!(location(&new("1.001193")), "/quan-tri?loi=ma");
    assert_eq!(location(&new("le-hoi")), "/quan-tri?loi=ma");
    let created = new("9.000123");
    let editor = format!("{}{}", portal.base, location(&created));
    assert!(editor.contains("/quan-tri/tin/"), "{editor}");

    // The structured form, with empty rows to fill.
    let page = browser.get(&editor).send().expect("editor").text().expect("text");
    for field in ["buoc-1", "buoc-2", "cach-nop-1-thoi-han", "cach-nop-2-phi", "giay-to-1-ten", "can-cu-1-so-hieu"] {
        assert!(page.contains(&format!("name=\"{field}\"")), "{field}: {page}");
    }
    assert!(page.contains("name=\"cap-xa\"") && !page.contains("name=\"noi-dung\""), "{page}");
    let title = ("tieu-de", "Cấp giấy phép tổ chức lễ hội truyền thống ở phường");
    let refused = post(&steps, &editor, &[("_csrf", &csrf), title, ("ma", "9.000123"), ("hanh-dong", "xuat-ban")]);
    assert!(location(&refused).ends_with("?loi=buoc-1"), "steps are needed to publish: {}", location(&refused));

    // Every field of the procedure model, then publish.
    let mut form = vec![
        ("_csrf", csrf.as_str()),
        title,
        ("ma", "9.000123"),
        ("linh-vuc", "Văn hóa cơ sở"),
        ("cap-xa", "1"),
        ("loai-thu-tuc", "Loại khác"),
        ("doi-tuong", "Cá nhân, tổ chức"),
        ("co-quan-thuc-hien", "Ủy ban nhân dân phường Vỹ Dạ"),
        ("co-quan-tham-quyen", "Chủ tịch Ủy ban nhân dân phường"),
        ("quyet-dinh", "123/QĐ-UBND"),
        ("buoc-1", "Nộp hồ sơ tại Bộ phận một cửa của phường"),
        ("buoc-2", "Nhận giấy phép theo giấy hẹn"),
        ("cach-nop-1-hinh-thuc", "Trực tiếp"),
        ("cach-nop-1-thoi-han", "5 ngày làm việc"),
        ("cach-nop-1-phi", "Miễn phí"),
        ("cach-nop-1-mo-ta", "Nộp tại trụ sở phường"),
        ("giay-to-1-ten", "Đơn đề nghị cấp phép tổ chức lễ hội"),
        ("giay-to-1-so-luong", "1 bản chính"),
        ("giay-to-1-mau", "Mẫu 01"),
        ("dieu-kien", "Lễ hội có trong danh mục của địa phương"),
        ("ket-qua", "Giấy phép tổ chức lễ hội"),
        ("can-cu-1-so-hieu", "110/2018/NĐ-CP"),
        ("can-cu-1-ten", "Nghị định quy định về quản lý và tổ chức lễ hội"),
        ("hanh-dong", "xuat-ban"),
    ];
    let published = post(&steps, &editor, &form);
    assert!(location(&published).ends_with("?da-xuat-ban=1"), "{}", location(&published));

    // The public page at its code shows every field; search finds it by its code.
    let (status, page) = portal.page("/thu-tuc/9.000123");
    assert_eq!(status, 200, "{page}");
    for shown in [
        "Cấp giấy phép tổ chức lễ hội truyền thống ở phường",
        "Phường Vỹ Dạ",
        "Cấp xã",
        "Văn hóa cơ sở",
        "Nộp hồ sơ tại Bộ phận một cửa của phường",
        "5 ngày làm việc",
        "Miễn phí",
        "Đơn đề nghị cấp phép tổ chức lễ hội",
        "1 bản chính",
        "Giấy phép tổ chức lễ hội",
        "110/2018/NĐ-CP",
        "Chủ tịch Ủy ban nhân dân phường",
    ] {
        assert!(page.contains(shown), "{shown}: {page}");
    }
    let found = eventually(Duration::from_secs(4), || {
        let (_, hits) = portal.json("/api/v1/search?q=9.000123");
        hits["hits"][0]["url"] == "/thu-tuc/9.000123"
    });
    assert!(found, "the code goes straight to the new procedure");

    // The staff's list filters by kind, state, agency and title words (typed without accents).
    for (query, listed) in [
        ("loai=thu-tuc", true),
        ("loai=tin", false),
        ("q=le+hoi+truyen+thong", true),
        ("q=khai+sinh", false),
        ("trang-thai=published&co-quan=phuong-vy-da-hue", true),
        ("trang-thai=draft", false),
        ("co-quan=thanh-pho-hue", false),
    ] {
        let page = browser.get(format!("{home}?{query}")).send().expect("list").text().expect("text");
        assert_eq!(page.contains("Cấp giấy phép tổ chức lễ hội truyền thống ở phường</a>"), listed, "{query}: {page}");
    }

    // The saved rows come back with two empty ones; the code cannot change.
    let page = browser.get(&editor).send().expect("editor").text().expect("text");
    assert!(page.contains("name=\"buoc-4\"") && page.contains("Nhận giấy phép theo giấy hẹn"), "{page}");
    form.retain(|(k, _)| *k != "hanh-dong");
    form.iter_mut().filter(|(k, _)| *k == "ma").for_each(|f| f.1 = "9.000124");
    assert!(location(&post(&steps, &editor, &form)).ends_with("?loi=ma"));
}

#[test]
fn top_level_administrators_pin_best_bets_in_the_admin_pages_and_search_shows_them_first() {
    let Staffed { site, portal, browser, steps, .. } = signed_in(&[]);
    let account = format!("vneid:{CITIZEN}");
    let page = format!("{}/quan-tri/de-xuat", portal.base);
    let query = "Giấy tờ cho con mới sinh";
    let top_two = |q: &str| {
        let (_, body) = portal.json(&format!("/api/v1/search?q={}", motcua_tests::url_encode(q)));
        let hit = |i: usize| (body["hits"][i]["url"].as_str().map(str::to_string), body["hits"][i]["pinned"].as_bool());
        [hit(0), hit(1)]
    };
    let pinned = |url: &str| (Some(url.to_string()), Some(true));
    assert_ne!(top_two("giay to cho con moi sinh")[0], pinned("/thu-tuc/1.001193"), "not first before the pin");

    // Only an administrator of a top-level agency may pin, by the page or by a direct POST.
    run(&site, &["roles", "grant", &account, "editor", "thanh-pho-hue"]);
    let home_page = || browser.get(format!("{}/quan-tri", portal.base)).send().expect("home").text().expect("text");
    let csrf = hidden_field(&home_page(), "_csrf");
    assert!(!home_page().contains("/quan-tri/de-xuat"), "not offered to an editor");
    let pin = |q: &str, targets: &str| post(&steps, &page, &[("_csrf", &csrf), ("q", q), ("muc", targets)]);
    assert_eq!(browser.get(&page).send().expect("page").status(), 403, "an editor of the province");
    assert_eq!(pin(query, "1.001193").status(), 403, "an editor of the province");
    run(&site, &["roles", "grant", &account, "administrator", "phuong-vy-da-hue"]);
    let home = home_page();
    assert!(home.contains("/quan-tri/phan-quyen") && !home.contains("/quan-tri/de-xuat"), "a commune's administrator");
    assert_eq!(browser.get(&page).send().expect("page").status(), 403, "an administrator of a commune");
    assert_eq!(pin(query, "1.001193").status(), 403, "an administrator of a commune");
    assert_ne!(top_two("giay to cho con moi sinh")[0], pinned("/thu-tuc/1.001193"), "the refused pins left nothing");

    // The province's administrator pins a procedure and an announcement, one a line as a
    // browser sends them; the query in any spelling shows both first, in that order.
    run(&site, &["roles", "grant", &account, "administrator", "thanh-pho-hue"]);
    assert!(home_page().contains(r#"href="/quan-tri/de-xuat""#), "offered to the province's administrator");
    let empty = browser.get(&page).send().expect("page");
    assert_eq!(empty.status(), 200);
    assert!(empty.text().expect("text").contains("Chưa ghim kết quả nào."));
    let r = pin(query, "1.001193\r\n/tin-tuc/ra-mat-cong-mot-cua\r\n");
    assert_eq!(location(&r), "/quan-tri/de-xuat");
    assert_eq!(
        top_two("GIAY TO CHO CON MOI SINH"),
        [pinned("/thu-tuc/1.001193"), pinned("/tin-tuc/ra-mat-cong-mot-cua")],
        "pinned, typed without marks"
    );
    let (_, results) = portal.page(&format!("/tim-kiem?q={}", motcua_tests::url_encode(query)));
    assert!(results.contains("Đề xuất"), "the results page marks them");
    let listed = browser.get(&page).send().expect("page").text().expect("text");
    assert!(listed.contains(">Đăng ký khai sinh<") && listed.contains("/tin-tuc/ra-mat-cong-mot-cua"), "{listed}");
    // "Sửa" fills the form with what is pinned now.
    let edit = browser.get(format!("{page}?q={}", motcua_tests::url_encode(query))).send().expect("edit");
    assert!(edit.text().expect("text").contains("1.001193\n/tin-tuc/ra-mat-cong-mot-cua</textarea>"));

    // Mistakes come back named, with what was typed, and leave the pins as they were.
    let refused = |r: reqwest::blocking::Response| followed(&browser, &portal, r);
    let (back, status, text) = refused(pin(query, "1.001193\n9.999999"));
    assert!(back.contains("loi=khong-co"), "{back}");
    assert_eq!(status, 400);
    assert!(text.contains("Không có thủ tục mã hay trang “9.999999” trên Cổng"), "{text}");
    assert!(text.contains("1.001193\n9.999999</textarea>") && text.contains(r#"value="Giấy tờ cho con mới sinh""#));
    let eleven: Vec<String> = (0..11).map(|i| format!("1.00119{i}")).collect();
    let flood = format!("{}\n", "x".repeat(1000)).repeat(1000);
    for (q, targets, problem) in [
        (query, " \n ", "Ghi từ 1 đến 10 dòng"),
        (query, eleven.join("\n").as_str(), "Ghi từ 1 đến 10 dòng"),
        (query, flood.as_str(), "Ghi từ 1 đến 10 dòng"),
        ("?!", "1.000656", "Nhập truy vấn có chữ"),
    ] {
        let (back, status, text) = refused(pin(q, targets));
        assert!(back.len() < 16_000, "a pasted flood comes back cut short: {} bytes", back.len());
        assert_eq!(status, 400, "{back}");
        assert!(text.contains(problem), "{back}: {text}");
    }
    assert_eq!(post(&steps, &page, &[("_csrf", "forged"), ("q", query), ("muc", "1.000656")]).status(), 403);
    assert_eq!(top_two("giay to cho con moi sinh")[0], pinned("/thu-tuc/1.001193"), "nothing was lost");

    // A pinned announcement that is then withdrawn stays on the list, marked, and is no
    // longer shown to citizens.
    let home = format!("{}/quan-tri", portal.base);
    let title = "Giấy tờ cần mang khi đăng ký khai sinh";
    let created =
        post(&steps, &format!("{home}/tin"), &[("_csrf", &csrf), ("co-quan", "thanh-pho-hue"), ("tieu-de", title)]);
    let editor = format!("{}{}", portal.base, location(&created));
    let body = "Mang theo giấy chứng sinh.";
    let r =
        post(&steps, &editor, &[("_csrf", &csrf), ("tieu-de", title), ("noi-dung", body), ("hanh-dong", "xuat-ban")]);
    assert!(location(&r).ends_with("?da-xuat-ban=1"), "{}", location(&r));
    let editor_page = browser.get(&editor).send().expect("editor").text().expect("text");
    let public =
        Regex::new(r#"href="(/tin-tuc/[^"]+)""#).expect("regex").captures(&editor_page).expect("path")[1].to_string();
    assert_eq!(location(&pin(query, &format!("{public}\n1.001193"))), "/quan-tri/de-xuat");
    assert!(
        eventually(Duration::from_secs(4), || top_two(query)[0] == pinned(&public)),
        "the new pin leads: {public} {:?}",
        top_two(query)
    );
    let r = post(&steps, &format!("{editor}/go"), &[("_csrf", &csrf), ("cach", "rut"), ("ghi-chu-go", "Đã cũ")]);
    assert_eq!(r.status(), 303);
    assert!(
        eventually(Duration::from_secs(4), || top_two(query)[0] == pinned("/thu-tuc/1.001193")),
        "a withdrawn pin is not shown: {:?}",
        top_two(query)
    );
    let listed = browser.get(&page).send().expect("page").text().expect("text");
    assert!(listed.contains(title) && listed.contains("Không hiện: đã gỡ"), "{listed}");

    // "Bỏ ghim", in another spelling of the query.
    let r = post(&steps, &format!("{page}/bo"), &[("_csrf", &csrf), ("q", "giay to cho con moi sinh")]);
    assert_eq!(location(&r), "/quan-tri/de-xuat");
    assert_ne!(top_two("giay to cho con moi sinh")[0].1, Some(true));
    assert!(browser.get(&page).send().expect("page").text().expect("text").contains("Chưa ghim kết quả nào."));

    let log = browser.get(format!("{}/quan-tri/nhat-ky?hanh-dong=best_bet", portal.base)).send().expect("audit");
    let log = log.text().expect("text");
    assert!(log.contains("best_bet.set") && log.contains("best_bet.remove"), "{log}");
    assert_eq!(log.matches("best_bet.set").count(), 2, "the two pins; refused forms are not logged: {log}");
}

#[test]
fn top_level_administrators_add_search_keywords_and_search_finds_the_procedure_by_them() {
    let Staffed { site, portal, browser, steps, .. } = signed_in(&[]);
    let account = format!("vneid:{CITIZEN}");
    let page = format!("{}/quan-tri/tu-khoa", portal.base);
    let first_procedure = |q: &str| {
        let (_, body) = portal.json(&format!("/api/v1/search?kind=procedure&q={}", motcua_tests::url_encode(q)));
        body["hits"][0]["url"].as_str().map(str::to_string)
    };
    let death = Some("/thu-tuc/1.000656".to_string());
    assert_ne!(first_procedure("khuat nui"), death, "not found by these words before");

    // Only an administrator of a top-level agency may add keywords, by the page or a POST.
    run(&site, &["roles", "grant", &account, "editor", "thanh-pho-hue"]);
    let csrf = hidden_field(
        &browser.get(format!("{}/quan-tri", portal.base)).send().expect("home").text().expect("text"),
        "_csrf",
    );
    let save =
        |code: &str, keywords: &str| post(&steps, &page, &[("_csrf", &csrf), ("ma", code), ("tu-khoa", keywords)]);
    assert_eq!(browser.get(&page).send().expect("page").status(), 403, "an editor");
    assert_eq!(save("1.000656", "khuất núi").status(), 403, "an editor");
    run(&site, &["roles", "grant", &account, "administrator", "thanh-pho-hue"]);

    // The form opens on a procedure; saving lets search find it by the new words, typed
    // without marks too, within the index's poll.
    let open = browser.get(format!("{page}?ma=1.000656")).send().expect("page").text().expect("text");
    assert!(open.contains(">Đăng ký khai tử<") && open.contains(r#"value="1.000656""#), "{open}");
    let r = save("1.000656", "người nhà khuất núi\r\nNgười nhà  khuất núi\r\n\r\nông bà về với tổ tiên\r\n");
    assert_eq!(location(&r), "/quan-tri/tu-khoa?ma=1.000656");
    assert!(
        eventually(Duration::from_secs(4), || first_procedure("khuat nui") == death),
        "found by an added keyword: {:?}",
        first_procedure("khuat nui")
    );
    let listed = browser.get(&page).send().expect("page").text().expect("text");
    assert!(listed.contains("người nhà khuất núi; ông bà về với tổ tiên"), "one of each spelling: {listed}");
    let edit = browser.get(format!("{page}?ma=1.000656")).send().expect("edit").text().expect("text");
    assert!(edit.contains("người nhà khuất núi\nông bà về với tổ tiên</textarea>"), "{edit}");

    // Mistakes come back named, with what was typed, and change nothing.
    let refused = |r: reqwest::blocking::Response| followed(&browser, &portal, r);
    let (back, status, text) = refused(save("9.999999", "sổ hồng"));
    assert_eq!(status, 400, "{back}");
    assert!(text.contains("Không có thủ tục mã “9.999999” trên Cổng") && text.contains("sổ hồng</textarea>"), "{text}");
    let many: Vec<String> = (0..31).map(|i| format!("từ khoá {i}")).collect();
    for (keywords, problem) in
        [(many.join("\n"), "tối đa 30 từ khoá"), ("khuất núi ".repeat(20), "Mỗi từ khoá tối đa 100 ký tự")]
    {
        let (back, status, text) = refused(save("1.000656", &keywords));
        assert_eq!(status, 400, "{back}");
        assert!(text.contains(problem), "{back}: {text}");
    }
    assert_eq!(post(&steps, &page, &[("_csrf", "forged"), ("ma", "1.000656"), ("tu-khoa", "")]).status(), 403);
    assert_eq!(first_procedure("khuat nui"), death, "nothing was lost");

    // Saving none removes them; the command line sets them too; both are in the audit log.
    assert_eq!(location(&save("1.000656", " \r\n")), "/quan-tri/tu-khoa?ma=1.000656");
    assert!(eventually(Duration::from_secs(4), || first_procedure("khuat nui") != death), "removed");
    assert!(browser.get(&page).send().expect("page").text().expect("text").contains("Chưa thủ tục nào"));
    let said = run(&site, &["keywords", "set", "1.000656", "khuất núi"]);
    assert!(said.starts_with("1 keywords added to 1.000656"), "{said}");
    assert!(run(&site, &["keywords", "list"]).contains("/thu-tuc/1.000656\tĐăng ký khai tử\tkhuất núi"));
    let log = run(&site, &["audit", "list", "--action", "search_keywords"]);
    assert_eq!(log.lines().count(), 3, "two saves in the pages, one from the command line: {log}");
    assert!(log.lines().next().is_some_and(|l| l.contains("\tcli\t")), "{log}");
}

#[test]
fn top_level_administrators_set_companions_and_the_procedure_page_and_search_follow() {
    let Staffed { site, portal, browser, steps, .. } = signed_in(&[]);
    let account = format!("vneid:{CITIZEN}");
    let page = format!("{}/quan-tri/thu-tuc-di-kem", portal.base);
    let death_page = || portal.page("/thu-tuc/1.000656").1;
    // The page's list of related procedures, as far as the next heading.
    let related = |html: &str| {
        let from = html.find("Thủ tục liên quan").unwrap_or(html.len());
        html[from..].split("<h2").next().unwrap_or_default().to_string()
    };
    let on_first_page = |code: &str| {
        let (_, body) = portal.json("/api/v1/search?kind=procedure&q=dang%20ky%20khai%20tu");
        let urls: Vec<String> = body["hits"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|h| h["url"].as_str().map(str::to_string))
            .collect();
        urls.contains(&format!("/thu-tuc/{code}"))
    };
    // As shipped, "Đăng ký khai tử" goes with 2.000821 (the survivor's allowance), not with
    // 2.001016 (certifying an heir's refusal of the estate), which holds none of its words.
    let shipped = death_page();
    assert!(shipped.contains(r#"href="/thu-tuc/2.000821""#), "{shipped}");
    assert!(!shipped.contains(r#"href="/thu-tuc/2.001016""#) && !on_first_page("2.001016"));

    // Only an administrator of a top-level agency may set companions, by the page or a POST.
    run(&site, &["roles", "grant", &account, "editor", "thanh-pho-hue"]);
    let home = browser.get(format!("{}/quan-tri", portal.base)).send().expect("home").text().expect("text");
    assert!(!home.contains("/quan-tri/thu-tuc-di-kem"), "no link for an editor");
    let csrf = hidden_field(&home, "_csrf");
    let save = |code: &str, rows: &[(&str, &str)]| {
        let mut form = vec![("_csrf".to_string(), csrf.clone()), ("ma".to_string(), code.to_string())];
        for (i, (companion, relation)) in rows.iter().enumerate() {
            form.push((format!("di-kem-{}-ma", i + 1), companion.to_string()));
            form.push((format!("di-kem-{}-quan-he", i + 1), relation.to_string()));
        }
        steps.post(&page).form(&form).send().expect("post")
    };
    assert_eq!(browser.get(&page).send().expect("page").status(), 403, "an editor");
    assert_eq!(save("1.000656", &[("2.001016", "after")]).status(), 403, "an editor");
    run(&site, &["roles", "grant", &account, "administrator", "thanh-pho-hue"]);
    let home = browser.get(format!("{}/quan-tri", portal.base)).send().expect("home").text().expect("text");
    assert!(home.contains(r#"href="/quan-tri/thu-tuc-di-kem""#), "{home}");

    let unknown = browser.get(format!("{page}?ma=9.999999")).send().expect("page").text().expect("text");
    assert!(unknown.contains("Không có thủ tục mã “9.999999” trên Cổng.") && !unknown.contains("di-kem-1-ma"));

    // The form opens on the shipped list, in its order, with blank rows to add to it.
    let open = browser.get(format!("{page}?ma=1.000656")).send().expect("page").text().expect("text");
    assert!(open.contains(">Đăng ký khai tử<") && open.contains("Đang dùng danh sách có sẵn của Cổng"), "{open}");
    assert!(open.contains(r#"name="di-kem-1-ma" type="text" maxlength="40" value="2.000821""#), "{open}");
    assert!(
        open.contains(r#"name="di-kem-8-ma""#) && !open.contains(r#"name="di-kem-9-ma""#),
        "five rows, three blank"
    );

    // Saved as shipped, the list keeps the codes of procedures this portal has not imported
    // (the demo holds a few hundred): the page shows them as not shown to citizens.
    let shipped_rows = [
        ("2.000821", "after"),
        ("1.003197", "after"),
        ("2.000717", "after"),
        ("2.001406", "after"),
        ("1.013831", "after"),
    ];
    assert_eq!(location(&save("1.000656", &shipped_rows)), "/quan-tri/thu-tuc-di-kem?ma=1.000656");
    let listed = browser.get(&page).send().expect("page").text().expect("text");
    assert!(listed.contains("1.003197 · Thường làm tiếp theo") && listed.contains("Không hiện"), "{listed}");
    assert!(listed.contains(r#"href="/quan-tri/thu-tuc-di-kem?ma=1.000656#ma" class="mc-link">Sửa<"#), "{listed}");
    assert_eq!(related(&death_page()), related(&shipped), "the same list as shipped");

    // Saving replaces the list: the procedure page follows it at once, search within the
    // index's poll (the refusal now shows with the death registration it follows).
    let r = save("1.000656", &[("2.001016", "after"), ("", "with"), ("2.000821", "after"), ("2.001016", "with")]);
    assert_eq!(location(&r), "/quan-tri/thu-tuc-di-kem?ma=1.000656");
    let edited = death_page();
    assert!(edited.contains(r#"href="/thu-tuc/2.001016""#) && edited.contains("Thường làm tiếp theo"), "{edited}");
    assert!(edited.contains(r#"href="/thu-tuc/2.000821""#) && !edited.contains(r#"href="/thu-tuc/1.003197""#));
    assert!(eventually(Duration::from_secs(4), || on_first_page("2.001016")), "search follows the list");
    let listed = browser.get(&page).send().expect("page").text().expect("text");
    assert!(
        listed.contains("Chứng thực văn bản từ chối nhận di sản") && listed.contains("2.001016 · Thường làm tiếp theo"),
        "{listed}"
    );
    let reopened = browser.get(format!("{page}?ma=1.000656")).send().expect("page").text().expect("text");
    assert!(reopened.contains("Danh sách đặt trên Cổng ngày") && reopened.contains("account:"), "{reopened}");
    assert!(reopened.contains(r#"value="2.001016""#) && reopened.contains("Dùng lại danh sách có sẵn của Cổng"));

    // Mistakes come back named, with the rows typed, and change nothing.
    let refused = |r: reqwest::blocking::Response| followed(&browser, &portal, r);
    let (back, status, text) = refused(save("1.000656", &[("2.001016", "after"), ("9.999999", "after")]));
    assert_eq!(status, 400, "{back}");
    assert!(
        text.contains("Không có thủ tục mã “9.999999” trên Cổng") && text.contains(r#"value="9.999999""#),
        "{text}"
    );
    let eleven: Vec<String> = (0..11).map(|i| format!("1.00{}", 1193 + i)).collect();
    let eleven: Vec<(&str, &str)> = eleven.iter().map(|c| (c.as_str(), "with")).collect();
    for (rows, problem) in [
        (vec![("1.000656", "with")], "không đi kèm chính nó"),
        (vec![("2.001016", "sometimes")], "Chọn quan hệ"),
        (eleven, "tối đa 10 thủ tục đi kèm"),
    ] {
        let (back, status, text) = refused(save("1.000656", &rows));
        assert_eq!(status, 400, "{back}");
        assert!(text.contains(problem), "{back}: {text}");
    }
    let forged = post(&steps, &page, &[("_csrf", "forged"), ("ma", "1.000656"), ("di-kem-1-ma", "")]);
    assert_eq!(forged.status(), 403);
    assert!(death_page().contains(r#"href="/thu-tuc/2.001016""#), "nothing was lost");

    // No rows: the procedure has none. Back to the shipped list with one button.
    assert_eq!(location(&save("1.000656", &[])), "/quan-tri/thu-tuc-di-kem?ma=1.000656");
    assert!(!death_page().contains("Thủ tục liên quan"), "none listed");
    let reset = post(&steps, &format!("{page}/goc"), &[("_csrf", &csrf), ("ma", "1.000656")]);
    assert_eq!(location(&reset), "/quan-tri/thu-tuc-di-kem?ma=1.000656");
    assert_eq!(related(&death_page()), related(&shipped), "the shipped list again");
    assert!(eventually(Duration::from_secs(4), || !on_first_page("2.001016")), "search follows");
    assert!(browser.get(&page).send().expect("page").text().expect("text").contains("Chưa thủ tục nào"));

    // The command line sets, lists and resets them too; every change is in the audit log.
    let said = run(&site, &["companions", "set", "1.000656", "2.001016:after", "2.000821:after"]);
    assert_eq!(said.trim(), "2 companions of 1.000656: 2.001016:after 2.000821:after");
    assert!(run(&site, &["companions", "list"]).contains("1.000656\tĐăng ký khai tử\t2.001016:after 2.000821:after"));
    assert!(death_page().contains(r#"href="/thu-tuc/2.001016""#));
    assert!(run(&site, &["companions", "reset", "1.000656"]).contains("curated list's companions again"));
    for (args, says) in [
        (["companions", "set", "1.000656", "2.001016"], "write each companion as CODE:RELATION"),
        (["companions", "set", "1.000656", "9.999999:after"], "no procedure has the code \"9.999999\" named"),
    ] {
        let out = site.command().args(args).output().expect("run motcua");
        assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains(says), "{out:?}");
    }
    let log = run(&site, &["audit", "list", "--action", "companions"]);
    assert_eq!(
        log.lines().count(),
        6,
        "three saves and a reset in the pages, a set and a reset from the command line: {log}"
    );
    assert!(log.lines().next().is_some_and(|l| l.contains("\tcli\t")), "{log}");
}
