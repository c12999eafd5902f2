//! Merging department websites: fixture sites on loopback (good ones in every format and
//! legacy encoding, and faulty ones), crawled by the real binary into a real database, then
//! searched through the real server.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Output;
use std::time::{Duration, Instant};

use motcua_tests::fixture_site::{
    FixtureSite, Reply, article_page, encode_tcvn3, encode_windows_1258, real_news, rss, sitemap, xml_escape,
};
use motcua_tests::{Database, Server, Site, eventually, url_encode};
use unicode_normalization::UnicodeNormalization;

/// The one province and its communes of the demo set, so sources have agencies to belong to.
fn admin_units() -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/demo/admin-units.json")
}

/// A paragraph long enough to be an article body, about `topic`.
fn body(topic: &str) -> String {
    format!(
        "<p>{topic}. Ủy ban nhân dân đề nghị các cơ quan, đơn vị và người dân quan tâm theo dõi, thực hiện đúng thời hạn quy định.</p>\
         <p>Mọi thắc mắc về {topic} xin liên hệ bộ phận tiếp nhận và trả kết quả để được hướng dẫn cụ thể trong giờ hành chính.</p>"
    )
}

fn write_config(site: &Site, crawler: &str, sources: &[String]) {
    let text = format!("[crawler]\n{crawler}\n{}", sources.join("\n"));
    std::fs::write(site.dir.path().join("motcua.toml"), text).expect("write motcua.toml");
}

fn source(id: &str, agency: &str, kind: &str, url: &str, extra: &str) -> String {
    format!("[[crawler.sources]]\nid = \"{id}\"\nagency = \"{agency}\"\nkind = \"{kind}\"\nurl = \"{url}\"\n{extra}\n")
}

fn run(site: &Site, args: &[&str]) -> Output {
    site.command().args(args).output().expect("run motcua")
}

