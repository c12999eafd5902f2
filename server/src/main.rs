//! `motcua`: the Một Cửa portal. One binary: serve the portal, import data, rebuild the
//! search index.

mod config;
mod crawl;
mod csrf;
mod demo_service;
mod frequent_queries;
mod http;
mod hub;
mod identity;
mod import;
mod index_sync;
mod portal;
mod shutdown;
mod staff;
mod storage;
mod text;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use motcua_search::SearchIndex;
use motcua_server::curated;
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use tokio::sync::{Notify, watch};

use crate::config::Config;
use crate::shutdown::Shutdown;

/// Một Cửa: one portal for every administrative procedure and announcement.
#[derive(Parser, Debug)]
#[command(name = "motcua", version, about, long_about = None)]
struct Cli {
    /// Configuration file (default: ./motcua.toml when present).
    #[arg(long, global = true, env = "MOTCUA_CONFIG")]
    config: Option<PathBuf>,
    /// Data directory (SQLite database and search index); overrides `data_dir`.
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Database URL (`sqlite://…` or `postgres://…`); overrides `database.url`.
    #[arg(long, global = true)]
    database_url: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Serve the portal.
    Serve {
        /// Address to listen on; overrides `http.bind`.
        #[arg(long)]
        bind: Option<std::net::SocketAddr>,
        /// Load the demo content (also done automatically on an empty database).
        #[arg(long)]
        demo: bool,
    },
    /// Import data into the database.
    Import {
        #[command(subcommand)]
        what: ImportCommand,
    },
    /// Rebuild this node's search index from the database (stop the server first).
    Reindex,
    /// Pin documents to a query so it shows them first ("best bets").
    BestBets {
        #[command(subcommand)]
        action: BestBetCommand,
    },
    /// Words citizens use for a procedure that its name does not hold, added to the curated list's.
    Keywords {
        #[command(subcommand)]
        action: KeywordCommand,
    },
    /// The procedures a citizen doing one commonly also needs, in place of the curated list's.
    Companions {
        #[command(subcommand)]
        action: CompanionCommand,
    },
    /// Agency websites merged into the portal (feeds, sitemaps, listing pages).
    Sources {
        #[command(subcommand)]
        action: SourceCommand,
    },
    /// Old addresses that redirect to the portal (crawled pages need no entry).
    Redirects {
        #[command(subcommand)]
        action: RedirectCommand,
    },
    /// Crawl every enabled source now (or one), and print what each did.
    Crawl {
        /// Only this source.
        #[arg(long)]
        source: Option<String>,
    },
    /// Login providers (`[[identity.providers]]` in the configuration).
    Identity {
        #[command(subcommand)]
        action: IdentityCommand,
    },
    /// Department services that sign citizens in through the portal's sign-on hub.
    Services {
        #[command(subcommand)]
        action: hub::commands::ServiceCommand,
    },
    /// The sign-on hub's signing keys.
    Keys {
        #[command(subcommand)]
        action: hub::commands::KeyCommand,
    },
    /// Staff roles per agency (administrator, publisher, editor).
    Roles {
        #[command(subcommand)]
        action: staff::commands::RoleCommand,
    },
    /// The audit log: sign-ins, consents, role changes, registrations, key rotations.
    Audit {
        #[command(subcommand)]
        action: staff::commands::AuditCommand,
    },
    /// A small department service that signs citizens in through the portal's hub, to see
    /// the whole journey on one machine (the portal registers it with the demo content).
    DemoService {
        /// The portal's address (its issuer).
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        portal: String,
        /// Address to listen on (the registration expects 127.0.0.1:8090).
        #[arg(long, default_value = "127.0.0.1:8090")]
        bind: std::net::SocketAddr,
    },
}

#[derive(Subcommand, Debug)]
enum IdentityCommand {
    /// Checks a provider before go-live: reads its discovery document and keys and names
    /// each thing the configuration needs that it does not offer. Exit code 2 when any.
    Check {
        /// The provider's id.
        provider: String,
    },
}

#[derive(Subcommand, Debug)]
enum RedirectCommand {
    /// Adds or replaces redirects from a file: `OLD_URL TARGET` a line (tab, comma or
    /// spaces between), `#` comments. TARGET is a portal path or an absolute URL.
    Import {
        /// The mapping file.
        file: PathBuf,
    },
    /// Lists the explicit redirects.
    List,
}

