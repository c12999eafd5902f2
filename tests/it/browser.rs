//! The portal in a real browser (headless Chromium from Debian, see `motcua_tests::browser`):
//! searching and filtering with scripts off, completions with scripts on under the
//! portal's security policy, pages that fit a phone, and signing in through the national
//! login on another site and on into a department service.

use std::time::Duration;

use motcua_tests::browser::{Browser, Screen, Scripts};
use motcua_tests::oidc_peers::{DepartmentService, NationalLogin};
use motcua_tests::{Database, Site, free_port};
use serde_json::json;

use crate::identity::{CITIZEN, SECRET_ES256, portal_serving, provider_config};

/// The path and query of the page shown, without the origin.
fn path_of(browser: &Browser) -> String {
    let url = browser.url();
    let after_scheme = url.split_once("://").map(|(_, rest)| rest).unwrap_or(&url);
    after_scheme.find('/').map(|i| after_scheme[i..].to_string()).unwrap_or_default()
}

#[test]
fn search_filters_and_pages_work_with_scripts_off() {
    let site = Site::new(Database::Sqlite);
    let server = site.serve(&[]).expect("serve");
    let Some(browser) = Browser::open(Scripts::Off, Screen::Desktop) else { return };

    browser.goto(&format!("{}/", server.base));
    browser.type_into("#tim-kiem-q", "dang ky khai sinh");
    // Scripts are off: the completion script never fills the list, and nothing needs it.
    std::thread::sleep(Duration::from_millis(800));
    assert_eq!(browser.count("#tim-kiem-goi-y option"), 0, "no completions without scripts");
    browser.go_by(".mc-search-box__button");
    assert_eq!(path_of(&browser), "/tim-kiem?q=dang+ky+khai+sinh");
    let titles = browser.texts(".mc-document-list__title");
    assert_eq!(titles.first().map(String::as_str), Some("Đăng ký khai sinh"), "{titles:?}");
    assert!(browser.source().contains("kết quả cho “dang ky khai sinh”"), "the count of results");

    // A filter link keeps the words and narrows the results; it shows as chosen.
    browser.follow_link("Thủ tục hành chính");
    let filtered = path_of(&browser);
    assert!(filtered.starts_with("/tim-kiem?") && filtered.contains("kind=procedure"), "{filtered}");
    assert!(filtered.contains("q=dang+ky+khai+sinh"), "{filtered}");
    assert_eq!(browser.text(".mc-facets__item--selected a"), "Thủ tục hành chính");

    // The next page, and back.
    browser.follow_link("Trang sau ›");
    assert!(path_of(&browser).contains("page=2"), "{}", path_of(&browser));
    browser.follow_link("‹ Trang trước");
    assert!(!path_of(&browser).contains("page=2"), "{}", path_of(&browser));

    // The form of several filters sits in a closed <details>: opened by its summary, a
    // choice made in a select, submitted by its button, all without scripts.
    browser.activate(".mc-details__summary");
    let level = browser.attribute("#loc-level option:nth-child(2)", "value").expect("a level to choose");
    browser.choose_next("#loc-level");
    browser.go_by(".mc-filter-form button");
    let combined = path_of(&browser);
    assert!(combined.contains(&format!("level={}", motcua_tests::url_encode(&level))), "{combined} ({level})");
    assert!(combined.contains("kind=procedure") && combined.contains("q=dang+ky+khai+sinh"), "{combined}");
    assert!(browser.count(".mc-document-list__title") > 0, "results at level {level}");

    // A result opens its procedure, whose page is whole without scripts.
    browser.goto(&format!("{}/tim-kiem?q=dang+ky+khai+sinh", server.base));
    browser.follow_link("Đăng ký khai sinh");
    assert_eq!(path_of(&browser), "/thu-tuc/1.001193");
    assert_eq!(browser.text("h1"), "Đăng ký khai sinh");
    let headings = browser.texts("h2");
    for heading in ["Hồ sơ cần chuẩn bị", "Thủ tục liên quan"] {
        assert!(headings.iter().any(|h| h == heading), "{heading} in {headings:?}");
    }
}

