//! Benchmarks of the search engine, side by side with SQLite FTS5 on the same documents in
//! the same run, printed as Markdown for `BENCHMARKS.md`:
//! indexing throughput (wall and per CPU-second), index size against the raw text, query
//! latency (p50, p99) over a mixed query log, completion latency, memory, and how long a
//! new document takes to become searchable.
//!
//! Two corpora: (a) the 2,642 procedures plus the 35,440 real news articles; (b) one
//! million documents: the same, with the news replicated under new ids and dates (stated
//! with the figures: replication repeats terms, which flatters compression).
//!
//! `cargo build --release -p motcua-tests --bin search-bench && target/release/search-bench [DOCS…]`
//! (default `38082 1000000`: each argument is a corpus size).

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::time::{Duration, Instant};

use motcua_search::normalize::canonical;
use tantivy::tokenizer::TokenStream;
use motcua_search::{IndexBatch, IndexDocument, SearchBudget, SearchIndex, SearchRequest};
use motcua_server::curated::{keywords::KEYWORDS, related::RELATIONS};
use motcua_server::ranking::procedure_tags;
use motcua_tests::relevance;
use motcua_tests::shared_data;

/// Documents per commit while indexing, unless `--batch N` says otherwise: as often as the
/// server commits a backlog (`COMMIT_EVERY_ROWS` in its `index_sync`). Commits of 500 index
/// at about half the rate (BENCHMARKS.md, session 12), of 10,000 ~10% below this (session 25).
const BATCH: usize = 50_000;
/// The `--batch` value, set once from the arguments.
static BATCH_SIZE: std::sync::OnceLock<usize> = std::sync::OnceLock::new();

fn batch_size() -> usize {
    *BATCH_SIZE.get().unwrap_or(&BATCH)
}
/// Queries of the log are run this many times, after one warm-up pass.
const ROUNDS: usize = 3;
/// Past this many documents, a sample of the log is run once after a warm-up pass (FTS5
/// takes seconds for some OR queries at a million documents).
const LARGE: usize = 100_000;
/// Queries of that sample.
const LARGE_SAMPLE: usize = 100;

