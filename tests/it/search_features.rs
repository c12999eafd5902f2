//! What the search offers beyond a ranked list, through the real binary over the demo
//! content: facets that refine, "did you mean", completions, document numbers and best bets.

use motcua_tests::{Database, Site, url_encode};

fn values(facet: &serde_json::Value) -> Vec<String> {
    facet.as_array().map(|a| a.iter().filter_map(|v| v["value"].as_str().map(str::to_string)).collect()).unwrap_or_default()
}

#[test]
fn facets_refine_by_level_field_and_year() {
    let site = Site::new(Database::Sqlite);
    let server = site.serve(&[]).expect("serve");
    let (status, body) = server.json("/api/v1/search?q=khai%20sinh");
    assert_eq!(status, 200);
    let topics = values(&body["facets"]["topic"]);
    assert!(topics.contains(&"Hộ tịch".to_string()), "{topics:?}");
    let levels = values(&body["facets"]["level"]);
    assert!(levels.contains(&"commune".to_string()) && levels.len() >= 2, "{levels:?}");
    let labels: Vec<&str> = body["facets"]["level"].as_array().expect("levels").iter().filter_map(|v| v["label"].as_str()).collect();
    assert!(labels.contains(&"Xã, phường, đặc khu"), "{labels:?}");

    // A field filter keeps only that field; its own facet still lists the others.
    let (_, body) = server.json(&format!("/api/v1/search?q=khai%20sinh&topic={}&per_page=50", url_encode("Hộ tịch")));
    let hits = body["hits"].as_array().expect("hits");
    assert!(!hits.is_empty() && hits.iter().all(|h| h["topic"] == "Hộ tịch"), "{body}");
    assert!(values(&body["facets"]["topic"]).len() > 1, "the field facet ignores its own filter");

    // Levels filter; counts add up with the facet's own number.
    let (_, all) = server.json("/api/v1/search?q=khai%20sinh&level=commune&per_page=50");
    let commune = all["facets"]["level"].as_array().expect("levels").iter().find(|v| v["value"] == "commune").map(|v| v["count"].clone());
    assert_eq!(commune, Some(all["total"].clone()), "{all}");

    // Years: the announcements' years, newest first; a year filter restricts to it.
    let (_, body) = server.json("/api/v1/search?kind=announcement");
    let years = values(&body["facets"]["year"]);
    assert!(!years.is_empty(), "{body}");
    let mut sorted = years.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(years, sorted);
    let (_, body) = server.json(&format!("/api/v1/search?kind=announcement&year={}", years[0]));
    assert!(body["total"].as_u64().unwrap_or(0) >= 1);

    for (query, parameter) in [("level=district", "level"), ("year=20x5", "year"), ("year=1200", "year"), ("topic=%00", "topic")] {
        let (status, body) = server.json(&format!("/api/v1/search?q=x&{query}"));
        assert_eq!((status, body["error"]["parameter"].as_str()), (400, Some(parameter)), "{query}: {body}");
    }

    // The page shows the same refinements as links, with JavaScript off.
    let (status, html) = server.page("/tim-kiem?q=khai+sinh");
    assert_eq!(status, 200);
    for heading in ["Loại", "Cấp thực hiện", "Lĩnh vực", "Cơ quan"] {
        assert!(html.contains(&format!(">{heading}</h2>")), "{heading}");
    }
    assert!(html.contains("topic=H%E1%BB%99+t%E1%BB%8Bch"), "field links keep the query");
    // …and as a form, to combine several filters at once.
    for name in ["kind", "level", "topic", "agency"] {
        assert!(html.contains(&format!("name=\"{name}\"")), "filter form lacks {name}");
    }
    assert!(html.contains("Lọc kết quả"));
    let (_, html) = server.page(&format!("/tim-kiem?q=khai+sinh&topic={}&level=commune", url_encode("Hộ tịch")));
    assert!(html.contains("selected"), "the chosen filters stay chosen in the form");
}