fn stdout(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// `motcua crawl` report lines by source id.
fn reports(o: &Output) -> HashMap<String, String> {
    String::from_utf8_lossy(&o.stdout)
        .lines()
        .filter(|l| !l.starts_with(' '))
        .filter_map(|l| l.split_once(": ").map(|(id, rest)| (id.to_string(), rest.to_string())))
        .collect()
}

/// Runs SQL returning rows as text, on SQLite (sqlx) or PostgreSQL (psql).
fn query(site: &Site, sql: &'static str) -> Vec<String> {
    match &site.db {
        Database::Sqlite => {
            let url = format!("sqlite://{}", site.dir.path().join("motcua.db").display());
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            rt.block_on(async {
                use sqlx::Row;
                let pool = sqlx::SqlitePool::connect(&url).await.expect("open SQLite");
                let rows = sqlx::query(sql).fetch_all(&pool).await.expect("query");
                rows.iter()
                    .map(|r| {
                        (0..r.len())
                            .map(|i| {
                                r.try_get::<Option<String>, _>(i)
                                    .map(|v| v.unwrap_or_else(|| "NULL".into()))
                                    .or_else(|_| {
                                        r.try_get::<Option<i64>, _>(i)
                                            .map(|v| v.map_or("NULL".into(), |n| n.to_string()))
                                    })
                                    .unwrap_or_else(|_| "?".into())
                            })
                            .collect::<Vec<_>>()
                            .join("|")
                    })
                    .collect()
            })
        }
        Database::Postgres { url, .. } => {
            let out = std::process::Command::new("psql").args([url.as_str(), "-At", "-c", sql]).output().expect("psql");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            String::from_utf8_lossy(&out.stdout).lines().map(String::from).collect()
        }
    }
}

/// The first announcement hit for `q`: (title, url).
fn first_hit(server: &Server, q: &str) -> Option<(String, String)> {
    let (status, body) = server.json(&format!("/api/v1/search?kind=announcement&q={}", url_encode(q)));
    assert_eq!(status, 200, "{body}");
    let hit = &body["hits"][0];
    Some((hit["title"].as_str()?.to_string(), hit["url"].as_str()?.to_string()))
}

fn wait_for(what: &str, limit: Duration, f: impl FnMut() -> bool) -> Duration {
    let started = Instant::now();
    assert!(eventually(limit, f), "{what}: not within {limit:?}");
    started.elapsed()
}

/// The good department sites and the faulty ones, as the acceptance list names them.
struct Fixtures {
    rss_site: FixtureSite,
    sitemap_site: FixtureSite,
    sources: Vec<String>,
}

fn fixtures() -> Fixtures {
    // An RSS 2.0 department site (with an RSS 1.0 feed too) and a robots.txt.
    let rss_site = FixtureSite::start();
    rss_site.set(
        "/robots.txt",
        Reply::Ok {
            content_type: "text/plain".into(),
            body: b"User-agent: *\nDisallow: /noi-bo/\n".to_vec(),
            etag: None,
        },
    );
    let hostile = format!(
        "{}<script>alert('x')</script><p onclick=\"steal()\">Xem <a href=\"/van-ban/qd-12.pdf\">Quyết định số 12/QĐ-UBND</a>.</p>\
         <iframe src=\"http://evil.example/\"></iframe><img src=\"/anh/thi-tuyen.jpg\" onerror=\"alert(1)\" alt=\"Thi tuyển\">",
        body("Thông báo tuyển dụng viên chức năm 2026 với 45 chỉ tiêu")
    );
    rss_site.set(
        "/tin/tuyen-dung.html",
        Reply::html(&article_page("Thông báo tuyển dụng viên chức năm 2026", "02/06/2017 06:45", &hostile, "utf-8")),
    );
    // Decomposed Unicode, as some editors on macOS save it.
    let nfd_title: String = "Hướng dẫn đăng ký khai sinh trực tuyến".nfd().collect();
    let nfd_body: String = body("Hướng dẫn đăng ký khai sinh trực tuyến trên cổng dịch vụ công").nfd().collect();
    rss_site.set("/tin/khai-sinh.html", Reply::html(&article_page(&nfd_title, "05/03/2024", &nfd_body, "utf-8")));
    // Old-style tone placement.
    rss_site.set(
        "/tin/tiep-dan.html",
        Reply::html(&article_page(
            "Lịch tiếp công dân của phường Thuận Hoà",
            "01/12/2026",
            &body("Lịch tiếp công dân định kỳ tại phường Thuận Hoà, khoẻ mạnh, thuỷ lợi"),
            "utf-8",
        )),
    );
    // UTF-8 bytes in a page whose header and meta tag claim windows-1258.
    rss_site.set(
        "/tin/nghi-tet.html",
        Reply::Ok {
            content_type: "text/html; charset=windows-1258".into(),
            body: article_page(
                "Thông báo lịch nghỉ Tết Nguyên đán Bính Ngọ",
                "20/01/2026",
                &body("Lịch nghỉ Tết Nguyên đán Bính Ngọ của cán bộ, công chức"),
                "windows-1258",
            )
            .into_bytes(),
            etag: None,
        },
    );
    rss_site.set("/tin/loi.html", Reply::Status(500));
    rss_site.set(
        "/noi-bo/bao-cao.html",
        Reply::html(&article_page("Báo cáo nội bộ", "01/01/2026", &body("Báo cáo nội bộ"), "utf-8")),
    );
    let link = |p: &str| rss_site.url(p);
    let items = [
        (
            "Thông báo tuyển dụng viên chức năm 2026",
            link("/tin/tuyen-dung.html"),
            "Tuyển dụng 45 chỉ tiêu viên chức",
            "Fri, 02 Jun 2017 06:45:00 +0700",
        ),
        (nfd_title.as_str(), link("/tin/khai-sinh.html"), "Hướng dẫn", "Tue, 05 Mar 2024 08:00:00 +0700"),
        (
            "Lịch tiếp công dân của phường Thuận Hoà",
            link("/tin/tiep-dan.html"),
            "Lịch tiếp dân",
            "Tue, 01 Dec 2026 08:00:00 +0700",
        ),
        (
            "Thông báo lịch nghỉ Tết Nguyên đán Bính Ngọ",
            link("/tin/nghi-tet.html"),
            "Lịch nghỉ Tết",
            "Tue, 20 Jan 2026 08:00:00 +0700",
        ),
        ("Bài lỗi", link("/tin/loi.html"), "Trang này trả lỗi 500", "Tue, 20 Jan 2026 08:00:00 +0700"),
        ("Báo cáo nội bộ", link("/noi-bo/bao-cao.html"), "Không được thu thập", "Tue, 20 Jan 2026 08:00:00 +0700"),
    ];
    let items: Vec<(&str, &str, &str, &str)> = items.iter().map(|(a, b, c, d)| (*a, b.as_str(), *c, *d)).collect();
    rss_site.set("/rss.xml", Reply::xml(&rss("Sở Tư pháp", &items)));
    rss_site.set(
        "/tin/cchc.html",
        Reply::html(&article_page(
            "Kế hoạch cải cách hành chính năm 2026",
            "10/01/2026",
            &body("Kế hoạch cải cách hành chính, số hóa hồ sơ"),
            "utf-8",
        )),
    );
    rss_site.set(
        "/rdf.xml",
        Reply::xml(&format!(
            "<?xml version=\"1.0\"?>\n<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\" xmlns=\"http://purl.org/rss/1.0/\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\
             <channel rdf:about=\"{0}/rdf.xml\"><title>Sở Tư pháp</title><link>{0}/</link><description>Tin</description></channel>\
             <item rdf:about=\"{0}/tin/cchc.html\"><title>Kế hoạch cải cách hành chính năm 2026</title><link>{0}/tin/cchc.html</link><dc:date>2026-01-10T08:00:00+07:00</dc:date></item></rdf:RDF>",
            rss_site.base
        )),
    );

    // An Atom site whose pages hold almost nothing: the feed's full content is used.
    let atom_site = FixtureSite::start();
    atom_site.set(
        "/bai/sot-xuat-huyet",
        Reply::html("<html><head><title>Khuyến cáo</title></head><body><p>Đang tải…</p></body></html>"),
    );
    atom_site.set(
        "/atom.xml",
        Reply::xml(&format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>Sở Y tế</title><id>urn:soyte</id><updated>2026-11-20T00:00:00Z</updated>\
             <entry><title>Khuyến cáo phòng chống sốt xuất huyết mùa mưa</title><id>urn:soyte:1</id><link href=\"{}/bai/sot-xuat-huyet\"/>\
             <updated>2026-11-20T07:00:00+07:00</updated><summary>Người dân chủ động diệt lăng quăng, bọ gậy.</summary>\
             <content type=\"html\">{}</content></entry></feed>",
            atom_site.base,
            xml_escape(&body("Sở Y tế khuyến cáo người dân diệt lăng quăng, bọ gậy, ngủ màn để phòng chống sốt xuất huyết"))
        )),
    );

    // A sitemap site (index → child) with pages in windows-1258 and TCVN3.
    let sitemap_site = FixtureSite::start();
    let cp1258 = article_page(
        "Thông báo về việc cấp đổi căn cước cho công dân",
        "15/11/2026",
        &body("Cấp đổi căn cước cho công dân từ đủ 14 tuổi"),
        "windows-1258",
    );
    sitemap_site.set(
        "/tin/can-cuoc.html",
        Reply::Ok {
            content_type: "text/html; charset=windows-1258".into(),
            body: encode_windows_1258(&cp1258),
            etag: None,
        },
    );
    // TCVN3 has no marked capitals; such pages declare nothing (the font did the work).
    let tcvn3 = "<html><head><title>Kế hoạch tổ chức hội nghị tiếp xúc cử tri</title></head><body><h1>Kế hoạch tổ chức hội nghị tiếp xúc cử tri</h1>\
         <div class=\"content\"><p>Thực hiện chương trình công tác, ủy ban tổ chức hội nghị tiếp xúc cử tri trước kỳ họp cuối năm tại nhà văn hóa khu phố.</p>\
         <p>Đề nghị các tổ dân phố thông báo rộng rãi để cử tri tham dự đông đủ, đóng góp ý kiến về các vấn đề dân sinh ở địa phương.</p></div></body></html>";
    sitemap_site.set(
        "/tin/tiep-xuc-cu-tri.html",
        Reply::Ok { content_type: "text/html".into(), body: encode_tcvn3(tcvn3), etag: None },
    );
    sitemap_site.set(
        "/tin/phong-chay.html",
        Reply::html(&article_page(
            "Tăng cường phòng cháy chữa cháy mùa khô",
            "12/11/2026",
            &body("Phòng cháy chữa cháy tại khu dân cư mùa khô"),
            "utf-8",
        )),
    );
    sitemap_site.set(
        "/sitemap.xml",
        Reply::xml(&format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><sitemap><loc>{}/sitemap-tin.xml</loc></sitemap></sitemapindex>",
            sitemap_site.base
        )),
    );
    let pages: Vec<(String, &str)> = ["/tin/can-cuoc.html", "/tin/tiep-xuc-cu-tri.html", "/tin/phong-chay.html"]
        .iter()
        .map(|p| (sitemap_site.url(p), "2026-11-15"))
        .collect();
    sitemap_site.set("/sitemap-tin.xml", Reply::xml(&sitemap(&pages)));

    // A commune site with no feed at all: a listing page read through CSS selectors.
    let html_site = FixtureSite::start();
    html_site.set(
        "/tin-tuc",
        Reply::html(
            "<html><body><nav><a href=\"/\">Trang chủ</a><a href=\"/lien-he\">Liên hệ</a></nav>\
             <ul class=\"ds-tin\"><li><a href=\"tin-tuc/chi-tiet?id=101\">Tổ chức ngày hội đại đoàn kết</a></li><li><a href=\"/tin-tuc/chi-tiet?id=102\">Ra quân vệ sinh môi trường</a></li></ul></body></html>",
        ),
    );
    let commune_page = |title: &str, date: &str, text: &str| {
        format!(
            "<html><head><meta charset=\"utf-8\"><title>Phường Vỹ Dạ</title></head><body><div class=\"menu\"><a href=\"/\">Trang chủ</a></div>\
             <h2 class=\"tieu-de\">{title}</h2><span class=\"ngay-dang\">{date}</span><div class=\"noi-dung\">{}</div><div class=\"lien-quan\">Tin liên quan: Ra quân vệ sinh</div></body></html>",
            body(text)
        )
    };
    html_site.set(
        "/tin-tuc/chi-tiet?id=101",
        Reply::html(&commune_page(
            "Tổ chức ngày hội đại đoàn kết toàn dân tộc",
            "Thứ hai, 10/09/2018 14:10",
            "Ngày hội đại đoàn kết toàn dân tộc ở khu dân cư",
        )),
    );
    html_site.set(
        "/tin-tuc/chi-tiet?id=102",
        Reply::html(&commune_page(
            "Ra quân vệ sinh môi trường đón Tết",
            "02/06/2017 06:45",
            "Ra quân tổng vệ sinh môi trường đường phố",
        )),
    );

    // Faulty sites: errors, a malformed feed, an endless body, a redirect loop on one host;
    // a hanging one and a dead one on their own.
    let faulty = FixtureSite::start();
    faulty.set("/loi-500.xml", Reply::Status(500));
    faulty
        .set("/hong.xml", Reply::xml("<rss version=\"2.0\"><channel><title>Hỏng</title><item><title>Mất thẻ đóng</ti"));
    faulty.set("/lon.xml", Reply::Endless(50 * 1024 * 1024));
    faulty.set("/vong-a", Reply::Redirect("/vong-b".into()));
    faulty.set("/vong-b", Reply::Redirect("/vong-a".into()));
    let hanging = FixtureSite::start();
    hanging.set("/rss.xml", Reply::Hang);
    let dead = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port");

    let province = "thanh-pho-hue";
    let sources = vec![
        source("so-tu-phap", province, "feed", &rss_site.url("/rss.xml"), ""),
        source("so-tu-phap-rdf", province, "feed", &rss_site.url("/rdf.xml"), ""),
        source("so-y-te", province, "feed", &atom_site.url("/atom.xml"), ""),
        source("so-noi-vu", province, "sitemap", &sitemap_site.url("/sitemap.xml"), ""),
        source(
            "phuong-vy-da",
            "phuong-vy-da-hue",
            "html",
            &html_site.url("/tin-tuc"),
            "selectors = { links = \"ul.ds-tin a\", title = \"h2.tieu-de\", date = \"span.ngay-dang\", body = \"div.noi-dung\" }",
        ),
        source("loi-500", province, "feed", &faulty.url("/loi-500.xml"), ""),
        source("xml-hong", province, "feed", &faulty.url("/hong.xml"), ""),
        source("qua-lon", province, "feed", &faulty.url("/lon.xml"), ""),
        source("vong-lap", province, "feed", &faulty.url("/vong-a"), ""),
        source("treo", province, "feed", &hanging.url("/rss.xml"), ""),
        source("chet", province, "feed", &format!("http://{dead}/rss.xml"), ""),
    ];
    Fixtures { rss_site, sitemap_site, sources }
}