fn main() -> anyhow::Result<()> {
    let Some(data) = shared_data() else {
        eprintln!("skipped: ../shared/data is absent");
        return Ok(());
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let sizes: Vec<usize> = args
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || args[i - 1] != "--batch")
        .filter_map(|(_, a)| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() { vec![0, 1_000_000] } else { sizes };
    // `--batch N`: documents per commit (for comparing commit sizes in bulk indexing).
    if let Some(n) = args.iter().position(|a| a == "--batch").and_then(|i| args.get(i + 1)).and_then(|n| n.parse().ok()) {
        BATCH_SIZE.get_or_init(|| n);
    }
    // `--keep DIR`: build our index in DIR once and reuse it on later runs, measuring our
    // queries only (for profiling at a million documents without re-indexing each time).
    let keep = args.iter().position(|a| a == "--keep").and_then(|i| args.get(i + 1)).map(std::path::PathBuf::from);
    eprintln!("loading corpora…");
    let mut procedures = load_procedures(&data.join("procedures.jsonl.gz"))?;
    attach_curated_lists(&mut procedures);
    let news = load_news(&data.join("news-vi-2017.jsonl.gz"))?;
    if std::env::args().any(|a| a == "--analysis") {
        analysis_throughput(&news);
        return Ok(());
    }
    let queries = query_log(&news);
    let prefixes = completion_log(&procedures, &news);
    println!("Machine: {}; one search thread; release build.\n", machine());
    println!(
        "Query log: {} queries ({} judged citizen queries, {} phrases from news titles half without marks, codes and numbers); completions: {} prefixes of titles.\n",
        queries.len(),
        relevance::queries().len(),
        queries.len() - relevance::queries().len(),
        prefixes.len()
    );
    for size in sizes {
        let size = if size == 0 { procedures.len() + news.len() } else { size };
        eprintln!("{size} documents…");
        match &keep {
            Some(dir) => queries_only(dir, size, &procedures, &news, &queries, &prefixes)?,
            None => run(size, &procedures, &news, &queries, &prefixes)?,
        }
    }
    Ok(())
}

fn run(size: usize, procedures: &[IndexDocument], news: &[IndexDocument], queries: &[String], prefixes: &[String]) -> anyhow::Result<()> {
    let replicas = (size.saturating_sub(procedures.len())).div_ceil(news.len().max(1));
    println!("### {size} documents\n");
    println!(
        "{} procedures + {} news articles{}.\n",
        procedures.len(),
        size - procedures.len(),
        if replicas > 1 { format!(" (the 35,440 articles {replicas}× under new ids, dates shifted by a year a copy)") } else { String::new() }
    );
    let docs = || corpus(procedures, news, size);
    let (queries, prefixes, rounds) = if size > LARGE {
        let sample = |log: &[String]| log.iter().step_by(log.len() / LARGE_SAMPLE + 1).cloned().collect::<Vec<_>>();
        (sample(queries), sample(prefixes), 1)
    } else {
        (queries.to_vec(), prefixes.to_vec(), ROUNDS)
    };
    println!("Queries: {} of the log, {} completions, {rounds} round(s) after a warm-up pass.\n", queries.len(), prefixes.len());
    let raw_bytes: u64 = docs().map(|d| (d.title.len() + d.content.len()) as u64).sum();

    // --- Tantivy (ours) ---
    let dir = tempfile::tempdir()?;
    let rss_before = memory().0;
    let cpu = cpu_seconds();
    let started = Instant::now();
    let index = SearchIndex::open_or_create(dir.path())?;
    let mut batch = Vec::with_capacity(batch_size());
    let mut sequence = 0;
    for d in docs() {
        batch.push(d);
        if batch.len() == batch_size() {
            sequence += 1;
            index.apply(IndexBatch { upserts: std::mem::take(&mut batch), deletes: vec![], sequence })?;
        }
    }
    sequence += 1;
    index.apply(IndexBatch { upserts: batch, deletes: vec![], sequence })?;
    let ours_index_time = started.elapsed();
    let ours_cpu = cpu_seconds() - cpu;
    // As a rebuild (or a start after a large import) does: one segment.
    let (merge_cpu, merge_started) = (cpu_seconds(), Instant::now());
    index.compact()?;
    let (merge_time, merge_cpu) = (merge_started.elapsed(), cpu_seconds() - merge_cpu);
    let (_, peak_indexing) = memory();
    let ours_size = dir_size(dir.path());

    eprintln!("measuring searches…");
    let ours_latency = measure(&queries, rounds, |q| {
        let r = index.search(&SearchRequest { text: q.to_string(), limit: 10, ..Default::default() });
        r.map(|r| r.hits.len()).unwrap_or(0)
    });
    let ours_complete = measure(&prefixes, rounds, |p| index.complete(p, 7).map(|c| c.len()).unwrap_or(0));
    let (rss_serving, _) = memory();
    let (same, all) = agreement(&index, &queries, SearchBudget::default());
    // A new document: apply (commit + reader reload) until a search finds it.
    let fresh = Instant::now();
    sequence += 1;
    let marker = IndexDocument {
        id: i64::MAX - 1,
        kind: "announcement".into(),
        title: "Thông báo zyxwv mới nhất".into(),
        content: "Nội dung".into(),
        url: "/tin-tuc/moi".into(),
        ..Default::default()
    };
    index.apply(IndexBatch { upserts: vec![marker], deletes: vec![], sequence })?;
    let found = index.search(&SearchRequest { text: "zyxwv".into(), limit: 1, ..Default::default() })?.total;
    let freshness = fresh.elapsed();
    anyhow::ensure!(found == 1, "the new document was not found alone (total {found})");
    drop(index);
    drop(dir);

    // --- SQLite FTS5 (baseline) ---
    let fts_dir = tempfile::tempdir()?;
    let fts = Fts5::create(&fts_dir.path().join("fts.db"))?;
    let cpu = cpu_seconds();
    let started = Instant::now();
    let mut batch = Vec::with_capacity(batch_size());
    for d in docs() {
        batch.push(d);
        if batch.len() == batch_size() {
            fts.insert(&std::mem::take(&mut batch))?;
        }
    }
    fts.insert(&batch)?;
    let fts_index_time = started.elapsed();
    let fts_cpu = cpu_seconds() - cpu;
    let fts_size = dir_size(fts_dir.path());
    eprintln!("measuring FTS5 searches…");
    let fts_latency = measure(&queries, rounds, |q| fts.search(q));
    let fts_complete = measure(&prefixes, rounds, |p| fts.complete(p));

    let docs_per_s = |t: Duration| size as f64 / t.as_secs_f64();
    let mib = |b: u64| b as f64 / 1024.0 / 1024.0;
    println!("| | Tantivy, our analysis and query builder | SQLite FTS5 (unicode61, remove_diacritics 2, BM25) | ratio |");
    println!("| --- | --- | --- | --- |");
    println!(
        "| indexing, wall | {:.0} docs/s ({:.1} s) | {:.0} docs/s ({:.1} s) | {:.2} |",
        docs_per_s(ours_index_time),
        ours_index_time.as_secs_f64(),
        docs_per_s(fts_index_time),
        fts_index_time.as_secs_f64(),
        docs_per_s(ours_index_time) / docs_per_s(fts_index_time)
    );
    println!(
        "| indexing, per CPU-second | {:.0} docs | {:.0} docs | {:.2} |",
        size as f64 / ours_cpu,
        size as f64 / fts_cpu,
        (size as f64 / ours_cpu) / (size as f64 / fts_cpu)
    );
    println!(
        "| merge into one segment afterwards (as a rebuild does) | {:.1} s ({:.1} CPU-seconds) | | |",
        merge_time.as_secs_f64(),
        merge_cpu
    );
    println!(
        "| indexing and that merge, per CPU-second | {:.0} docs | {:.0} docs | {:.2} |",
        size as f64 / (ours_cpu + merge_cpu),
        size as f64 / fts_cpu,
        fts_cpu / (ours_cpu + merge_cpu)
    );
    println!(
        "| index size (raw text {:.0} MiB) | {:.0} MiB ({:.2}× raw) | {:.0} MiB ({:.2}× raw) | {:.2} |",
        mib(raw_bytes),
        mib(ours_size),
        ours_size as f64 / raw_bytes as f64,
        mib(fts_size),
        fts_size as f64 / raw_bytes as f64,
        ours_size as f64 / fts_size as f64
    );
    println!(
        "| search p50 / p99 | {} / {} | {} / {} | {:.2} (p50) |",
        ms(ours_latency.0),
        ms(ours_latency.1),
        ms(fts_latency.0),
        ms(fts_latency.1),
        ours_latency.0.as_secs_f64() / fts_latency.0.as_secs_f64()
    );
    println!(
        "| completion p50 / p99 | {} / {} | {} / {} | {:.2} (p50) |",
        ms(ours_complete.0),
        ms(ours_complete.1),
        ms(fts_complete.0),
        ms(fts_complete.1),
        ours_complete.0.as_secs_f64() / fts_complete.0.as_secs_f64()
    );
    println!("| new document searchable after | {} (commit + reload) | | |", ms(freshness));
    println!(
        "| memory | RSS {:.0} MiB serving (+{:.0} MiB over the loaded corpus), peak {:.0} MiB while indexing | | |\n",
        mib(rss_serving),
        mib(rss_serving.saturating_sub(rss_before)),
        mib(peak_indexing)
    );
    println!(
        "Our search answers with the total, snippets and five facets; FTS5 with the top 10 and a snippet only. Our completion finds titles holding the typed words together, the last half-typed (a prefix of title words, or of syllable pairs from two words on); FTS5's a prefix query on the last word.\n"
    );
    println!(
        "Past {} matches our totals and facet counts are estimates and the hits come from WAND candidates re-scored: {:.1}% of the first ten hits of scoring every match are among them ({same}/{all}).\n",
        SearchBudget::default().exact_matches,
        100.0 * same as f64 / all.max(1) as f64
    );
    Ok(())
}

/// Our queries on an index kept in `dir` (built there first when absent): latency only.
fn queries_only(
    dir: &Path,
    size: usize,
    procedures: &[IndexDocument],
    news: &[IndexDocument],
    queries: &[String],
    prefixes: &[String],
) -> anyhow::Result<()> {
    let index = SearchIndex::open_or_create(dir)?;
    let built = index.num_docs() == 0;
    // CPU-seconds and wall seconds of indexing, when this run indexed.
    let mut indexing = None;
    if built {
        eprintln!("indexing into {}…", dir.display());
        let docs: Vec<IndexDocument> = corpus(procedures, news, size).collect();
        let (cpu, started) = (cpu_seconds(), Instant::now());
        for (sequence, chunk) in (1..).zip(docs.chunks(batch_size())) {
            index.apply(IndexBatch { upserts: chunk.to_vec(), deletes: vec![], sequence })?;
        }
        let (cpu, wall) = (cpu_seconds() - cpu, started.elapsed().as_secs_f64());
        println!("Indexed {size} documents: {:.0} docs/s wall, {:.0} per CPU-second.\n", size as f64 / wall, size as f64 / cpu);
        indexing = Some((cpu, wall));
    }
    // `--compact` (or a new index): merge into one segment first, as a rebuild does.
    if built || std::env::args().any(|a| a == "--compact") {
        let (cpu, started) = (cpu_seconds(), Instant::now());
        index.compact()?;
        let (merge_cpu, merge_wall) = (cpu_seconds() - cpu, started.elapsed().as_secs_f64());
        println!("Merged into one segment in {merge_wall:.1} s ({merge_cpu:.1} CPU-seconds).\n");
        if let Some((cpu, wall)) = indexing {
            let (cpu, wall) = (cpu + merge_cpu, wall + merge_wall);
            println!("Indexed and merged: {:.0} docs/s wall, {:.0} per CPU-second.\n", size as f64 / wall, size as f64 / cpu);
        }
    }
    let (queries, prefixes) = if size > LARGE {
        let sample = |log: &[String]| log.iter().step_by(log.len() / LARGE_SAMPLE + 1).cloned().collect::<Vec<_>>();
        (sample(queries), sample(prefixes))
    } else {
        (queries.to_vec(), prefixes.to_vec())
    };
    // `--budget EXACT,CANDIDATES[,SAMPLED]`: another budget than the default, to compare.
    let budget = match std::env::args().skip_while(|a| a != "--budget").nth(1) {
        Some(b) => {
            let numbers: Vec<u64> =
                b.split(',').map(str::parse).collect::<Result<_, _>>().map_err(|e| anyhow::anyhow!("--budget: {e}"))?;
            match numbers[..] {
                [exact_matches, candidates, ..] => SearchBudget {
                    exact_matches,
                    candidates: usize::try_from(candidates)?,
                    sampled_matches: numbers.get(2).copied().unwrap_or(exact_matches / 2),
                },
                _ => anyhow::bail!("--budget EXACT,CANDIDATES[,SAMPLED]"),
            }
        }
        None => SearchBudget::default(),
    };
    // `--profile QUERY`: that one query, 200 times, for a profiler; `--profile LOG`: the
    // sampled log 40 times (about 25 s after some 12 s of loading, which `perf record -D`
    // skips), so that a profile weighs each part of a search as the log does.
    if let Some(q) = std::env::args().skip_while(|a| a != "--profile").nth(1) {
        let (log, rounds) = if q == "LOG" { (queries.clone(), 40) } else { (vec![q.clone()], 200) };
        let (p50, p99) = measure(&log, rounds, |q| {
            index.search_within(&SearchRequest { text: q.to_string(), limit: 10, ..Default::default() }, budget).map(|r| r.hits.len()).unwrap_or(0)
        });
        println!("{q}: p50 {} p99 {}", ms(p50), ms(p99));
        return Ok(());
    }
    println!("### {} documents kept in {} (budget {budget:?})\n", index.num_docs(), dir.display());
    let search = measure(&queries, ROUNDS, |q| {
        let r = index.search_within(&SearchRequest { text: q.to_string(), limit: 10, ..Default::default() }, budget);
        r.map(|r| r.hits.len()).unwrap_or(0)
    });
    let complete = measure(&prefixes, ROUNDS, |p| index.complete(p, 7).map(|c| c.len()).unwrap_or(0));
    println!("| | p50 | p99 |\n| --- | --- | --- |");
    println!("| search ({} queries × {ROUNDS}) | {} | {} |", queries.len(), ms(search.0), ms(search.1));
    println!("| completion ({} prefixes × {ROUNDS}) | {} | {} |\n", prefixes.len(), ms(complete.0), ms(complete.1));
    let (same, all) = agreement(&index, &queries, budget);
    println!("Top 10 within the budget: {:.1}% of the exhaustive top 10 ({same}/{all}).\n", 100.0 * same as f64 / all.max(1) as f64);
    // `--body-phrases`: how often a phrase from deep in a news body finds its article.
    if std::env::args().any(|a| a == "--body-phrases") {
        let (found, first, asked) = body_phrases(&index, news);
        println!(
            "Body phrases: {found} of {asked} articles in the first ten, {first} first ({:.1}%, {:.1}%).\n",
            100.0 * found as f64 / asked.max(1) as f64,
            100.0 * first as f64 / asked.max(1) as f64
        );
    }
    if std::env::args().any(|a| a == "--each") {
        for q in &queries {
            let t = Instant::now();
            let total = index.search(&SearchRequest { text: q.to_string(), limit: 10, ..Default::default() }).map(|r| r.total).unwrap_or(0);
            println!("{:>9} {total:>8} {q}", ms(t.elapsed()));
        }
        for p in &prefixes {
            let t = Instant::now();
            let found = index.complete(p, 7).map(|c| c.len()).unwrap_or(0);
            println!("{:>9} {found:>8} complete {p}", ms(t.elapsed()));
        }
    }
    Ok(())
}

/// Known-item searches for news bodies: four words from past the lead (word 100 on) of
/// every 100th article, searched as typed; how many find their article (a copy with the
/// same title) in the first ten and first. What body syllable pairs are for.
fn body_phrases(index: &SearchIndex, news: &[IndexDocument]) -> (usize, usize, usize) {
    let (mut found, mut first, mut asked) = (0, 0, 0);
    for article in news.iter().step_by(100) {
        let words: Vec<&str> = article.content.split_whitespace().collect();
        let Some(phrase) = words.get(100..104) else { continue };
        asked += 1;
        let request = SearchRequest { text: phrase.join(" "), limit: 10, ..Default::default() };
        let titles: Vec<String> = index.search(&request).map(|r| r.hits.into_iter().map(|h| h.title).collect()).unwrap_or_default();
        if let Some(at) = titles.iter().position(|t| *t == article.title) {
            found += 1;
            first += usize::from(at == 0);
        }
    }
    (found, first, asked)
}

/// What the budget costs in ranking: of the first ten hits when every match is scored,
/// how many are among the first ten within the budget; and in counting: how far the
/// estimated totals are from the exact ones (printed).
fn agreement(index: &SearchIndex, queries: &[String], budget: SearchBudget) -> (usize, usize) {
    // The first ten ids, the total, and whether the total is an estimate.
    let ids = |budget: SearchBudget, q: &str| -> (Vec<i64>, usize, bool) {
        index
            .search_within(&SearchRequest { text: q.to_string(), limit: 10, ..Default::default() }, budget)
            .map(|r| (r.hits.into_iter().map(|h| h.id).collect(), r.total, r.total_estimated))
            .unwrap_or_default()
    };
    let (mut same, mut all) = (0, 0);
    // For each estimated total, how far it is from the exact one (a ratio's distance from 1).
    let mut errors: Vec<f64> = Vec::new();
    for q in queries {
        let (exhaustive, exact, _) = ids(SearchBudget::EXHAUSTIVE, q);
        let (bounded, total, estimated) = ids(budget, q);
        same += exhaustive.iter().filter(|id| bounded.contains(id)).count();
        all += exhaustive.len();
        if estimated && exact > 0 {
            errors.push((total as f64 / exact as f64 - 1.0).abs());
        }
    }
    errors.sort_by(f64::total_cmp);
    let share = |p: f64| 100.0 * percentile(&errors, p).unwrap_or_default();
    println!(
        "Estimated totals: {} of {} queries; off by {:.1}% at the median, {:.1}% at p90, {:.1}% at worst.\n",
        errors.len(),
        queries.len(),
        share(0.5),
        share(0.9),
        share(1.0)
    );
    (same, all)
}

/// Throughput of each analyser over the news text: where indexing time goes.
fn analysis_throughput(news: &[IndexDocument]) {
    use motcua_search::analysis::{exact_analyzer, folded_analyzer, pairs_analyzer};
    let texts: Vec<&str> = news.iter().take(5_000).map(|d| d.content.as_str()).collect();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    println!("| analyser | MB/s |\n| --- | --- |");
    for (name, mut analyzer) in [("exact", exact_analyzer()), ("folded", folded_analyzer()), ("pairs", pairs_analyzer())] {
        let started = Instant::now();
        let mut n = 0;
        for t in &texts {
            let mut stream = analyzer.token_stream(t);
            while stream.advance() {
                n += 1;
            }
        }
        std::hint::black_box(n);
        println!("| {name} | {:.1} |", bytes as f64 / started.elapsed().as_secs_f64() / 1e6);
    }
    let started = Instant::now();
    let n: usize = texts.iter().map(|t| motcua_search::normalize::normalize(t).len()).sum();
    std::hint::black_box(n);
    println!("| normalize (NFC, tone placement) | {:.1} |", bytes as f64 / started.elapsed().as_secs_f64() / 1e6);
    let started = Instant::now();
    let n: usize = texts.iter().map(|t| motcua_search::analysis::document_numbers(t).len()).sum();
    std::hint::black_box(n);
    println!("| document numbers | {:.1} |", bytes as f64 / started.elapsed().as_secs_f64() / 1e6);
}

/// The corpus of `size` documents: procedures first, then news, replicated as needed.
fn corpus<'a>(procedures: &'a [IndexDocument], news: &'a [IndexDocument], size: usize) -> impl Iterator<Item = IndexDocument> + 'a {
    let year = 365 * 86_400;
    let copies = (0..).flat_map(move |copy: i64| {
        news.iter().map(move |n| IndexDocument {
            id: n.id + copy * 1_000_000,
            published: n.published.map(|p| p - copy * year),
            year: n.year.map(|y| y - copy as i32),
            url: format!("{}-{copy}", n.url),
            ..n.clone()
        })
    });
    procedures.iter().cloned().chain(copies).take(size)
}

fn lines(file: &Path) -> anyhow::Result<impl Iterator<Item = serde_json::Value>> {
    let f = std::fs::File::open(file)?;
    Ok(BufReader::new(flate2::read::GzDecoder::new(f))
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str(&l).ok()))
}

