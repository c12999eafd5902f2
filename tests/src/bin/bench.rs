//! Benchmarks of the foundation, printed as Markdown for `BENCHMARKS.md`:
//! import time of the procedure export on SQLite and PostgreSQL (side by side, median of
//! runs), and search API latency (median, p90, p99) over 100 varied queries.
//!
//! `cargo build --release -p motcua-server -p motcua-tests && \
//!  MOTCUA_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test target/release/bench`

use std::time::{Duration, Instant};

use motcua_tests::{Database, Site, demo_procedures, import_counts, shared_data, url_encode};

fn median(v: &mut [Duration]) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// 100 varied queries: citizens' phrasings, unaccented and accented names, codes, and
/// fragments of real titles.
fn queries(titles: &[String]) -> Vec<String> {
    let mut q: Vec<String> = [
        "dang ky khai sinh", "đăng ký khai sinh", "khai tu", "đăng ký kết hôn", "ket hon", "cap lai can cuoc",
        "căn cước", "ho chieu", "giấy phép lái xe", "doi giay phep lai xe", "thuong tru", "tạm trú", "chung thuc ban sao",
        "xác nhận tình trạng hôn nhân", "bhxh mot lan", "bảo hiểm y tế", "dang ky xe", "so do", "giay chung nhan quyen su dung dat",
        "thai san", "1.001193", "1.000656", "2.000815", "trich luc ho tich", "đăng ký lại khai sinh", "cap ban sao",
        "thu tuc hai quan", "ngan hang", "giấy phép xây dựng", "khieu nai", "to cao", "dat dai", "moi truong",
        "xuat nhap canh", "nuoc ngoai", "thue", "chung khoan", "hang khong", "ly hon", "nuoi con nuoi",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for t in titles.iter().step_by((titles.len() / 60).max(1)) {
        if q.len() >= 100 {
            break;
        }
        let words: Vec<&str> = t.split_whitespace().take(2 + q.len() % 3).collect();
        let text = words.join(" ");
        q.push(if q.len().is_multiple_of(2) { motcua_search::normalize::fold(&text) } else { text });
    }
    q.truncate(100);
    q
}


/// Throughput of the text pipeline on real news text: normalisation (NFC, tone placement,
/// look-alikes), folding, and legacy-encoding detection, in MB/s of UTF-8 input.
fn text_throughput() {
    use std::io::{BufRead, BufReader};
    let Some(dir) = shared_data() else { return };
    let Ok(f) = std::fs::File::open(dir.join("news-vi-2017.jsonl.gz")) else { return };
    let mut texts = Vec::new();
    let mut bytes = 0usize;
    for line in BufReader::new(flate2::read::GzDecoder::new(f)).lines().map_while(Result::ok) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&line) else { continue };
        let body = v["body"].as_str().unwrap_or_default().to_string();
        bytes += body.len();
        texts.push(body);
        if bytes > 20_000_000 {
            break;
        }
    }
    println!("### Text pipeline on {:.1} MB of real news bodies ({} articles), 3 runs, median\n", bytes as f64 / 1e6, texts.len());
    println!("| step | MB/s |\n| --- | --- |");
    let run = |name: &str, f: &dyn Fn(&str) -> usize| {
        let mut times: Vec<Duration> = (0..3)
            .map(|_| {
                let t = Instant::now();
                let n: usize = texts.iter().map(|s| f(s)).sum();
                std::hint::black_box(n);
                t.elapsed()
            })
            .collect();
        let m = median(&mut times);
        println!("| {name} | {:.1} |", bytes as f64 / 1e6 / m.as_secs_f64());
    };
    run("normalize (NFC, tone placement, look-alikes)", &|s| motcua_search::normalize::normalize(s).len());
    run("fold (no marks, đ → d)", &|s| motcua_search::normalize::fold(s).len());
    run("legacy-encoding detection (none present)", &|s| usize::from(motcua_search::normalize::legacy::detect(s).is_some()));
    println!();
}

