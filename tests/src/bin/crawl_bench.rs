//! Crawl throughput, printed as Markdown for `BENCHMARKS.md`: `motcua crawl` ingesting
//! 10,000 real news articles served by loopback fixture sites (one host, then the same
//! articles spread over eight hosts), a second crawl with nothing changed, and `motcua
//! reindex` of the result; wall time, items per second and the peak resident memory of the
//! `motcua` process.
//!
//! `cargo build --release -p motcua-server -p motcua-tests && $CARGO_TARGET_DIR/release/crawl-bench [ITEMS]`

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use motcua_tests::fixture_site::{FixtureSite, Reply, article_page, real_news, sitemap, xml_escape};
use motcua_tests::{Database, Site};

/// What one run of the binary cost.
struct Run {
    wall: Duration,
    peak_rss_kib: u64,
    stdout: String,
}

/// Runs `motcua` to the end, sampling its peak resident set (VmHWM) from /proc.
fn measure(mut command: Command) -> Run {
    let started = Instant::now();
    let child = command.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("spawn motcua");
    let status_file = format!("/proc/{}/status", child.id());
    let sampler = std::thread::spawn(move || {
        let mut peak = 0;
        while let Ok(status) = std::fs::read_to_string(&status_file) {
            if let Some(kib) = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
            {
                peak = peak.max(kib);
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        peak
    });
    let output = child.wait_with_output().expect("wait for motcua");
    let wall = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "motcua failed:\n{stdout}");
    Run { wall, peak_rss_kib: sampler.join().unwrap_or(0), stdout }
}

/// Sum of one column ("created", "unchanged", …) over the report lines.
fn total(report: &str, column: &str) -> usize {
    report
        .lines()
        .flat_map(|l| l.split(", "))
        .filter_map(|part| {
            part.trim().strip_suffix(column).and_then(|n| n.trim().rsplit(' ').next()?.parse::<usize>().ok())
        })
        .sum()
}

fn row(what: &str, items: usize, run: &Run) -> String {
    // A run shorter than the sampling step may end before it is sampled, or be sampled
    // between fork and exec, when the child is still a sliver of this process.
    let rss = if run.peak_rss_kib < 1024 {
        "(too short to sample)".to_string()
    } else {
        format!("{:.1} MiB", run.peak_rss_kib as f64 / 1024.0)
    };
    let rate = if items == 0 { "—".to_string() } else { format!("{:.0}", items as f64 / run.wall.as_secs_f64()) };
    format!("| {what} | {items} | {:.2} s | {rate} | {rss} |", run.wall.as_secs_f64())
}

fn scenario(hosts: usize, news: &[motcua_tests::fixture_site::NewsArticle]) -> Vec<String> {
    let site = Site::new(Database::Sqlite);
    let sites: Vec<FixtureSite> = (0..hosts).map(|_| FixtureSite::start()).collect();
    let mut listed: Vec<Vec<(String, &str)>> = vec![Vec::new(); hosts];
    for (i, a) in news.iter().enumerate() {
        let host = &sites[i % hosts];
        let path = format!("/tin/{i}.html");
        let text = format!("<p>{}</p><p>{}</p>", xml_escape(&a.sapo), xml_escape(&a.body).replace('\n', "</p><p>"));
        host.set(&path, Reply::html(&article_page(&xml_escape(&a.title), "01/06/2017 08:00", &text, "utf-8")));
        listed[i % hosts].push((host.url(&path), "2017-06-01"));
    }
    let mut config = String::from("[crawler]\nhost_delay_ms = 0\nconcurrency = 8\n");
    for (n, (host, urls)) in sites.iter().zip(&listed).enumerate() {
        host.set("/sitemap.xml", Reply::xml(&sitemap(urls)));
        config.push_str(&format!(
            "[[crawler.sources]]\nid = \"site-{n}\"\nagency = \"thanh-pho-hue\"\nkind = \"sitemap\"\nurl = \"{}\"\n",
            host.url("/sitemap.xml")
        ));
    }
    std::fs::write(site.dir.path().join("motcua.toml"), config).expect("config");
    let units = Path::new(env!("CARGO_MANIFEST_DIR")).join("../server/demo/admin-units.json");
    let imported = site.command().args(["import", "admin-units"]).arg(units).output().expect("import");
    assert!(imported.status.success());

    let mut crawl = site.command();
    crawl.arg("crawl");
    let first = measure(crawl);
    let created = total(&first.stdout, "created");
    assert_eq!(created, news.len(), "every article stored:\n{}", first.stdout);
    let mut again = site.command();
    again.arg("crawl");
    let second = measure(again);
    assert_eq!(total(&second.stdout, "created") + total(&second.stdout, "updated"), 0, "{}", second.stdout);
    let mut reindex = site.command();
    reindex.arg("reindex");
    let indexed = measure(reindex);
    let label = if hosts == 1 { "1 host".to_string() } else { format!("{hosts} hosts") };
    vec![
        row(&format!("first crawl, {label}"), created, &first),
        // The sitemap answers 304 to the conditional GET, so no item is fetched at all.
        row(&format!("second crawl (nothing changed: sitemap answers 304), {label}"), 0, &second),
        row(&format!("`motcua reindex` afterwards, {label}"), news.len(), &indexed),
    ]
}

fn main() {
    let items: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let Some(news) = real_news(items, "crawl-bench") else { return };
    let bytes: usize = news.iter().map(|a| a.title.len() + a.sapo.len() + a.body.len()).sum();
    println!(
        "### Crawl of {} real news articles ({:.1} MB of text) from loopback fixture sites (SQLite, host_delay_ms = 0, concurrency 8)\n",
        news.len(),
        bytes as f64 / 1e6
    );
    println!("| run | items | wall | items/s | peak RSS of motcua |\n| --- | --- | --- | --- | --- |");
    for hosts in [1, 8] {
        for line in scenario(hosts, &news) {
            println!("{line}");
        }
    }
}
