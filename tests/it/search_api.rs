//! `GET /api/v1/search` and `GET /api/v1/procedures/{code}` against the demo content.

use motcua_tests::{Database, Site};

#[test]
fn search_api_answers_and_rejects_bad_parameters() {
    let site = Site::new(Database::Sqlite);
    let server = site.serve(&[]).expect("serve");

    // Unaccented, as citizens type.
    let (status, body) = server.json("/api/v1/search?q=dang%20ky%20khai%20sinh");
    assert_eq!(status, 200);
    assert_eq!(body["hits"][0]["title"], "Đăng ký khai sinh", "{body}");
    assert_eq!(body["hits"][0]["code"], "1.001193");
    assert_eq!(body["hits"][0]["url"], "/thu-tuc/1.001193");
    assert!(body["hits"][0]["snippet"].as_str().unwrap_or_default().contains("<b>"));
    assert!(body["total"].as_u64().unwrap_or(0) >= 5);
    assert_eq!(body["estimated"], false, "a few hundred demo documents are counted, not estimated");
    let kinds = body["facets"]["kind"].as_array().expect("kind facet");
    assert!(kinds.iter().any(|k| k["value"] == "procedure"));

    // Accented gives the same first hit; a code goes straight to its procedure.
    let (_, body) = server.json("/api/v1/search?q=%C4%91%C4%83ng%20k%C3%BD%20khai%20sinh");
    assert_eq!(body["hits"][0]["code"], "1.001193");
    let (_, body) = server.json("/api/v1/search?q=1.000656");
    assert_eq!(body["hits"][0]["code"], "1.000656", "{body}");

    // Filters and paging.
    let (_, body) = server.json("/api/v1/search?q=khai%20sinh&kind=announcement");
    assert!(body["hits"].as_array().expect("hits").iter().all(|h| h["kind"] == "announcement"));
    let (_, p1) = server.json("/api/v1/search?q=khai%20sinh&per_page=2&page=1");
    let (_, p2) = server.json("/api/v1/search?q=khai%20sinh&per_page=2&page=2");
    assert_eq!(p1["hits"].as_array().map(Vec::len), Some(2));
    assert_ne!(p1["hits"][0]["id"], p2["hits"][0]["id"]);
    let (_, body) = server.json("/api/v1/search?q=&agency=bo-tu-phap&per_page=50");
    assert!(body["hits"].as_array().expect("hits").iter().all(|h| h["agency"] == "bo-tu-phap"));

    // Bad parameters: 400, JSON, naming the parameter.
    for (query, parameter) in [
        ("page=abc", "page"),
        ("page=0", "page"),
        ("page=101", "page"),
        ("per_page=1000", "per_page"),
        ("kind=news", "kind"),
        ("agency=%3Cscript%3E", "agency"),
        ("sort=date", "sort"),
        ("q=a&q=b", "q"),
    ] {
        let (status, body) = server.json(&format!("/api/v1/search?{query}"));
        assert_eq!(status, 400, "{query}: {body}");
        assert_eq!(body["error"]["code"], "invalid_parameter");
        assert_eq!(body["error"]["parameter"], parameter, "{query}: {body}");
    }
    let long = "a".repeat(201);
    let (status, body) = server.json(&format!("/api/v1/search?q={long}"));
    assert_eq!((status, body["error"]["parameter"].as_str()), (400, Some("q")));
    // Malformed percent-encoding is read leniently, never a 500.
    let (status, _) = server.json("/api/v1/search?q=%E0%A4%A");
    assert_eq!(status, 200);

    // Hostile or odd input: results or a clear 400, never a 500.
    for q in [
        "%00%01%1F",                               // control characters
        "%F0%9F%98%80%20khai%20sinh",              // emoji
        "%22khai%20sinh",                          // unbalanced quote
        "!!!%20...%20%3F%3F",                      // only punctuation
        "khai%20sinh%20%D0%BF%D1%80%D0%B8%E4%BD%A0", // mixed scripts
        "%CC%81%CC%80",                            // lone combining marks
        "ddawng%20kys%20khai%20sinh",              // Telex residue
    ] {
        let (status, body) = server.json(&format!("/api/v1/search?q={q}"));
        assert_eq!(status, 200, "{q}: {body}");
    }
    let (_, body) = server.json("/api/v1/search?q=ddawng%20kys%20khai%20sinh");
    assert_eq!(body["hits"][0]["code"], "1.001193", "Telex residue understood: {body}");
    let ten_kb = "khai%20sinh%20".repeat(700);
    let (status, body) = server.json(&format!("/api/v1/search?q={ten_kb}"));
    assert_eq!((status, body["error"]["parameter"].as_str()), (400, Some("q")));

    // One procedure.
    let (status, body) = server.json("/api/v1/procedures/1.001193");
    assert_eq!(status, 200);
    assert_eq!(body["title"], "Đăng ký khai sinh");
    assert_eq!(body["agency"]["slug"], "bo-tu-phap");
    assert!(!body["steps"].as_array().expect("steps").is_empty());
    assert!(!body["required_documents"].as_array().expect("documents").is_empty());
    assert!(body["channels"].as_array().expect("channels").iter().any(|c| c["fee"].is_string()));
    let related = body["related"].as_array().expect("related procedures");
    assert!(
        related
            .iter()
            .any(|r| r["code"] == "1.004222" && r["title"] == "Đăng ký thường trú" && r["relation"] == "after"),
        "{related:?}"
    );
    let (status, body) = server.json("/api/v1/procedures/9.999999");
    assert_eq!((status, body["error"]["code"].as_str()), (404, Some("not_found")));
    let (status, _) = server.json("/api/v1/nothing-here");
    assert_eq!(status, 404);
}