/// The procedures as the server indexes them (name as title, the texts as content), in
/// canonical form.
fn load_procedures(file: &Path) -> anyhow::Result<Vec<IndexDocument>> {
    let text_fields = ["doi_tuong_thuc_hien", "trinh_tu_thuc_hien", "thanh_phan_ho_so", "yeu_cau_dieu_kien", "ket_qua_xu_ly", "can_cu_phap_ly"];
    Ok(lines(file)?
        .enumerate()
        .map(|(i, v)| {
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            let content: Vec<String> = text_fields.iter().map(|k| s(k)).filter(|t| !t.is_empty()).collect();
            let levels = s("cap_thuc_hien");
            IndexDocument {
                id: i as i64 + 1,
                kind: "procedure".into(),
                agency: s("agency_folder"),
                agency_name: s("agency_folder"),
                title: canonical(&s("ten_thu_tuc")),
                content: canonical(&content.join("\n")),
                code: Some(s("ma_thu_tuc")),
                url: format!("/thu-tuc/{}", s("ma_thu_tuc")),
                year: Some(2026),
                published: Some(1_780_000_000),
                tags: procedure_tags(&s("ma_thu_tuc"), &canonical(&s("doi_tuong_thuc_hien")), &canonical(&levels)),
                levels: levels.split(',').map(|l| l.trim().to_string()).filter(|l| !l.is_empty()).collect(),
                topic: Some(s("linh_vuc")).filter(|t| !t.is_empty()),
                // The server's curated keywords and companions are attached below.
                keywords: Vec::new(),
                companion_of: Vec::new(),
            }
        })
        .collect())
}