const TEST_CRAWLER: &str =
    "enabled = false\nhost_delay_ms = 20\ntimeout_ms = 1500\nretries = 1\nbackoff_ms = 100\nmax_body_bytes = 5000000\n";

#[test]
fn crawl_merges_every_kind_of_site_and_records_every_fault() {
    let site = Site::new(Database::Sqlite);
    let f = fixtures();
    write_config(&site, TEST_CRAWLER, &f.sources);
    let imported = run(&site, &["import", "admin-units", admin_units().to_str().expect("path")]);
    assert!(imported.status.success(), "{}", stdout(&imported));

    let first = run(&site, &["crawl"]);
    assert_eq!(first.status.code(), Some(2), "faulty listings make the exit code 2:\n{}", stdout(&first));
    let r = reports(&first);
    let report = |id: &str| r.get(id).cloned().unwrap_or_else(|| panic!("no report for {id}:\n{}", stdout(&first)));
    assert!(report("so-tu-phap").starts_with("6 items, 4 created, 0 updated"), "{}", stdout(&first));
    assert!(report("so-tu-phap").ends_with("2 failed"), "{}", report("so-tu-phap"));
    for (id, created) in [("so-tu-phap-rdf", 1), ("so-y-te", 1), ("so-noi-vu", 3), ("phuong-vy-da", 2)] {
        assert!(
            report(id).contains(&format!("{created} created")) && report(id).ends_with("0 failed"),
            "{id}: {}",
            report(id)
        );
    }
    for (id, reason) in [
        ("loi-500", "HTTP 500"),
        ("xml-hong", "not a valid RSS or Atom feed"),
        ("qua-lon", "larger than the 5000000-byte cap"),
        ("vong-lap", "redirects"),
        ("treo", "no complete answer within"),
        ("chet", "127.0.0.1"),
    ] {
        assert!(report(id).starts_with("failed: ") && report(id).contains(reason), "{id}: {}", report(id));
        let shown = stdout(&run(&site, &["sources", "show", id]));
        assert!(shown.contains("consecutive failures: 1") && shown.contains(reason), "{id} health:\n{shown}");
        assert!(shown.contains("state:                failing"), "{shown}");
    }
    // A source failing for a day is flagged (its first failure moved a year back).
    query(
        &site,
        "UPDATE sources SET failing_since = replace(failing_since, substr(failing_since, 1, 4), '2025') WHERE id = 'chet'",
    );
    let listed = stdout(&run(&site, &["sources", "list"]));
    assert!(listed.lines().any(|l| l.starts_with("chet\tfeed\tFLAGGED")), "{listed}");
    assert!(listed.lines().any(|l| l.starts_with("so-y-te\tfeed\tok\t1\t")), "{listed}");

    // Item failures are on the source too, and robots.txt kept the crawler out.
    let shown = stdout(&run(&site, &["sources", "show", "so-tu-phap"]));
    assert!(shown.contains("2 of 6 items failed") && shown.contains("items seen:           6"), "{shown}");
    // The page whose charset declaration lies was read, and the site's fault is on record.
    assert!(
        shown.contains("pages read despite a fault: 1; first: ")
            && shown.contains("/tin/nghi-tet.html: declares charset windows-1258 but its bytes are not; read as UTF-8"),
        "{shown}"
    );
    let crawled = stdout(&first);
    assert!(
        crawled.contains("/tin/loi.html: HTTP 500")
            && crawled.contains("disallows /noi-bo/bao-cao.html")
            && crawled.contains("/tin/nghi-tet.html: read despite: declares charset windows-1258"),
        "{crawled}"
    );
    assert!(!f.rss_site.hits().iter().any(|h| h.contains("/noi-bo/")), "robots.txt obeyed");

    // A second crawl with nothing changed writes nothing but the sources' health.
    let snapshot = |site: &Site| {
        [
            "SELECT id, title, updated_at, content_hash, state FROM documents ORDER BY id",
            "SELECT COUNT(*) FROM change_log",
            "SELECT * FROM crawl_items ORDER BY id",
        ]
        .map(|sql| query(site, sql))
    };
    let before = snapshot(&site);
    let second = run(&site, &["crawl"]);
    let r2 = reports(&second);
    for id in ["so-tu-phap-rdf", "so-y-te", "so-noi-vu", "phuong-vy-da"] {
        assert!(r2[id].contains("0 created, 0 updated"), "{id}: {}", r2[id]);
    }
    assert!(
        r2["so-tu-phap"].contains("0 created, 0 updated") && r2["so-tu-phap"].ends_with("2 failed"),
        "failed items are retried: {}",
        r2["so-tu-phap"]
    );
    assert_eq!(before, snapshot(&site), "the second crawl changed stored documents or items");

    // Every good item is searchable with correct Vietnamese text.
    let server = site.serve(&[]).expect("serve");
    for (q, title) in [
        ("tuyen dung vien chuc", "Thông báo tuyển dụng viên chức năm 2026"),
        ("huong dan dang ky khai sinh truc tuyen", "Hướng dẫn đăng ký khai sinh trực tuyến"),
        ("lich tiep cong dan thuan hoa", "Lịch tiếp công dân của phường Thuận Hòa"),
        ("Thuận Hoà tiếp công dân", "Lịch tiếp công dân của phường Thuận Hòa"),
        ("nghi tet nguyen dan binh ngo", "Thông báo lịch nghỉ Tết Nguyên đán Bính Ngọ"),
        ("cai cach hanh chinh 2026", "Kế hoạch cải cách hành chính năm 2026"),
        ("diet lang quang bo gay", "Khuyến cáo phòng chống sốt xuất huyết mùa mưa"),
        ("cap doi can cuoc", "Thông báo về việc cấp đổi căn cước cho công dân"),
        ("tiep xuc cu tri", "Kế hoạch tổ chức hội nghị tiếp xúc cử tri"),
        ("hội nghị tiếp xúc cử tri nhà văn hóa", "Kế hoạch tổ chức hội nghị tiếp xúc cử tri"),
        ("ngay hoi dai doan ket", "Tổ chức ngày hội đại đoàn kết toàn dân tộc"),
        ("ve sinh moi truong", "Ra quân vệ sinh môi trường đón Tết"),
        ("phong chay chua chay", "Tăng cường phòng cháy chữa cháy mùa khô"),
    ] {
        let hit = first_hit(&server, q);
        assert_eq!(hit.as_ref().map(|h| h.0.as_str()), Some(title), "query {q:?}");
    }
    assert!(first_hit(&server, "bao cao noi bo").is_none_or(|h| h.0 != "Báo cáo nội bộ"));

    // The portal's copy: sanitised, links absolute, the original linked, the date read.
    let (_, url) = first_hit(&server, "tuyen dung vien chuc").expect("hit");
    let (status, page) = server.page(&url);
    assert_eq!(status, 200);
    assert!(
        page.contains("Xem bản gốc") && page.contains(&format!("href=\"{}\"", f.rss_site.url("/tin/tuyen-dung.html"))),
        "origin linked"
    );
    assert!(
        page.contains(&format!("href=\"{}\"", f.rss_site.url("/van-ban/qd-12.pdf"))),
        "relative links made absolute"
    );
    for hostile in ["alert(", "steal()", "<iframe", "onerror", "onclick", "evil.example"] {
        assert!(!page.contains(hostile), "{hostile} survived sanitising");
    }
    assert!(page.contains("02/06/2017"), "date from the page");
    assert!(!page.contains("Địa chỉ: số 1 đường Lê Lợi"), "the site's footer is left out");
    let (_, url) = first_hit(&server, "ngay hoi dai doan ket").expect("hit");
    let (_, page) = server.page(&url);
    assert!(page.contains("10/09/2018") && !page.contains("Tin liên quan"), "the selectors' date and body");

    // Changes: an item edited at its origin is updated; one dropped from the sitemap and
    // one gone (410) are withdrawn with a note, not deleted.
    let rss_site = &f.rss_site;
    let edited = body("Thông báo tuyển dụng viên chức năm 2026 nay bổ sung 10 chỉ tiêu kế toán");
    rss_site.set(
        "/tin/tuyen-dung.html",
        Reply::html(&article_page("Thông báo tuyển dụng viên chức năm 2026", "02/06/2017 06:45", &edited, "utf-8")),
    );
    let feed = match rss_site_feed(rss_site) {
        Some(text) => text
            .replace("Tuyển dụng 45 chỉ tiêu viên chức", "Bổ sung chỉ tiêu kế toán")
            .replace("Tue, 01 Dec 2026 08:00:00 +0700", "Tue, 01 Dec 2026 09:00:00 +0700"),
        None => panic!("feed"),
    };
    rss_site.set("/rss.xml", Reply::xml(&feed));
    rss_site.set("/tin/tiep-dan.html", Reply::Status(410));
    let sm = &f.sitemap_site;
    let pages: Vec<(String, &str)> =
        ["/tin/can-cuoc.html", "/tin/tiep-xuc-cu-tri.html"].iter().map(|p| (sm.url(p), "2026-11-15")).collect();
    sm.set("/sitemap-tin.xml", Reply::xml(&sitemap(&pages)));
    let third = run(&site, &["crawl"]);
    let r3 = reports(&third);
    assert!(r3["so-tu-phap"].contains("1 updated") && r3["so-tu-phap"].contains("1 withdrawn"), "{}", stdout(&third));
    assert!(r3["so-noi-vu"].contains("1 withdrawn"), "{}", r3["so-noi-vu"]);
    wait_for("the edit is searchable", Duration::from_secs(15), || {
        first_hit(&server, "chi tieu ke toan").is_some_and(|h| h.0 == "Thông báo tuyển dụng viên chức năm 2026")
    });
    wait_for("the withdrawn items leave search", Duration::from_secs(15), || {
        first_hit(&server, "phong chay chua chay").is_none_or(|h| h.0 != "Tăng cường phòng cháy chữa cháy mùa khô")
            && first_hit(&server, "lich tiep cong dan thuan hoa").is_none_or(|h| !h.0.starts_with("Lịch tiếp công dân"))
    });
    let withdrawn = query(&site, "SELECT path, state_note FROM documents WHERE state = 'withdrawn' ORDER BY path");
    assert_eq!(withdrawn.len(), 2, "{withdrawn:?}");
    for row in &withdrawn {
        let (path, note) = row.split_once('|').expect("row");
        let (status, page) = server.page(path);
        assert_eq!(status, 200, "a withdrawn page stays, marked");
        assert!(page.contains("Đã gỡ bỏ") && page.contains(note), "{path}: {page}");
    }
    assert!(
        withdrawn.iter().any(|w| w.contains("HTTP 410")) && withdrawn.iter().any(|w| w.contains("sơ đồ trang web")),
        "{withdrawn:?}"
    );
    server.stop();
}