#[test]
fn the_search_box_completes_with_scripts_on_within_the_security_policy() {
    let site = Site::new(Database::Sqlite);
    let server = site.serve(&[]).expect("serve");
    let Some(browser) = Browser::open(Scripts::On, Screen::Desktop) else { return };
    browser.goto(&format!("{}/", server.base));

    // The stylesheet applied (the policy allows the portal's own styles).
    let button_text = browser.run("return getComputedStyle(document.querySelector('.mc-search-box__button')).color");
    assert_eq!(button_text, json!("rgb(255, 255, 255)"), "the portal's stylesheet is applied");

    browser.type_into("#tim-kiem-q", "dang ky kh");
    let filled = browser.wait_until(Duration::from_secs(10), |b| b.count("#tim-kiem-goi-y option") > 0);
    assert!(filled, "the completion script (a script of the portal's own) fills the list");
    let offered = browser.run("return [...document.querySelectorAll('#tim-kiem-goi-y option')].map(o => o.value)");
    let offered: Vec<String> = serde_json::from_value(offered).expect("option values");
    assert!(
        offered.iter().any(|o| o.to_lowercase().starts_with("đăng ký kh")),
        "completions of “dang ky kh”: {offered:?}"
    );
    // Neither loading the page nor asking for completions was refused anything by the policy.
    assert_eq!(browser.refused_by_security_policy(), Vec::<String>::new());

    // Choosing a completion and searching goes to its results.
    browser.goto(&format!("{}/", server.base));
    browser.type_into("#tim-kiem-q", "khai tu\n");
    assert!(browser.wait_until(Duration::from_secs(10), |b| path_of(b).starts_with("/tim-kiem?q=khai+tu")));
    let titles = browser.texts(".mc-document-list__title");
    assert!(titles.iter().take(3).any(|t| t == "Đăng ký khai tử"), "{titles:?}");
}

/// Which elements stick out past the right edge of the window, to name in a failure.
const WIDER_THAN_THE_WINDOW: &str = "const w = document.documentElement.clientWidth; \
     return [...document.querySelectorAll('body *')] \
       .filter(e => e.getBoundingClientRect().right > w + 1) \
       .slice(0, 5) \
       .map(e => e.tagName.toLowerCase() + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) \
            + 'px: ' + (e.textContent || '').trim().slice(0, 60))";

/// The pages a citizen meets signed out, as paths: home, results (with words, everyday
/// words, none found, no words), procedures, the hand-off, sign-in, agencies, an agency, an
/// announcement, the account page and a missing page.
fn public_pages(server: &motcua_tests::Server, browser: &Browser) -> Vec<String> {
    browser.goto(&format!("{}/", server.base));
    let announcement = browser.attribute("a[href^='/tin-tuc/']", "href").expect("an announcement on the home page");
    browser.goto(&format!("{}/co-quan", server.base));
    let agency = browser.attribute("main a[href^='/co-quan/']", "href").expect("an agency on the agencies page");
    let mut pages: Vec<String> = [
        "/",
        "/tim-kiem?q=khai+sinh",
        "/tim-kiem?q=ba+t%C3%B4i+m%E1%BA%A5t+l%C3%A0m+gi%E1%BA%A5y+t%E1%BB%9D+g%C3%AC",
        "/tim-kiem?q=zzqqxxw",
        "/tim-kiem",
        "/thu-tuc/1.001193",
        "/thu-tuc/1.000656",
        "/nop-truc-tuyen/1.001193",
        "/dang-nhap",
        "/co-quan",
        "/tai-khoan",
        "/khong-co-trang-nay",
    ]
    .iter()
    .map(|p| p.to_string())
    .collect();
    for link in [announcement, agency] {
        pages.push(link.trim_start_matches(&server.base).to_string());
    }
    pages
}

/// WCAG 2.1's reflow criterion (1.4.10): at 320 CSS pixels nothing needs scrolling
/// sideways; and on a phone too, axe finds nothing and the security policy refuses nothing.
#[test]
fn public_pages_fit_a_phone_pass_axe_and_run_within_the_security_policy() {
    let site = Site::new(Database::Sqlite);
    let server = site.serve(&[]).expect("serve");
    let Some(browser) = Browser::open(Scripts::On, Screen::Phone) else { return };

    browser.goto(&format!("{}/", server.base));
    assert_eq!(browser.run("return document.documentElement.clientWidth"), json!(320), "a small phone's width");
    for page in public_pages(&server, &browser) {
        browser.goto(&format!("{}{page}", server.base));
        let wider = browser.run(WIDER_THAN_THE_WINDOW);
        let scroll = browser.run("return document.documentElement.scrollWidth");
        assert!(scroll.as_u64().is_some_and(|w| w <= 320), "{page} scrolls sideways ({scroll} px): {wider}");
        // Leptos' inline scripts carry the nonce the page's policy allows.
        assert_eq!(browser.refused_by_security_policy(), Vec::<String>::new(), "{page}");
        assert_eq!(browser.accessibility_violations(), Vec::<String>::new(), "{page} on a phone");
    }
}