/// Attaches the server's own curated lists (`motcua_server::curated`) as its index sync does:
/// each procedure's keywords, and the procedures it is a companion of with its place in their
/// lists, so that the cost of both is in the figures.
fn attach_curated_lists(procedures: &mut [IndexDocument]) {
    let titles: HashMap<String, String> =
        procedures.iter().filter_map(|p| Some((p.code.clone()?, p.title.clone()))).collect();
    for p in procedures.iter_mut() {
        let Some(own) = p.code.as_deref() else { continue };
        p.keywords = KEYWORDS.of(own);
        p.companion_of = RELATIONS.companion_of_for_index(own, &titles);
    }
}

/// The news articles as announcements, in canonical form, with dates spread over 2017.
fn load_news(file: &Path) -> anyhow::Result<Vec<IndexDocument>> {
    Ok(lines(file)?
        .enumerate()
        .map(|(i, v)| {
            let s = |k: &str| v[k].as_str().unwrap_or_default().to_string();
            IndexDocument {
                id: 100_000 + i as i64,
                kind: "announcement".into(),
                agency: "bao-chi".into(),
                agency_name: "Báo chí".into(),
                title: canonical(&s("title")),
                content: canonical(&format!("{}\n{}", s("sapo"), s("body"))),
                url: format!("/tin-tuc/{}", i),
                year: Some(2017),
                published: Some(1_483_228_800 + (i as i64 % 365) * 86_400),
                levels: vec!["other".into()],
                ..Default::default()
            }
        })
        .collect())
}