fn main() {
    text_throughput();
    let (file, records) = match shared_data() {
        Some(d) => (d.join("procedures.jsonl.gz"), 2642),
        None => (demo_procedures(), 300),
    };
    let runs = 3;
    let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    println!("### Import of {records} procedures ({name}), {runs} runs each, interleaved\n");
    let mut sqlite = Vec::new();
    let mut postgres = Vec::new();
    for _ in 0..runs {
        let site = Site::new(Database::Sqlite);
        let t = Instant::now();
        let out = site.import_procedures(&file);
        sqlite.push(t.elapsed());
        assert_eq!(import_counts(&out).0, records, "sqlite import");
        if let Some(db) = Database::postgres("bench postgres import") {
            let site = Site::new(db);
            let t = Instant::now();
            let out = site.import_procedures(&file);
            postgres.push(t.elapsed());
            assert_eq!(import_counts(&out).0, records, "postgres import");
        }
    }
    let s = median(&mut sqlite);
    println!("| database | median | runs |\n| --- | --- | --- |");
    println!("| SQLite (file, WAL) | {:.2} s | {:?} |", s.as_secs_f64(), sqlite.iter().map(|d| format!("{:.2}", d.as_secs_f64())).collect::<Vec<_>>());
    if !postgres.is_empty() {
        let p = median(&mut postgres);
        println!("| PostgreSQL 15 (loopback) | {:.2} s | {:?} |", p.as_secs_f64(), postgres.iter().map(|d| format!("{:.2}", d.as_secs_f64())).collect::<Vec<_>>());
        println!("\nPostgreSQL / SQLite median ratio: {:.2}", p.as_secs_f64() / s.as_secs_f64());
    }

    // Search latency on the full set, SQLite.
    let site = Site::new(Database::Sqlite);
    let out = site.import_procedures(&file);
    assert!(out.status.success());
    let server = site.serve(&[]).expect("serve");
    let titles: Vec<String> = {
        use std::io::{BufRead, BufReader};
        let f = std::fs::File::open(&file).expect("open");
        BufReader::new(flate2::read::GzDecoder::new(f))
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(&l).ok())
            .filter_map(|v| v["ten_thu_tuc"].as_str().map(|s| s.trim_start_matches("Thủ tục ").to_string()))
            .collect()
    };
    let qs = queries(&titles);
    let rounds = 10;
    let client = reqwest::blocking::Client::new();
    for q in &qs {
        let _ = client.get(format!("{}/api/v1/search?q={}", server.base, url_encode(q))).send().and_then(|r| r.text());
    }
    let mut api = Vec::new();
    let mut page = Vec::new();
    for _ in 0..rounds {
        for q in &qs {
            let t = Instant::now();
            let r = client.get(format!("{}/api/v1/search?q={}", server.base, url_encode(q))).send().expect("api");
            assert_eq!(r.status().as_u16(), 200);
            let _ = r.bytes();
            api.push(t.elapsed());
            let t = Instant::now();
            let r = client.get(format!("{}/tim-kiem?q={}", server.base, url_encode(q))).send().expect("page");
            assert_eq!(r.status().as_u16(), 200);
            let _ = r.bytes();
            page.push(t.elapsed());
        }
    }
    api.sort();
    page.sort();
    println!("\n### Search latency: {} distinct queries × {rounds} rounds over {records} procedures (SQLite, one client, keep-alive, loopback)\n", qs.len());
    println!("| endpoint | median | p90 | p99 | max |\n| --- | --- | --- | --- | --- |");
    for (name, v) in [("GET /api/v1/search", &api), ("GET /tim-kiem (HTML page)", &page)] {
        println!("| {name} | {} | {} | {} | {} |", ms(percentile(v, 0.5)), ms(percentile(v, 0.9)), ms(percentile(v, 0.99)), ms(v[v.len() - 1]));
    }
}