/// The feed the RSS fixture serves now.
fn rss_site_feed(site: &FixtureSite) -> Option<String> {
    reqwest::blocking::get(site.url("/rss.xml")).ok()?.text().ok()
}

#[test]
fn an_item_added_to_a_feed_is_searchable_within_one_interval() {
    let site = Site::new(Database::Sqlite);
    let feed_site = FixtureSite::start();
    let page = |t: &str| Reply::html(&article_page(t, "01/12/2026", &body(t), "utf-8"));
    feed_site.set("/tin/1.html", page("Thông báo thu phí vệ sinh môi trường"));
    let one = (
        "Thông báo thu phí vệ sinh môi trường",
        feed_site.url("/tin/1.html"),
        "Thu phí",
        "Tue, 01 Dec 2026 08:00:00 +0700",
    );
    feed_site.set("/rss.xml", Reply::xml(&rss("Phường", &[(one.0, &one.1, one.2, one.3)])));
    let interval = 10;
    write_config(
        &site,
        "enabled = true\nhost_delay_ms = 20\n",
        &[source(
            "phuong",
            "thanh-pho-hue",
            "feed",
            &feed_site.url("/rss.xml"),
            &format!("interval_secs = {interval}"),
        )],
    );
    let server = site.serve(&["--demo"]).expect("serve");
    wait_for("the first crawl at start", Duration::from_secs(20), || {
        first_hit(&server, "thu phi ve sinh").is_some_and(|h| h.0 == one.0)
    });

    feed_site.set("/tin/2.html", page("Thông báo tạm ngừng cấp nước sinh hoạt"));
    let two = (
        "Thông báo tạm ngừng cấp nước sinh hoạt",
        feed_site.url("/tin/2.html"),
        "Ngừng cấp nước",
        "Tue, 01 Dec 2026 10:00:00 +0700",
    );
    feed_site
        .set("/rss.xml", Reply::xml(&rss("Phường", &[(two.0, &two.1, two.2, two.3), (one.0, &one.1, one.2, one.3)])));
    // The next poll is at most interval × 1.1 away (jitter); then 2 s to be searchable.
    let limit = Duration::from_millis(interval * 1100 + 2000);
    let took =
        wait_for("the new item", limit, || first_hit(&server, "tam ngung cap nuoc").is_some_and(|h| h.0 == two.0));
    eprintln!("new feed item searchable after {took:?} (limit {limit:?})");
    let (status, _) = server.page("/");
    assert_eq!(status, 200);
    server.stop();
}