#[derive(Subcommand, Debug)]
enum SourceCommand {
    /// Add a source, or change the one with this id.
    Add {
        /// Id, used on the command line ("so-tu-phap-tin-tuc").
        id: String,
        /// Slug of the agency whose content it is (its /co-quan/ path).
        #[arg(long)]
        agency: String,
        /// "feed" (RSS 2.0, RSS 1.0, Atom), "sitemap" or "html" (listing pages).
        #[arg(long)]
        kind: String,
        /// The feed, sitemap or listing page.
        #[arg(long)]
        url: String,
        /// Seconds between crawls (default `crawler.interval_secs`).
        #[arg(long)]
        interval: Option<u64>,
        /// CSS selector of article links on a listing page.
        #[arg(long)]
        links: Option<String>,
        /// CSS selector of the title on article pages.
        #[arg(long)]
        title: Option<String>,
        /// CSS selector of the publication date on article pages.
        #[arg(long)]
        date: Option<String>,
        /// CSS selector of the body on article pages.
        #[arg(long)]
        body: Option<String>,
    },
    /// List the sources with their health.
    List,
    /// Show one source: definition and health.
    Show {
        /// Id.
        id: String,
    },
    /// Remove a source (its documents stay).
    Remove {
        /// Id.
        id: String,
    },
}

#[derive(Subcommand, Debug)]
enum BestBetCommand {
    /// Pin documents to a query, in this order, replacing its earlier bets.
    Set {
        /// The query, in any spelling ("so do" and "sổ đỏ" are one query).
        query: String,
        /// Procedure codes ("1.001193") or portal paths ("/tin-tuc/…").
        #[arg(required = true)]
        targets: Vec<String>,
    },
    /// Remove every bet of a query.
    Remove {
        /// The query.
        query: String,
    },
    /// List every bet.
    List,
}

#[derive(Subcommand, Debug)]
enum KeywordCommand {
    /// Set a procedure's added keywords, replacing the earlier ones (none removes them).
    Set {
        /// The procedure's national code ("1.001193").
        code: String,
        /// The keywords ("sổ đỏ" "bìa đỏ").
        keywords: Vec<String>,
    },
    /// List every procedure with added keywords.
    List,
}

#[derive(Subcommand, Debug)]
enum CompanionCommand {
    /// Set a procedure's companions, most useful first, in place of the curated list's (none:
    /// it has none).
    Set {
        /// The procedure's national code ("1.001193").
        code: String,
        /// Each companion as CODE:RELATION, the relation one of before, after, with, instead
        /// ("1.000656:after").
        companions: Vec<String>,
    },
    /// Give a procedure back the curated list's companions.
    Reset {
        /// The procedure's national code.
        code: String,
    },
    /// List every procedure with companions set here.
    List,
}

#[derive(Subcommand, Debug)]
enum ImportCommand {
    /// The national portal's procedure export: JSON lines, gzip or plain.
    Procedures {
        /// The file.
        file: PathBuf,
    },
    /// Administrative units (provinces and communes) in the admin-units-2025.json shape.
    AdminUnits {
        /// The file.
        file: PathBuf,
    },
}

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new("info,sqlx=warn,tantivy=warn,sea_orm_migration=warn")
        }))
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn load_config(cli: &Cli) -> Result<Config> {
    let mut config = Config::load(cli.config.as_deref()).context("invalid configuration")?;
    if let Some(dir) = &cli.data_dir {
        config.data_dir = dir.clone();
    }
    if let Some(url) = &cli.database_url {
        config.database.url = Some(url.clone());
    }
    Ok(config)
}

async fn connect(config: &Config) -> Result<DatabaseConnection> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("cannot create data directory {}", config.data_dir.display()))?;
    let url = config.database_url();
    storage::connect(&url).await.with_context(|| format!("cannot open database {}", redact(&url)))
}

/// A database URL without its password, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.find('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].find(':') {
            Some(colon) => format!("{}:***{}", &url[..s + 3 + colon], &url[at..]),
            None => url.to_string(),
        },
        _ => url.to_string(),
    }
}

/// Rebuilds the index from the database and records beside it the curated lists it
/// now holds, so the next start does not rebuild it again.
async fn rebuild_index(db: &DatabaseConnection, index: &Arc<SearchIndex>, config: &Config) -> Result<u64> {
    let count = index_sync::rebuild(db, index).await?;
    curated::mark_indexed(&config.index_dir()).context("cannot record the curated lists")?;
    Ok(count)
}