#[test]
fn helps_while_and_after_typing() {
    let site = Site::new(Database::Sqlite);
    let server = site.serve(&[]).expect("serve");

    // Titles show what matched, through folding and abbreviations.
    let (_, body) = server.json("/api/v1/search?q=dang%20ky%20khai%20sinh");
    assert_eq!(body["hits"][0]["title_html"], "<b>Đăng</b> <b>ký</b> <b>khai</b> <b>sinh</b>", "{body}");

    // "Did you mean" for a word found nowhere; never for a code.
    let (_, body) = server.json("/api/v1/search?q=dang%20ky%20khia%20sinh");
    assert_eq!(body["suggestion"], "dang ky khai sinh", "{body}");
    let (_, body) = server.json("/api/v1/search?q=dang%20ky%20khai%20sinh");
    assert!(body["suggestion"].is_null());
    let (_, body) = server.json("/api/v1/search?q=9.999999");
    assert!(body["suggestion"].is_null(), "{body}");
    // Question words are no typos: "ba" (father) is in no title, and not "va".
    let (_, body) = server.json("/api/v1/search?q=ba%20toi%20mat");
    assert!(body["suggestion"].is_null(), "{body}");
    let (_, html) = server.page("/tim-kiem?q=%C4%91%C4%83ng+k%C3%BD+khia+sinh");
    assert!(html.contains("Có phải bạn muốn tìm"), "the page offers the correction");
    assert!(html.contains("đăng ký khai sinh</a>"));

    // Completions: titles holding the half-typed words, titles starting with them first.
    let (status, body) = server.json("/api/v1/suggest?q=dang%20ky%20kh");
    assert_eq!(status, 200);
    let titles: Vec<&str> = body["documents"].as_array().expect("documents").iter().filter_map(|d| d["title"].as_str()).collect();
    assert!(titles.first().is_some_and(|t| t.starts_with("Đăng ký kh")), "{titles:?}");
    assert!(titles.contains(&"Đăng ký khai sinh"), "{titles:?}");
    // "Thủ tục …" as citizens type it, though published titles leave it out.
    let (_, body) = server.json(&format!("/api/v1/suggest?q={}", url_encode("thủ tục đăng ký kh")));
    let titles: Vec<&str> = body["documents"].as_array().expect("documents").iter().filter_map(|d| d["title"].as_str()).collect();
    assert!(titles.contains(&"Đăng ký khai sinh"), "{titles:?}");
    // A query asked often becomes a completion too.
    for _ in 0..3 {
        server.json("/api/v1/search?q=s%E1%BB%95%20%C4%91%E1%BB%8F");
    }
    let (_, body) = server.json("/api/v1/suggest?q=so%20d");
    assert_eq!(body["queries"][0], "sổ đỏ", "{body}");
    for (query, parameter) in [("", "q"), ("q=a&x=1", "x"), ("q=a&q=b", "q")] {
        let (status, body) = server.json(&format!("/api/v1/suggest?{query}"));
        assert_eq!((status, body["error"]["parameter"].as_str()), (400, Some(parameter)), "{query}: {body}");
    }
    let (status, js) = server.page("/style/autocomplete.js");
    assert_eq!(status, 200);
    assert!(js.contains("/api/v1/suggest"));
}