fn restart_mid_crawl(db: Database) {
    let Some(news) = real_news(30, "restart_mid_crawl") else { return };
    let site = Site::new(db);
    let news_site = FixtureSite::start();
    let mut urls = Vec::new();
    for (i, a) in news.iter().enumerate() {
        let path = format!("/bai/{i}.html");
        let text: String = format!("<p>{}</p><p>{}</p>", xml_escape(&a.sapo), xml_escape(&a.body));
        news_site.set(&path, Reply::html(&article_page(&xml_escape(&a.title), "01/06/2017", &text, "utf-8")));
        urls.push((news_site.url(&path), "2017-06-01"));
    }
    news_site.set("/sitemap.xml", Reply::xml(&sitemap(&urls)));
    // 300 ms between requests: the crawl of 30 pages takes about 9 s, time to kill it.
    write_config(
        &site,
        "enabled = true\nhost_delay_ms = 300\n",
        &[source("bao", "thanh-pho-hue", "sitemap", &news_site.url("/sitemap.xml"), "")],
    );
    let server = site.serve(&["--demo"]).expect("serve");
    let pages_fetched = || news_site.hits().iter().filter(|h| h.contains("/bai/")).count();
    wait_for("the crawl to be under way", Duration::from_secs(60), || pages_fetched() >= 8);
    server.stop(); // SIGKILL: no graceful end
    let fetched_before = pages_fetched();
    assert!(fetched_before < news.len(), "the crawl was interrupted ({fetched_before} pages fetched)");

    let server = site.serve(&[]).expect("restart");
    let total = || {
        let (_, body) = server.json("/api/v1/search?kind=announcement&agency=thanh-pho-hue&per_page=1");
        body["total"].as_u64().unwrap_or(0)
    };
    wait_for("every article after the restart", Duration::from_secs(90), || total() >= news.len() as u64);
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(total(), news.len() as u64, "nothing duplicated in search");
    let count = |sql: &'static str| query(&site, sql).first().cloned().unwrap_or_default();
    assert_eq!(count("SELECT COUNT(*) FROM documents WHERE origin_key LIKE 'crawl:%'"), news.len().to_string());
    assert_eq!(count("SELECT COUNT(*) FROM crawl_items WHERE state = 'stored'"), news.len().to_string());
    assert_eq!(
        count("SELECT COUNT(DISTINCT path) FROM documents WHERE origin_key LIKE 'crawl:%'"),
        news.len().to_string()
    );
    for a in news.iter().take(5) {
        let hit = first_hit(&server, &a.title);
        assert_eq!(hit.map(|h| h.0), Some(motcua_search::normalize::canonical(&a.title)), "{}", a.title);
    }
    server.stop();
}