/// axe-core (WCAG 2.1 A and AA, and its best practices) on an office computer's screen,
/// the results page with its filter form open too.
#[test]
fn public_pages_pass_axe_on_a_desktop_screen() {
    let site = Site::new(Database::Sqlite);
    let server = site.serve(&[]).expect("serve");
    let Some(browser) = Browser::open(Scripts::On, Screen::Desktop) else { return };
    for page in public_pages(&server, &browser) {
        browser.goto(&format!("{}{page}", server.base));
        assert_eq!(browser.accessibility_violations(), Vec::<String>::new(), "{page}");
    }
    browser.goto(&format!("{}/tim-kiem?q=khai+sinh", server.base));
    browser.activate(".mc-details__summary");
    assert_eq!(browser.run("return document.querySelector('details.mc-details').open"), json!(true));
    assert_eq!(browser.accessibility_violations(), Vec::<String>::new(), "the filter form");
}

/// The stand-in national login on "localhost", for a portal on "127.0.0.1:`port`": two
/// sites to the browser, as in production, so a cookie the portal needs after coming back
/// from the login must be sent on a cross-site navigation. Returns it and its issuer.
fn national_login_on_another_site(port: u16) -> (NationalLogin, String) {
    let login_port = free_port();
    let login_issuer = format!("http://localhost:{login_port}");
    let mut config = provider_config(port, json!({}));
    config["port"] = login_port.into();
    config["issuer"] = login_issuer.clone().into();
    let provider = NationalLogin::start(&config).expect("start oidc-provider");
    assert_eq!(provider.issuer, login_issuer);
    (provider, login_issuer)
}

/// The national login's own pages, from the keyboard: log in as [`CITIZEN`], then agree.
fn log_in_at_the_national_login(browser: &Browser, login_issuer: &str) {
    assert!(browser.url().starts_with(&format!("{login_issuer}/interaction/")), "{}", browser.url());
    browser.type_into("input[name=login]", CITIZEN);
    browser.type_into("input[name=password]", "mat-khau");
    browser.go_by("button[type=submit]");
    assert!(browser.url().starts_with(&format!("{login_issuer}/interaction/")), "{}", browser.url());
    browser.go_by("button[type=submit]");
}

#[test]
fn a_citizen_signs_in_on_another_site_and_goes_on_into_a_department_service_with_scripts_off() {
    let port = free_port();
    let (provider, login_issuer) = national_login_on_another_site(port);
    let service = DepartmentService::start(&json!({
        "issuer": format!("http://127.0.0.1:{port}"), "client_id": "ho-tich", "client_secret": "bi-mat-cua-so-tu-phap-0123456789",
        "auth": "client_secret_basic", "id_token_alg": "ES256", "scope": "openid profile citizen"
    }))
    .expect("start the department service");
    let services = format!(
        "[[hub.services]]\nclient_id = \"ho-tich\"\nname = \"Đăng ký hộ tịch trực tuyến\"\nagency = \"thanh-pho-hue\"\n\
         redirect_uris = [\"{base}/callback\"]\nclient_auth = \"client_secret_basic\"\nclient_secret_env = \"HO_TICH_SECRET\"\n\
         scopes = [\"openid\", \"profile\", \"citizen\"]\nsector = \"tuphap.hue.gov.vn\"\n\
         procedures = [\"1.001193\"]\ninitiate_login_uri = \"{base}/login\"\nstart_url = \"{base}/\"\n",
        base = service.base
    );
    let (_site, portal) = portal_serving(
        &provider.issuer,
        port,
        SECRET_ES256,
        &services,
        &[("HO_TICH_SECRET", "bi-mat-cua-so-tu-phap-0123456789")],
        |_| {},
    );
    let Some(browser) = Browser::open(Scripts::Off, Screen::Desktop) else { return };

    // The procedure page's button, then the hand-off page's: on to the national login.
    browser.goto(&format!("{}/thu-tuc/1.001193", portal.base));
    browser.go_by("a.mc-button--start");
    assert_eq!(path_of(&browser), "/nop-truc-tuyen/1.001193");
    assert!(browser.source().contains("Đăng ký hộ tịch trực tuyến"), "the hand-off names the service");
    browser.go_by("a.mc-button--start");

    log_in_at_the_national_login(&browser, &login_issuer);

    // Back at the portal (a cross-site redirect), which asks what to share with the service.
    assert!(path_of(&browser).starts_with("/dong-y?"), "{}", browser.source());
    let consent = browser.source();
    for shown in ["Đăng ký hộ tịch trực tuyến", "số định danh cá nhân", "Đồng ý và tiếp tục"]
    {
        assert!(consent.contains(shown), "{shown}:\n{consent}");
    }
    browser.activate("input[name=so-dinh-danh]");
    browser.go_by("button[value=dong-y]");

    // The consent form's answer redirects to the service (another origin), which has the
    // citizen, signed in through the hub.
    assert!(browser.url().starts_with(&format!("{}/callback", service.base)), "{}", browser.url());
    let learnt: serde_json::Value = serde_json::from_str(&browser.text("pre")).expect("the service's JSON");
    assert!(learnt["sub"].as_str().is_some_and(|s| !s.is_empty()), "{learnt}");
    assert_eq!(learnt["claims"]["name"], "Nguyễn Thị Hoà", "{learnt}");
    assert_eq!(learnt["userinfo"]["citizen_id"], CITIZEN, "{learnt}");

    // The portal's own session holds in the same browser.
    browser.goto(&format!("{}/tai-khoan", portal.base));
    let account = browser.text("main");
    assert!(account.contains("Nguyễn Thị Hoà") && account.contains("VNeID"), "{account}");

    // Signing out from the account page's form ends the portal's session.
    browser.go_by("form[action='/dang-xuat'] button");
    assert!(
        browser.url().starts_with(&format!("{login_issuer}/session/end")),
        "and on to the national login's: {}",
        browser.url()
    );
    browser.goto(&format!("{}/tai-khoan", portal.base));
    assert!(browser.text("main").contains("Bạn chưa đăng nhập"), "{}", browser.text("main"));
}