/// The judged citizen queries, phrases of news titles (half without marks), codes and
/// document numbers.
fn query_log(news: &[IndexDocument]) -> Vec<String> {
    let mut out: Vec<String> = relevance::queries().into_iter().map(|q| q.q).collect();
    for (i, n) in news.iter().step_by(news.len() / 150 + 1).enumerate() {
        let words: Vec<&str> = n.title.split_whitespace().collect();
        if words.len() < 3 {
            continue;
        }
        let start = i % (words.len() - 2);
        let phrase = words[start..start + 2 + i % 2].join(" ");
        out.push(if i % 2 == 0 { motcua_search::normalize::fold(&phrase) } else { phrase });
    }
    out.extend(["1.001193", "2.000815", "123/2015/NĐ-CP", "nghi dinh 23/2015/nd-cp"].map(String::from));
    out
}

/// Prefixes a citizen types: the first one to three syllables of titles, the last cut short.
fn completion_log(procedures: &[IndexDocument], news: &[IndexDocument]) -> Vec<String> {
    let titles = procedures.iter().step_by(procedures.len() / 60 + 1).chain(news.iter().step_by(news.len() / 40 + 1));
    titles
        .enumerate()
        .filter_map(|(i, d)| {
            let words: Vec<&str> = d.title.split_whitespace().take(1 + i % 3).collect();
            let last = words.last()?;
            let cut: String = last.chars().take(last.chars().count().div_ceil(2).max(1)).collect();
            let mut p = words[..words.len() - 1].join(" ");
            if !p.is_empty() {
                p.push(' ');
            }
            p.push_str(&cut);
            Some(motcua_search::normalize::fold(&p))
        })
        .collect()
}