#[test]
fn best_bets_pin_documents_to_a_query_in_any_spelling() {
    let site = Site::new(Database::Sqlite);
    let server = site.serve(&[]).expect("serve");
    let first = |q: &str| {
        let (_, body) = server.json(&format!("/api/v1/search?q={}", url_encode(q)));
        (body["hits"][0]["code"].as_str().map(str::to_string), body["hits"][0]["pinned"].as_bool())
    };
    let before = first("giấy tờ cho con mới sinh");
    assert_ne!(before, (Some("1.001193".into()), Some(true)));

    let out = site.command().args(["best-bets", "set", "Giấy tờ cho con mới sinh", "1.001193"]).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(first("giay to cho con moi sinh"), (Some("1.001193".into()), Some(true)), "pinned, unaccented");
    let list = site.command().args(["best-bets", "list"]).output().expect("run");
    assert!(String::from_utf8_lossy(&list.stdout).contains("/thu-tuc/1.001193"));
    let (_, html) = server.page("/tim-kiem?q=gi%E1%BA%A5y+t%E1%BB%9D+cho+con+m%E1%BB%9Bi+sinh");
    assert!(html.contains("Đề xuất"), "the page marks the best bet");

    // A target that names nothing is refused with its name; nothing is changed.
    let out = site.command().args(["best-bets", "set", "abc", "9.999999"]).output().expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("9.999999"));

    let out = site.command().args(["best-bets", "remove", "giấy tờ cho con mới sinh"]).output().expect("run");
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("1 "), "{}", String::from_utf8_lossy(&out.stdout));
    assert_ne!(first("giay to cho con moi sinh").1, Some(true));

    // Both changes are in the audit log, by the command line; the refused one is not.
    let log = site.command().args(["audit", "list", "--action", "best_bet"]).output().expect("run");
    let log = String::from_utf8_lossy(&log.stdout);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(lines[0].contains("\tbest_bet.remove\t") && lines[1].contains("\tbest_bet.set\t"), "{log}");
    assert!(lines.iter().all(|l| l.contains("\tcli\t") && l.contains("query:giay to cho con moi sinh")), "{log}");
}

#[test]
fn a_document_number_finds_what_cites_it() {
    let site = Site::new(Database::Sqlite);
    let server = site.serve(&[]).expect("serve");
    // The decree detailing the Civil Status Law, cited by the civil-status procedures.
    let (_, body) = server.json(&format!("/api/v1/search?q={}", url_encode("123/2015/NĐ-CP")));
    assert!(body["total"].as_u64().unwrap_or(0) >= 20, "{body}");
    assert_eq!(body["hits"][0]["topic"], "Hộ tịch", "{body}");
    let (_, lower) = server.json(&format!("/api/v1/search?q={}", url_encode("123/2015/nd-cp")));
    assert_eq!(lower["hits"][0]["id"], body["hits"][0]["id"], "any case, with or without đ");
    assert!(lower["suggestion"].is_null(), "numbers are never corrected");
}

/// What a procedure's curated list names first for the answer is on the page even when it
/// shares no word with the question, saying why, and counted like the matches.
#[test]
fn the_answers_first_companions_are_shown_and_say_why() {
    let site = Site::new(Database::Sqlite);
    let server = site.serve(&[]).expect("serve");
    let query = url_encode("ba tôi mất làm giấy tờ gì");
    let (status, body) = server.json(&format!("/api/v1/search?q={query}"));
    assert_eq!(status, 200);
    let hits = body["hits"].as_array().expect("hits");
    assert_eq!(hits[0]["code"], "1.000656", "Đăng ký khai tử first: {body}");
    // The pension still owed to the dead: no word of the question is in its name.
    let pension = hits.iter().find(|h| h["code"] == "2.000717").expect("the pension on page one");
    assert_eq!(pension["goes_with"], "Đăng ký khai tử", "{pension}");
    assert!(hits.iter().filter(|h| h["goes_with"].is_string()).count() <= 3, "{body}");
    let (_, html) = server.page(&format!("/tim-kiem?q={query}"));
    assert!(html.contains("mc-document-list__goes-with") && html.contains("Thường cần khi làm thủ tục"), "{html}");

    // A code finds its procedure first, then its companions; the total and the facet
    // counts count what is shown.
    let (_, body) = server.json("/api/v1/search?q=1.001193");
    let codes: Vec<&str> = body["hits"].as_array().expect("hits").iter().filter_map(|h| h["code"].as_str()).collect();
    assert_eq!(codes.first(), Some(&"1.001193"), "{body}");
    assert_eq!(body["total"].as_u64(), Some(codes.len() as u64), "{body}");
    let kinds: u64 = body["facets"]["kind"].as_array().expect("kinds").iter().filter_map(|k| k["count"].as_u64()).sum();
    assert_eq!(kinds, codes.len() as u64, "{body}");
}