/// The pages of a signed-in account pass axe too: the account page, the sign-out question,
/// and the staff's pages as a province's administrator: the staff home with its forms, an announcement's editor (and a refused save's error summary), roles,
/// the audit log, best bets, keywords and companions (and a refused list).
#[test]
fn an_account_and_staff_pages_pass_axe() {
    let port = free_port();
    let (_provider, login_issuer) = national_login_on_another_site(port);
    let (site, portal) = portal_serving(&login_issuer, port, SECRET_ES256, "", &[], |_| {});
    let Some(browser) = Browser::open(Scripts::On, Screen::Desktop) else { return };
    browser.goto(&format!("{}/dang-nhap/vneid?ve=/quan-tri", portal.base));
    log_in_at_the_national_login(&browser, &login_issuer);
    assert_eq!(path_of(&browser), "/quan-tri");
    crate::hub::run(&site, &["roles", "grant", &format!("vneid:{CITIZEN}"), "administrator", "thanh-pho-hue"]);

    let check = |what: &str| {
        assert_eq!(browser.accessibility_violations(), Vec::<String>::new(), "{what}: {}", path_of(&browser));
    };
    // A signed-in citizen's own pages first: the account, and the sign-out question.
    for page in ["/tai-khoan", "/dang-xuat"] {
        browser.goto(&format!("{}{page}", portal.base));
        assert!(browser.source().contains("Nguyễn Thị Hoà") || page == "/dang-xuat", "signed in on {page}");
        check(page);
    }
    browser.goto(&format!("{}/quan-tri", portal.base));
    check("the staff home");
    // A new announcement's draft, its editor, and the editor sent back with a problem.
    browser.type_into("#tieu-de", "Thông báo lịch tiếp công dân");
    browser.go_by("form[action='/quan-tri/tin'] button");
    assert!(path_of(&browser).starts_with("/quan-tri/tin/"), "{}", path_of(&browser));
    check("an announcement's editor");
    browser.run("document.querySelector('#tieu-de').value = ''; return null");
    browser.go_by("button[value=luu]");
    assert!(browser.count(".mc-error-summary") > 0, "a refused save shows its problem: {}", path_of(&browser));
    check("an editor with a problem");
    for page in [
        "/quan-tri/phan-quyen",
        "/quan-tri/nhat-ky",
        "/quan-tri/de-xuat",
        "/quan-tri/tu-khoa?ma=1.001193",
        "/quan-tri/thu-tuc-di-kem?ma=1.001193",
    ] {
        browser.goto(&format!("{}{page}", portal.base));
        check(page);
    }
    // A companion list naming a procedure that does not exist comes back with the problem.
    browser.type_into("input[name=di-kem-1-ma]", "9.999999");
    browser.go_by("form[method=post][action='/quan-tri/thu-tuc-di-kem'] button[type=submit]");
    assert!(browser.count(".mc-error-summary") > 0, "a refused list shows its problem: {}", path_of(&browser));
    check("a refused companion list");
}