/// p50 and p99 of `f` over the log, run `rounds` times after one warm-up pass.
fn measure(log: &[String], rounds: usize, mut f: impl FnMut(&str) -> usize) -> (Duration, Duration) {
    let mut sink = 0;
    for q in log {
        sink += f(q);
    }
    let mut times = Vec::with_capacity(log.len() * rounds);
    for _ in 0..rounds {
        for q in log {
            let t = Instant::now();
            sink += f(q);
            times.push(t.elapsed());
        }
    }
    std::hint::black_box(sink);
    times.sort();
    (percentile(&times, 0.5).unwrap_or_default(), percentile(&times, 0.99).unwrap_or_default())
}

/// The value at share `p` (0 to 1) of a sorted list, nearest rank; `None` when it is empty.
fn percentile<T: Copy>(sorted: &[T], p: f64) -> Option<T> {
    let last = sorted.len().checked_sub(1)?;
    sorted.get((last as f64 * p).round() as usize).copied()
}

/// SQLite FTS5 on a file, as a team would set it up in the database it already has.
struct Fts5 {
    runtime: tokio::runtime::Runtime,
    pool: sqlx::SqlitePool,
}

impl Fts5 {
    fn create(path: &Path) -> anyhow::Result<Fts5> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let url = format!("sqlite://{}?mode=rwc", path.display());
        let pool = runtime.block_on(async {
            let pool = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect(&url).await?;
            sqlx::query("PRAGMA journal_mode = WAL").execute(&pool).await?;
            sqlx::query("CREATE VIRTUAL TABLE d USING fts5(title, content, tokenize = 'unicode61 remove_diacritics 2')")
                .execute(&pool)
                .await?;
            anyhow::Ok(pool)
        })?;
        Ok(Fts5 { runtime, pool })
    }

    fn insert(&self, docs: &[IndexDocument]) -> anyhow::Result<()> {
        self.runtime.block_on(async {
            let mut tx = self.pool.begin().await?;
            for d in docs {
                sqlx::query("INSERT INTO d (rowid, title, content) VALUES (?, ?, ?)")
                    .bind(d.id)
                    .bind(&d.title)
                    .bind(&d.content)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
            anyhow::Ok(())
        })
    }

    fn run(&self, expr: String, sql: &'static str) -> usize {
        self.runtime.block_on(async {
            sqlx::query(sql).bind(expr).fetch_all(&self.pool).await.map(|r| r.len()).unwrap_or(0)
        })
    }

    /// The top 10 for a query: its words OR-ed, ranked by BM25 (title weighted ×3), with a
    /// snippet.
    fn search(&self, q: &str) -> usize {
        let words = relevance::fts5_words(q);
        if words.is_empty() {
            return 0;
        }
        self.run(
            words.join(" OR "),
            "SELECT rowid, snippet(d, 1, '<b>', '</b>', '…', 24) FROM d WHERE d MATCH ? ORDER BY bm25(d, 3.0, 1.0) LIMIT 10",
        )
    }

    /// Titles holding the typed words, the last as a prefix.
    fn complete(&self, p: &str) -> usize {
        let mut words = relevance::fts5_words(p);
        let Some(last) = words.pop() else { return 0 };
        words.push(format!("{last}*"));
        self.run(format!("title : ({})", words.join(" ")), "SELECT title FROM d WHERE d MATCH ? ORDER BY bm25(d) LIMIT 7")
    }
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

/// Resident and peak resident memory of this process, in bytes.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|kb| kb.parse::<u64>().ok())
            .map_or(0, |kb| kb * 1024)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// User plus system CPU time of this process (all threads), in seconds.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of stat, i.e. 11 and 12 after the ')'.
    (ticks(11) + ticks(12)) / 100.0
}

fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo.lines().find(|l| l.starts_with("model name")).and_then(|l| l.split(':').nth(1)).unwrap_or("?").trim().to_string();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("{model}, {cores} cores")
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
