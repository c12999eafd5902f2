//! A real browser for the end-to-end tests: Debian's Chromium, headless, driven through its
//! chromedriver (W3C WebDriver) with `fantoccini`. A browser checks what an HTTP client
//! cannot: that the security policy lets the portal's own script and stylesheet run, that
//! cookies survive redirects between sites, that forms work with scripts off, that a page
//! fits a phone. `.ci/run` installs both packages (`chromium`, `chromium-driver`); on a
//! machine without them a test says so and skips, except under CI, where that fails.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use anyhow::{Context, Result};
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// Whether the page's scripts run: a citizen's browser may have them off, and every page
/// must work then.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scripts {
    /// As most browsers come.
    On,
    /// Chromium's own setting, as a citizen (or a locked-down office computer) sets it.
    Off,
}

/// The window a page is shown in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Screen {
    /// An office computer's window, 1280 pixels wide.
    Desktop,
    /// A small phone, 320 CSS pixels wide (the width WCAG 2.1's reflow criterion names),
    /// emulated by Chromium with touch and a device pixel ratio of 2.
    Phone,
}

/// One headless Chromium window; closed, with its driver, when dropped.
pub struct Browser {
    client: Option<Client>,
    runtime: tokio::runtime::Runtime,
    driver: Child,
    _profile: tempfile::TempDir,
}

/// WebDriver's codes of the Enter, Space and down arrow keys.
const ENTER: &str = "\u{E007}";
const SPACE: &str = "\u{E00D}";
const ARROW_DOWN: &str = "\u{E015}";

/// axe-core's script, from `tests/browser/` (`npm ci --prefix tests/browser`, which the
/// test command runs), read once.
fn axe_source() -> &'static str {
    static AXE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    AXE.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("browser/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("{}: {e} (run `npm ci --prefix tests/browser`)", path.display()))
    })
}

/// The chromedriver to use: `MOTCUA_TEST_CHROMEDRIVER`, else Debian's.
fn chromedriver() -> Option<PathBuf> {
    let path = std::env::var_os("MOTCUA_TEST_CHROMEDRIVER")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromedriver"));
    path.is_file().then_some(path)
}

impl Browser {
    /// A window, or `None` (having said why) on a machine without chromedriver. Under CI a
    /// missing browser is a failure, not a skip.
    pub fn open(scripts: Scripts, screen: Screen) -> Option<Browser> {
        let Some(driver) = chromedriver() else {
            assert!(
                std::env::var_os("CI").is_none(),
                "no chromedriver: .ci/run installs Debian's chromium and chromium-driver"
            );
            eprintln!(
                "skipping: no chromedriver at /usr/bin/chromedriver or MOTCUA_TEST_CHROMEDRIVER \
                 (apt-get install chromium chromium-driver; .ci/run does)"
            );
            return None;
        };
        Some(Browser::start(&driver, scripts, screen).expect("start headless Chromium"))
    }