/// Opens the index, starting afresh when the one on disk is unreadable or from another
/// schema: the database can always rebuild it.
fn open_index(config: &Config) -> Result<Arc<SearchIndex>> {
    let dir = config.index_dir();
    match SearchIndex::open_or_create(&dir) {
        Ok(index) => Ok(Arc::new(index)),
        Err(e) => {
            tracing::warn!("search index at {} unusable ({e}); rebuilding it from the database", dir.display());
            std::fs::remove_dir_all(&dir).with_context(|| format!("cannot remove {}", dir.display()))?;
            Ok(Arc::new(SearchIndex::open_or_create(&dir).context("cannot create search index")?))
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    let config = load_config(&cli)?;
    match cli.command {
        Command::Serve { bind, demo } => serve(config, bind, demo).await,
        Command::Import { what: ImportCommand::Procedures { file } } => {
            let db = connect(&config).await?;
            let data = import::read_maybe_gzip(&file)?;
            let report = import::import_procedures(&db, &data, std::io::stderr().is_terminal()).await?;
            for (line, reason) in &report.failed {
                eprintln!("{}:{line}: {reason}", file.display());
            }
            println!("{report}");
            Ok(if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
        }
        Command::Import { what: ImportCommand::AdminUnits { file } } => {
            let db = connect(&config).await?;
            let data = import::read_maybe_gzip(&file)?;
            let report = import::admin_units::import(&db, &data).await?;
            println!("{} provinces, {} communes", report.provinces, report.communes);
            Ok(ExitCode::SUCCESS)
        }
        Command::BestBets { action } => {
            let db = connect(&config).await?;
            best_bets(&db, action).await
        }
        Command::Keywords { action } => {
            let db = connect(&config).await?;
            keywords_command(&db, action).await
        }
        Command::Companions { action } => {
            let db = connect(&config).await?;
            companions_command(&db, action).await
        }
        Command::Sources { action } => {
            let db = connect(&config).await?;
            crawl::sync_config_sources(&db, &config.crawler).await?;
            sources_command(&db, &config, action).await
        }
        Command::Redirects { action } => {
            let db = connect(&config).await?;
            redirects_command(&db, action).await
        }
        Command::Identity { action: IdentityCommand::Check { provider } } => {
            let Some(config) = config.identity.provider(&provider) else {
                let known: Vec<&str> = config.identity.providers.iter().map(|p| p.id.as_str()).collect();
                anyhow::bail!("no provider {provider} in [[identity.providers]] (configured: {})", known.join(", "));
            };
            let report = identity::check::check(config).await;
            println!("{report}");
            Ok(if report.failures() == 0 { ExitCode::SUCCESS } else { ExitCode::from(2) })
        }
        Command::Services { action } => {
            // Config-file services are brought in by the server at start (it has their secrets).
            let db = connect(&config).await?;
            hub::commands::run_services(&db, action).await
        }
        Command::Keys { action } => {
            let db = connect(&config).await?;
            hub::commands::run_keys(&db, &config, action).await
        }
        Command::Roles { action } => {
            let db = connect(&config).await?;
            staff::commands::run_roles(&db, action).await
        }
        Command::Audit { action } => {
            let db = connect(&config).await?;
            staff::commands::run_audit(&db, action).await
        }
        Command::DemoService { portal, bind } => {
            demo_service::run(&portal, bind, &config.data_dir).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Crawl { source } => {
            let db = connect(&config).await?;
            crawl::sync_config_sources(&db, &config.crawler).await?;
            crawl_now(&db, &config, source.as_deref()).await
        }
        Command::Reindex => {
            let db = connect(&config).await?;
            let index = open_index(&config)?;
            let count = rebuild_index(&db, &index, &config)
                .await
                .context("rebuild failed (is a server using this index? stop it first)")?;
            println!("indexed {count} documents");
            Ok(ExitCode::SUCCESS)
        }
    }
}

async fn keywords_command(db: &DatabaseConnection, action: KeywordCommand) -> Result<ExitCode> {
    use storage::search_keywords;
    match action {
        KeywordCommand::Set { code, keywords } => {
            let now = chrono::Utc::now();
            let kept = search_keywords::set(db, &code, &keywords, "cli", now).await?;
            storage::audit::record(db, search_keywords::audit_event("cli".into(), &code, &kept, None), now).await?;
            println!("{} keywords added to {}: {}", kept.len(), code.trim(), kept.join("; "));
        }
        KeywordCommand::List => {
            for (row, doc, _) in search_keywords::list(db).await? {
                println!("{}\t{}\t{}", doc.path, doc.title, row.keywords.replace('\n', "; "));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn companions_command(db: &DatabaseConnection, action: CompanionCommand) -> Result<ExitCode> {
    use motcua_app::domain::ProcedureRelation;
    use storage::companions;
    let now = chrono::Utc::now();
    match action {
        CompanionCommand::Set { code, companions: typed } => {
            let mut listed = Vec::new();
            for companion in &typed {
                let (other, word) = companion.split_once(':').unwrap_or((companion, ""));
                let relation = ProcedureRelation::parse(word.trim()).with_context(|| {
                    format!("{companion:?}: write each companion as CODE:RELATION, RELATION one of before, after, with, instead")
                })?;
                listed.push((other.to_string(), relation));
            }
            let kept = companions::set(db, &code, &listed, "cli", now).await?;
            let event = companions::audit_event("cli".into(), "companions.set", &code, &kept, None);
            storage::audit::record(db, event, now).await?;
            let shown: Vec<String> = kept.iter().map(|(c, r)| format!("{c}:{}", r.word())).collect();
            println!("{} companions of {}: {}", kept.len(), code.trim(), shown.join(" "));
        }
        CompanionCommand::Reset { code } => {
            if companions::reset(db, &code, now).await? {
                let shipped = motcua_server::curated::related::Relations::curated(code.trim());
                let event = companions::audit_event("cli".into(), "companions.reset", &code, shipped, None);
                storage::audit::record(db, event, now).await?;
                println!("{} has the curated list's companions again", code.trim());
            } else {
                println!("{} had no companions set here", code.trim());
            }
        }
        CompanionCommand::List => {
            for (row, doc, code) in companions::list(db).await? {
                let shown: Vec<String> =
                    companions::parsed(&row.companions).iter().map(|(c, r)| format!("{c}:{}", r.word())).collect();
                println!("{code}\t{}\t{}", doc.title, shown.join(" "));
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn best_bets(db: &DatabaseConnection, action: BestBetCommand) -> Result<ExitCode> {
    use storage::best_bets;
    match action {
        BestBetCommand::Set { query, targets } => {
            let now = chrono::Utc::now();
            let n = best_bets::set(db, &query, &targets, now).await?;
            let detail = serde_json::json!({ "query": query.trim(), "targets": targets });
            storage::audit::record(db, best_bets::audit_event("cli".into(), "best_bet.set", &query, detail, None), now)
                .await?;
            println!("{n} documents pinned to “{query}”");
        }
        BestBetCommand::Remove { query } => {
            let n = best_bets::remove(db, &query).await?;
            if n > 0 {
                let detail = serde_json::json!({ "query": query.trim(), "removed": n });
                let event = best_bets::audit_event("cli".into(), "best_bet.remove", &query, detail, None);
                storage::audit::record(db, event, chrono::Utc::now()).await?;
            }
            println!("{n} bets removed from “{query}”");
        }
        BestBetCommand::List => {
            for (bet, doc) in best_bets::list(db).await? {
                let (title, path) = doc.map(|d| (d.title, d.path)).unwrap_or_default();
                println!("{}\t{}\t{}\t{}", bet.query, bet.position, path, title);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn sources_command(db: &DatabaseConnection, config: &Config, action: SourceCommand) -> Result<ExitCode> {
    use storage::sources;
    let now = chrono::Utc::now();
    match action {
        SourceCommand::Add { id, agency, kind, url, interval, links, title, date, body } => {
            let selectors = crawl::Selectors { links, title, date, body };
            let interval = interval.unwrap_or(config.crawler.interval_secs);
            if config.crawler.sources.iter().any(|s| s.id == id) {
                anyhow::bail!("source {id} is declared in the configuration file; change it there");
            }
            let spec = crawl::SourceSpec {
                id: &id,
                agency_slug: &agency,
                kind: &kind,
                url: &url,
                interval_secs: interval,
                selectors: &selectors,
                from_config: false,
            };
            let def = crawl::define_source(db, &spec).await?;
            sources::put(db, &def, now).await?;
            println!("source {id} saved; it is crawled on the next schedule tick or with `motcua crawl --source {id}`");
        }
        SourceCommand::List => {
            println!("ID\tKIND\tSTATE\tITEMS\tLAST SUCCESS\tURL");
            for s in sources::list(db).await? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    s.id,
                    s.kind,
                    source_state(&s, now),
                    s.items_seen,
                    s.last_success_at.map(|t| t.to_rfc3339()).unwrap_or_else(|| "never".into()),
                    s.url
                );
            }
        }
        SourceCommand::Show { id } => {
            let Some(s) = sources::get(db, &id).await? else { anyhow::bail!("no source {id}") };
            let agency = storage::entity::agency::Entity::find_by_id(s.agency_id).one(db).await?;
            let time =
                |t: Option<chrono::DateTime<chrono::Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_else(|| "never".into());
            println!("id:                   {}", s.id);
            println!(
                "agency:               {}",
                agency.map(|a| format!("{} ({})", a.name, a.slug)).unwrap_or_default()
            );
            println!("kind:                 {}", s.kind);
            println!("url:                  {}", s.url);
            println!("selectors:            {}", s.selectors);
            println!("interval:             {} s", s.interval_secs);
            println!(
                "declared in:          {}",
                if s.from_config { "configuration file" } else { "database (motcua sources add)" }
            );
            println!("state:                {}", source_state(&s, now));
            println!("last run:             {}", time(s.last_run_at));
            println!("last success:         {}", time(s.last_success_at));
            println!("last error:           {}", s.last_error.as_deref().unwrap_or("none"));
            println!("last error at:        {}", time(s.last_error_at));
            println!("consecutive failures: {}", s.consecutive_failures);
            println!("failing since:        {}", time(s.failing_since));
            println!("items seen:           {}", s.items_seen);
            println!("next run:             {}", time(s.next_run_at));
        }
        SourceCommand::Remove { id } => {
            if config.crawler.sources.iter().any(|s| s.id == id) {
                anyhow::bail!("source {id} is declared in the configuration file; remove it there");
            }
            if !sources::remove(db, &id).await? {
                anyhow::bail!("no source {id}");
            }
            println!("source {id} removed (its documents stay)");
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn redirects_command(db: &DatabaseConnection, action: RedirectCommand) -> Result<ExitCode> {
    use storage::redirects;
    match action {
        RedirectCommand::Import { file } => {
            let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let (good, bad) = redirects::parse_mapping(&text);
            for e in &bad {
                eprintln!("{}: {e}", file.display());
            }
            let n = redirects::put_many(db, &good, chrono::Utc::now()).await?;
            println!("{n} redirects saved, {} lines rejected", bad.len());
            Ok(if bad.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
        }
        RedirectCommand::List => {
            for r in redirects::list(db).await? {
                println!("{}\t{}", r.old_url, r.target);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// "ok", "disabled", "failing" or "FLAGGED: failing for more than a day".
fn source_state(s: &storage::entity::source::Model, now: chrono::DateTime<chrono::Utc>) -> &'static str {
    if !s.enabled {
        "disabled"
    } else if crawl::is_flagged(s, now) {
        "FLAGGED (failing for a day or more)"
    } else if s.consecutive_failures > 0 {
        "failing"
    } else if s.last_success_at.is_none() {
        "new"
    } else {
        "ok"
    }
}

async fn crawl_now(db: &DatabaseConnection, config: &Config, only: Option<&str>) -> Result<ExitCode> {
    let all = storage::sources::list(db).await?;
    let chosen: Vec<_> = match only {
        Some(id) => all.into_iter().filter(|s| s.id == id).collect(),
        None => all.into_iter().filter(|s| s.enabled).collect(),
    };
    if let Some(id) = only
        && chosen.is_empty()
    {
        anyhow::bail!("no source {id}");
    }
    let crawler = Arc::new(crawl::Crawler::new(db.clone(), &config.crawler, None, None)?);
    let slots = Arc::new(tokio::sync::Semaphore::new(config.crawler.concurrency.max(1)));
    let mut tasks = tokio::task::JoinSet::new();
    for source in chosen {
        let (crawler, slots) = (crawler.clone(), slots.clone());
        tasks.spawn(async move {
            let _slot = slots.acquire().await;
            crawler.crawl(&source).await
        });
    }
    let mut failed = false;
    while let Some(done) = tasks.join_next().await {
        let report = done.context("crawl task panicked")??;
        failed |= report.error.is_some();
        println!("{report}");
        for (url, reason) in &report.failed {
            println!("  {url}: {reason}");
        }
        for (url, fault) in &report.repaired {
            println!("  {url}: read despite: {fault}");
        }
    }
    Ok(if failed { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

async fn serve(mut config: Config, bind: Option<std::net::SocketAddr>, demo: bool) -> Result<ExitCode> {
    if let Some(bind) = bind {
        config.http.bind = bind;
    }
    let legacy = http::legacy::LegacySites::new(&config.legacy).context("invalid [legacy] configuration")?;
    let db = connect(&config).await?;
    let empty = storage::entity::document::Entity::find().count(&db).await? == 0;
    if demo || empty {
        let report = import::demo::load(&db).await.context("cannot load demo content")?;
        demo_service::register(&db, &config.data_dir, chrono::Utc::now())
            .await
            .context("cannot register the demo department service")?;
        tracing::info!("demo content: {report}");
    }
    let index = open_index(&config)?;
    // A new index, or one analysed or given curated lists by another build, is rebuilt.
    if index.applied_sequence()?.is_none() || !curated::indexed_in(&config.index_dir()) {
        let n = rebuild_index(&db, &index, &config).await.context("cannot build search index")?;
        tracing::info!(documents = n, "search index built");
    } else {
        index_sync::catch_up_at_start(&db, &index).await.context("cannot update search index")?;
    }

    let (stop_tx, stop_rx) = watch::channel(false);
    let wake = Arc::new(Notify::new());
    let sync = tokio::spawn(index_sync::run(
        db.clone(),
        index.clone(),
        wake.clone(),
        Duration::from_millis(config.search.poll_interval_ms.max(50)),
        Shutdown(stop_rx.clone()),
    ));

    let scheduler = tokio::spawn(staff::publishing::run_schedule(
        db.clone(),
        Duration::from_secs(config.publishing.schedule_check_secs.max(1)),
        Shutdown(stop_rx.clone()),
    ));

    crawl::sync_config_sources(&db, &config.crawler).await.context("invalid crawler source")?;
    let crawler = if config.crawler.enabled {
        let crawler = Arc::new(crawl::Crawler::new(
            db.clone(),
            &config.crawler,
            Some(wake.clone()),
            Some(Shutdown(stop_rx.clone())),
        )?);
        Some(tokio::spawn(crawl::schedule::run(crawler, config.crawler.concurrency, Shutdown(stop_rx.clone()))))
    } else {
        None
    };

    let listener = tokio::net::TcpListener::bind(config.http.bind)
        .await
        .with_context(|| format!("cannot listen on {}", config.http.bind))?;
    let addr = listener.local_addr()?;
    let public_url = config.identity.public_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    let sign_in = http::sign_in::sign_in(&config.identity, &public_url).context("invalid [identity] configuration")?;
    let hub = Arc::new(hub::Hub::open(&db, &config, &public_url).await.context("cannot open the sign-on hub ([hub])")?);
    tokio::spawn(hub::logout::resume(hub.clone(), db.clone()));
    let state = http::AppState {
        portal: portal::PortalService::new(db.clone(), index.clone(), config.portal.popular_procedures.clone())
            .with_identity(config.identity.clone()),
        config: Arc::new(config.clone()),
        db: db.clone(),
        legacy,
        sign_in,
        hub,
    };
    let app = http::router(state);
    println!("Một Cửa is serving on http://{addr}/");
    tracing::info!(%addr, "listening");
    // The client's address reaches handlers for the audit log.
    axum::serve(listener, app.into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    let _ = stop_tx.send(true);
    if let Some(crawler) = crawler {
        let _ = crawler.await;
    }
    let _ = scheduler.await;
    let _ = sync.await;
    db.close().await?;
    Ok(ExitCode::SUCCESS)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_passwords() {
        assert_eq!(redact("postgres://u:secret@h/db"), "postgres://u:***@h/db");
        assert_eq!(redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact("sqlite://data/motcua.db"), "sqlite://data/motcua.db");
    }
}