#[test]
fn restarting_mid_crawl_loses_and_duplicates_nothing_sqlite() {
    restart_mid_crawl(Database::Sqlite);
}

#[test]
fn restarting_mid_crawl_loses_and_duplicates_nothing_postgres() {
    if let Some(db) = Database::postgres("restarting_mid_crawl_loses_and_duplicates_nothing_postgres") {
        restart_mid_crawl(db);
    }
}

#[test]
fn a_syndicated_article_is_kept_once_and_credits_the_original() {
    let site = Site::new(Database::Sqlite);
    let original = FixtureSite::start();
    let copier = FixtureSite::start();
    let articles = [
        ("/a1.html", "Thông báo kết quả thi tuyển công chức năm 2026"),
        ("/a2.html", "Hướng dẫn nộp hồ sơ cấp phiếu lý lịch tư pháp trực tuyến"),
        ("/a3.html", "Kế hoạch kiểm tra công tác chứng thực tại cấp xã"),
    ];
    for (path, title) in articles {
        original.set(path, Reply::html(&article_page(title, "20/11/2026", &body(title), "utf-8")));
    }
    // The copier's pages: its own chrome, the same article; two name their original.
    for (i, (path, title)) in articles.iter().enumerate() {
        let canonical =
            if i == 1 { String::new() } else { format!("<link rel=\"canonical\" href=\"{}\">", original.url(path)) };
        copier.set(
            &format!("/dang-lai{path}"),
            Reply::html(&format!(
                "<html><head><meta charset=\"utf-8\"><title>{title} - Báo địa phương</title>{canonical}</head><body>\
                 <div class=\"quang-cao\">Quảng cáo</div><article><h1>{title}</h1><div class=\"content\">{}</div></article>\
                 <p class=\"nguon\">Nguồn: Sở Tư pháp</p></body></html>",
                body(title)
            )),
        );
    }
    let feed = |site: &FixtureSite, paths: &[(&str, &str)], prefix: &str| {
        let links: Vec<String> = paths.iter().map(|(p, _)| site.url(&format!("{prefix}{p}"))).collect();
        let items: Vec<(&str, &str, &str, &str)> = paths
            .iter()
            .zip(&links)
            .map(|((_, t), l)| (*t, l.as_str(), "", "Fri, 20 Nov 2026 08:00:00 +0700"))
            .collect();
        Reply::xml(&rss("Tin", &items))
    };
    // The original publishes a3 only later; the copier carries all three at once.
    original.set("/rss.xml", feed(&original, &articles[..2], ""));
    copier.set("/rss.xml", feed(&copier, &articles, "/dang-lai"));
    write_config(
        &site,
        TEST_CRAWLER,
        &[
            source("so-tu-phap", "thanh-pho-hue", "feed", &original.url("/rss.xml"), ""),
            source("bao-dia-phuong", "phuong-thuan-hoa-hue", "feed", &copier.url("/rss.xml"), ""),
        ],
    );
    assert!(run(&site, &["import", "admin-units", admin_units().to_str().expect("path")]).status.success());
    let crawl = |id: &str| {
        let o = run(&site, &["crawl", "--source", id]);
        assert!(o.status.success(), "{}", stdout(&o));
        reports(&o).remove(id).unwrap_or_default()
    };
    assert!(crawl("so-tu-phap").contains("2 created"));
    let copied = crawl("bao-dia-phuong");
    assert!(copied.contains("1 created") && copied.contains("2 duplicates"), "{copied}");
    original.set("/rss.xml", feed(&original, &articles, ""));
    let claimed = crawl("so-tu-phap");
    assert!(claimed.contains("0 created, 1 updated"), "the original takes over the copy stored first: {claimed}");

    let documents = query(&site, "SELECT origin_url, agency_id FROM documents ORDER BY origin_url");
    assert_eq!(documents.len(), 3, "each article once: {documents:?}");
    let agency = query(&site, "SELECT id FROM agencies WHERE slug = 'thanh-pho-hue'");
    for ((path, _), row) in articles.iter().zip(&documents) {
        assert_eq!(row, &format!("{}|{}", original.url(path), agency[0]), "credited to the original");
    }
    let server = site.serve(&[]).expect("serve");
    for (path, title) in articles {
        let (_, found) = server.json(&format!("/api/v1/search?kind=announcement&q={}", url_encode(title)));
        let same: Vec<_> = found["hits"].as_array().expect("hits").iter().filter(|h| h["title"] == title).collect();
        assert_eq!(same.len(), 1, "{title}: {found}");
        let (_, page) = server.page(same[0]["url"].as_str().expect("url"));
        assert!(page.contains(&format!("href=\"{}\"", original.url(path))) && page.contains("Thành phố Huế"), "{page}");
    }
    server.stop();
}