    fn start(driver: &std::path::Path, scripts: Scripts, screen: Screen) -> Result<Browser> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
        let port = crate::free_port();
        let driver = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot run {}", driver.display()))?;
        let profile = tempfile::tempdir()?;
        let mut args = vec![
            "--headless=new".to_string(),
            // Chromium refuses its sandbox as root, which CI runs as.
            "--no-sandbox".to_string(),
            "--disable-dev-shm-usage".to_string(),
            "--disable-gpu".to_string(),
            "--no-first-run".to_string(),
            "--lang=vi-VN".to_string(),
            "--window-size=1280,900".to_string(),
            format!("--user-data-dir={}", profile.path().display()),
        ];
        let mut prefs = json!({});
        if scripts == Scripts::Off {
            prefs["profile.managed_default_content_settings.javascript"] = json!(2);
            args.push("--blink-settings=scriptEnabled=false".to_string());
        }
        let mut options = json!({ "args": args, "prefs": prefs });
        if screen == Screen::Phone {
            // A window cannot be made this narrow; the emulation sets the viewport itself.
            options["mobileEmulation"] =
                json!({ "deviceMetrics": { "width": 320, "height": 640, "pixelRatio": 2.0, "touch": true } });
        }
        if std::path::Path::new("/usr/bin/chromium").is_file() {
            options["binary"] = json!("/usr/bin/chromium");
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert("goog:chromeOptions".into(), options);
        let url = format!("http://127.0.0.1:{port}");
        let client = runtime.block_on(async {
            // The driver takes a moment to listen.
            let mut last = None;
            for _ in 0..100 {
                let mut builder = ClientBuilder::new(HttpConnector::new());
                match builder.capabilities(capabilities.clone()).connect(&url).await {
                    Ok(client) => return Ok(client),
                    Err(e) => last = Some(e),
                }
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(anyhow::anyhow!("chromedriver on port {port} did not open a session: {last:?}"))
        });
        // Built before the session's result is looked at, so that a failed session still
        // stops the driver (in `Drop`).
        let mut browser = Browser { client: None, runtime, driver, _profile: profile };
        browser.client = Some(client?);
        Ok(browser)
    }

    fn client(&self) -> &Client {
        self.client.as_ref().expect("a session while the browser is open")
    }

    /// Goes to `url` and waits for the page to load.
    pub fn goto(&self, url: &str) {
        self.runtime.block_on(self.client().goto(url)).unwrap_or_else(|e| panic!("go to {url}: {e}"));
    }

    /// The address of the page shown.
    pub fn url(&self) -> String {
        self.runtime.block_on(self.client().current_url()).expect("current url").to_string()
    }

    /// The page's HTML as the browser holds it now.
    pub fn source(&self) -> String {
        self.runtime.block_on(self.client().source()).expect("page source")
    }

    /// The visible text of the first element matching `css`.
    pub fn text(&self, css: &str) -> String {
        self.runtime
            .block_on(async { self.client().find(Locator::Css(css)).await?.text().await })
            .unwrap_or_else(|e| panic!("text of {css} on {}: {e}", self.url()))
    }

    /// The visible texts of every element matching `css`.
    pub fn texts(&self, css: &str) -> Vec<String> {
        self.runtime
            .block_on(async {
                let mut texts = Vec::new();
                for element in self.client().find_all(Locator::Css(css)).await? {
                    texts.push(element.text().await?);
                }
                Ok::<_, fantoccini::error::CmdError>(texts)
            })
            .unwrap_or_else(|e| panic!("texts of {css}: {e}"))
    }

    /// How many elements match `css`.
    pub fn count(&self, css: &str) -> usize {
        self.runtime.block_on(self.client().find_all(Locator::Css(css))).map(|all| all.len()).unwrap_or(0)
    }

    /// An attribute of the first element matching `css`.
    pub fn attribute(&self, css: &str, name: &str) -> Option<String> {
        self.runtime
            .block_on(async { self.client().find(Locator::Css(css)).await?.attr(name).await })
            .unwrap_or_else(|e| panic!("attribute {name} of {css}: {e}"))
    }

    /// Activates the first element matching `css` from the keyboard, as a keyboard user does
    /// (Enter on a link, a button or a summary, Space on a checkbox), for what stays on the
    /// page. Focus scrolls the element into view natively; the driver's own click cannot
    /// scroll when the page's scripts are off (its helpers are scripts).
    pub fn activate(&self, css: &str) {
        self.runtime
            .block_on(async {
                let element = self.client().find(Locator::Css(css)).await?;
                let checkbox = element.attr("type").await?.is_some_and(|t| t == "checkbox" || t == "radio");
                element.send_keys(if checkbox { SPACE } else { ENTER }).await
            })
            .unwrap_or_else(|e| panic!("activate {css} on {}: {e}", self.url()));
    }

    /// Activates the link or button `css` (see [`Browser::activate`]) and waits for the page
    /// it leads to, through every redirect, to have loaded.
    pub fn go_by(&self, css: &str) {
        self.mark_page();
        self.activate(css);
        self.wait_for_next_page(css);
    }

    /// Follows the link whose text is exactly `text`, from the keyboard, and waits for its
    /// page.
    pub fn follow_link(&self, text: &str) {
        self.mark_page();
        self.runtime
            .block_on(async { self.client().find(Locator::LinkText(text)).await?.send_keys(ENTER).await })
            .unwrap_or_else(|e| panic!("follow the link “{text}” on {}: {e}", self.url()));
        self.wait_for_next_page(text);
    }

    /// Marks the page shown, so that [`Browser::wait_for_next_page`] knows when it is gone: a
    /// key press returns before the navigation it starts.
    fn mark_page(&self) {
        self.try_run("document.documentElement.setAttribute('data-left-behind', ''); return null")
            .expect("mark the page");
    }

    fn wait_for_next_page(&self, what: &str) {
        let arrived = self.wait_until(Duration::from_secs(20), |b| {
            b.try_run(
                "return document.readyState === 'complete' \
                 && !document.documentElement.hasAttribute('data-left-behind')",
            ) == Some(Value::Bool(true))
        });
        assert!(arrived, "{what} led to no new page (still at {})", self.url());
    }

    /// Moves the choice of the select `css` down one option, from the keyboard (typing an
    /// option's Vietnamese text is not reliable through the driver).
    pub fn choose_next(&self, css: &str) {
        self.runtime
            .block_on(async { self.client().find(Locator::Css(css)).await?.send_keys(ARROW_DOWN).await })
            .unwrap_or_else(|e| panic!("choose the next option of {css}: {e}"));
    }

    /// Types `text` into the first field matching `css`, key by key, as a person would.
    pub fn type_into(&self, css: &str, text: &str) {
        self.runtime
            .block_on(async { self.client().find(Locator::Css(css)).await?.send_keys(text).await })
            .unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// Runs `script` (a function body; `return` gives the value) in the page. Chromium runs
    /// it for the driver even when the page's own scripts are off.
    pub fn run(&self, script: &str) -> Value {
        self.runtime.block_on(self.client().execute(script, Vec::new())).unwrap_or_else(|e| panic!("{script}: {e}"))
    }

    /// The same, `None` when it cannot run (the page is changing).
    fn try_run(&self, script: &str) -> Option<Value> {
        self.runtime.block_on(self.client().execute(script, Vec::new())).ok()
    }

    /// What the page's Content-Security-Policy refused since it loaded ("directive URL"),
    /// from Chromium's reports (buffered, so those of loading count too).
    pub fn refused_by_security_policy(&self) -> Vec<String> {
        let refused = self.run(
            "const o = new ReportingObserver(() => {}, { types: ['csp-violation'], buffered: true }); \
             o.observe(); \
             const found = o.takeRecords().map(r => r.body.effectiveDirective + ' ' + r.body.blockedURL); \
             o.disconnect(); return found",
        );
        serde_json::from_value(refused).unwrap_or_else(|e| panic!("reports: {e}"))
    }

    /// What axe-core, the accessibility engine, finds on the page shown against WCAG 2.1 A
    /// and AA and its best practices: one line per rule broken, naming its first elements.
    /// Needs the page's scripts on (axe waits on timers).
    pub fn accessibility_violations(&self) -> Vec<String> {
        self.run(&format!("{}\n;return null", axe_source()));
        let found = self
            .runtime
            .block_on(self.client().execute_async(
                "const done = arguments[arguments.length - 1]; \
                 axe.run(document, { runOnly: { type: 'tag', \
                     values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }) \
                   .then(r => done(r.violations.map(v => v.id + ' (' + v.impact + '): ' \
                     + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')))) \
                   .catch(e => done(['axe failed: ' + e]))",
                Vec::new(),
            ))
            .unwrap_or_else(|e| panic!("axe on {}: {e}", self.url()));
        serde_json::from_value(found).unwrap_or_else(|e| panic!("axe's answer: {e}"))
    }

    /// Waits up to `limit` for `check` to hold, looking every 100 ms.
    pub fn wait_until(&self, limit: Duration, mut check: impl FnMut(&Browser) -> bool) -> bool {
        crate::eventually(limit, || check(self))
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Ending the session closes Chromium; the driver is then stopped.
        if let Some(client) = self.client.take() {
            let _ =
                self.runtime.block_on(async { tokio::time::timeout(Duration::from_secs(10), client.close()).await });
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