#[test]
fn old_addresses_redirect_to_the_portals_copies() {
    let site = Site::new(Database::Sqlite);
    // The website of a district abolished in 2025, still crawlable for now.
    let district = FixtureSite::start();
    let title = "Thông báo lịch tiếp công dân của huyện tháng 6";
    district
        .set("/tin/lich-tiep-dan.aspx?id=7", Reply::html(&article_page(title, "01/06/2025", &body(title), "utf-8")));
    district.set("/sitemap.xml", Reply::xml(&sitemap(&[(district.url("/tin/lich-tiep-dan.aspx?id=7"), "2025-06-01")])));
    write_config(
        &site,
        TEST_CRAWLER,
        &[source("huyen-cu", "thanh-pho-hue", "sitemap", &district.url("/sitemap.xml"), "")],
    );
    let legacy = format!(
        "\n[legacy]\npublic_url = \"https://motcua.example\"\n[[legacy.sites]]\norigin = \"{}\"\nhost = \"huyen-a.example\"\npath = \"/cu/huyen-a\"\nagency = \"thanh-pho-hue\"\n",
        district.base
    );
    let config = site.dir.path().join("motcua.toml");
    let text = std::fs::read_to_string(&config).expect("config");
    std::fs::write(&config, format!("{text}{legacy}")).expect("config");
    assert!(run(&site, &["import", "admin-units", admin_units().to_str().expect("path")]).status.success());
    let crawled = run(&site, &["crawl"]);
    assert!(crawled.status.success(), "{}", stdout(&crawled));
    // Pages never crawled get an explicit mapping; a bad line is reported, the rest kept.
    let mapping = site.dir.path().join("redirects.tsv");
    let old_procedure = district.url("/dich-vu/khai-sinh.aspx");
    std::fs::write(&mapping, format!("# thủ tục cũ\n{old_procedure}\t/thu-tuc/1.001193\nkhong-phai-url /x\n"))
        .expect("mapping");
    let imported = run(&site, &["redirects", "import", mapping.to_str().expect("path")]);
    assert_eq!(imported.status.code(), Some(2), "{}", stdout(&imported));
    assert!(
        stdout(&imported).contains("1 redirects saved, 1 lines rejected") && stdout(&imported).contains("line 3"),
        "{}",
        stdout(&imported)
    );

    let server = site.serve(&["--demo"]).expect("serve");
    let http =
        reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    let get = |path: &str, host: Option<&str>| {
        let mut request = http.get(format!("{}{path}", server.base));
        if let Some(h) = host {
            request = request.header("Host", h);
        }
        let response = request.send().expect("request");
        let location = response.headers().get("location").and_then(|l| l.to_str().ok()).map(String::from);
        (response.status().as_u16(), location, response.text().unwrap_or_default())
    };
    let (status, location, _) = get("/cu/huyen-a/tin/lich-tiep-dan.aspx?id=7", None);
    assert_eq!(status, 301);
    let copy = location.expect("location");
    assert!(copy.starts_with("/tin-tuc/thong-bao-lich-tiep-cong-dan"), "{copy}");
    let (status, page) = server.page(&copy);
    assert!(status == 200 && page.contains(title));
    let (status, location, _) = get("/tin/lich-tiep-dan.aspx?id=7", Some("huyen-a.example"));
    assert_eq!((status, location), (301, Some(format!("https://motcua.example{copy}"))), "by the old host name");
    let (status, location, _) = get("/", Some("HUYEN-A.example:80"));
    assert_eq!((status, location.as_deref()), (301, Some("https://motcua.example/co-quan/thanh-pho-hue")));
    let (status, location, _) = get("/cu/huyen-a/dich-vu/khai-sinh.aspx", None);
    assert_eq!((status, location.as_deref()), (301, Some("/thu-tuc/1.001193")), "explicit mapping");
    let (status, _, page) = get("/cu/huyen-a/khong-con.aspx?x=<b>", None);
    assert_eq!(status, 404);
    assert!(page.contains("Trang cũ không còn") && page.contains("khong-con.aspx") && !page.contains("<b>"), "{page}");
    let (status, _, _) = get("/", None);
    assert_eq!(status, 200, "the portal's own pages are untouched");
    let (status, _, _) = get("/cu/huyen-abc", None);
    assert_eq!(status, 404, "a prefix matches whole segments only");
    server.stop();

    // A configured path over the portal's own pages is refused at start.
    std::fs::write(
        &config,
        format!("{text}\n[legacy]\n[[legacy.sites]]\norigin = \"http://x.example\"\npath = \"/tim-kiem\"\n"),
    )
    .expect("config");
    let refused = run(&site, &["serve", "--bind", "127.0.0.1:0"]);
    assert!(
        !refused.status.success() && stdout(&refused).contains("invalid [legacy] configuration"),
        "{}",
        stdout(&refused)
    );
}
