//! Configuration: defaults < `motcua.toml` (or `--config FILE`) < `MOTCUA_` environment
//! variables < command-line flags. Nested keys use a double underscore in the environment:
//! `MOTCUA_DATABASE__URL`, `MOTCUA_HTTP__BIND`. Every key, its default and its variable are
//! listed in `motcua.example.toml`.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};

/// The whole configuration.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Where the SQLite database and the search index live. Default `data`.
    pub data_dir: PathBuf,
    /// Database settings.
    pub database: DatabaseConfig,
    /// HTTP settings.
    pub http: HttpConfig,
    /// Search settings.
    pub search: SearchConfig,
    /// What the portal shows.
    pub portal: PortalConfig,
    /// Merging agency websites.
    pub crawler: CrawlerConfig,
    /// Old websites whose addresses the portal keeps alive.
    pub legacy: LegacyConfig,
    /// Signing citizens in through national login providers.
    pub identity: IdentityConfig,
    /// The portal as the sign-on hub (an OpenID provider) for department services.
    pub hub: HubConfig,
    /// Publishing straight into the portal.
    pub publishing: PublishingConfig,
}

/// Publishing straight into the portal.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct PublishingConfig {
    /// How often scheduled drafts are checked, in seconds. Default 30.
    pub schedule_check_secs: u64,
}

impl Default for PublishingConfig {
    fn default() -> Self {
        Self { schedule_check_secs: 30 }
    }
}

/// The sign-on hub: department services that sign citizens in through the portal, and how
/// the hub keeps its signing keys and tokens.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct HubConfig {
    /// Environment variable holding the key (64 hex digits) that encrypts the hub's private
    /// signing keys in the database. Unset: a key file `hub-key-encryption.key` is made in
    /// `data_dir` on first start (fine for one machine; a cluster sets the variable).
    pub key_encryption_key_env: String,
    /// Minutes an access token and an ID token live. Default 10.
    pub token_minutes: u64,
    /// Seconds an authorisation code lives. Default 60.
    pub code_seconds: u64,
    /// Department services, registered here (or with `motcua services add`).
    pub services: Vec<ServiceConfig>,
}

impl HubConfig {
    /// How long access and ID tokens live.
    pub fn token_lifetime(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::try_from(self.token_minutes).unwrap_or(10))
    }
}

impl Default for HubConfig {
    fn default() -> Self {
        Self {
            key_encryption_key_env: "MOTCUA_KEY_ENCRYPTION_KEY".into(),
            token_minutes: 10,
            code_seconds: 60,
            services: Vec::new(),
        }
    }
}

/// How a department service proves itself at the hub's token endpoint.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum ServiceAuth {
    /// The secret in an HTTP Basic header.
    #[default]
    ClientSecretBasic,
    /// The secret in the form body.
    ClientSecretPost,
    /// A JWT signed with the service's key, checked against its JWKS.
    PrivateKeyJwt,
}

impl ServiceAuth {
    /// The method's name, as registrations and discovery spell it.
    pub fn name(self) -> &'static str {
        match self {
            ServiceAuth::ClientSecretBasic => "client_secret_basic",
            ServiceAuth::ClientSecretPost => "client_secret_post",
            ServiceAuth::PrivateKeyJwt => "private_key_jwt",
        }
    }
}

/// Whether a service sees the citizen under an identifier of its own sector (so services
/// of different sectors cannot link their records) or the portal-wide one.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum SubjectType {
    /// One identifier per sector (the default).
    #[default]
    Pairwise,
    /// The same identifier for every service that is configured so.
    Public,
}

/// One department service, a client of the hub.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ServiceConfig {
    /// OAuth client id ("ho-tich-hue").
    pub client_id: String,
    /// Name citizens see on the consent page ("Đăng ký hộ tịch trực tuyến").
    pub name: String,
    /// Slug of the agency that runs it.
    pub agency: Option<String>,
    /// Where codes may be sent, matched exactly.
    pub redirect_uris: Vec<String>,
    /// Where a citizen may be sent after signing out, matched exactly.
    #[serde(default)]
    pub post_logout_redirect_uris: Vec<String>,
    /// How it authenticates at the token endpoint.
    #[serde(default)]
    pub client_auth: ServiceAuth,
    /// Environment variable holding its secret (at least 32 characters), for the secret
    /// methods. Only a salted hash of it is stored.
    pub client_secret_env: Option<String>,
    /// Its public keys for `private_key_jwt`, inline (a JWK Set as JSON).
    pub jwks: Option<String>,
    /// Or where to fetch them.
    pub jwks_uri: Option<String>,
    /// Scopes it may ask for (`openid`, `profile`, `phone`, `email`, `citizen`).
    #[serde(default = "default_service_scopes")]
    pub scopes: Vec<String>,
    /// Where the hub posts logout tokens when the citizen signs out.
    pub backchannel_logout_uri: Option<String>,
    /// Its third-party-initiated login address, for the hand-off from procedure pages.
    pub initiate_login_uri: Option<String>,
    /// Sector for pairwise identifiers; default: the host of its first redirect URI.
    pub sector: Option<String>,
    /// Pairwise (default) or public subject identifiers.
    #[serde(default)]
    pub subject_type: SubjectType,
    /// ID token signing algorithm: `ES256` (default) or `RS256`.
    #[serde(default = "default_id_token_alg")]
    pub id_token_alg: String,
    /// Codes of the procedures it takes applications for: their pages offer "Nộp hồ sơ
    /// trực tuyến" and hand the citizen off to it.
    #[serde(default)]
    pub procedures: Vec<String>,
    /// Where a handed-off citizen lands (`target_link_uri`); default: its origin.
    pub start_url: Option<String>,
    /// The assurance level it needs (1 low, 2 substantial, 3 high); the hub asks the national
    /// login for more when a session has less. Default 2.
    #[serde(default = "default_service_level")]
    pub assurance_level: u8,
    /// Makes it a machine client of the push API: it may take client-credentials tokens and
    /// act for `agency` and its sub-agencies with this role. A machine-only client needs no
    /// redirect URI.
    pub api_role: Option<ApiRole>,
}

/// What a machine client may do through the push API.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum ApiRole {
    /// Write drafts.
    Editor,
    /// Write drafts, publish and unpublish.
    Publisher,
}

fn default_service_level() -> u8 {
    2
}

fn default_service_scopes() -> Vec<String> {
    vec!["openid".into(), "profile".into()]
}

fn default_id_token_alg() -> String {
    "ES256".into()
}

/// Signing in: the login providers citizens may choose (a national identity such as VNeID,
/// or any other OpenID provider), plugged in by configuration alone, and how long a portal
/// session lasts.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct IdentityConfig {
    /// The portal's public address ("https://dichvucong.hue.gov.vn"); the redirect URI to
    /// register at a provider is this plus `/dang-nhap/{id}/callback`. Default: the bind
    /// address over http, which suits a machine of one's own only.
    pub public_url: Option<String>,
    /// Minutes without a request after which a session ends. Default 30.
    pub session_idle_minutes: u64,
    /// Hours after signing in after which a session ends whatever happens. Default 12.
    pub session_absolute_hours: u64,
    /// The providers, in the order the sign-in page offers them.
    pub providers: Vec<ProviderConfig>,
}

/// How the portal proves to a provider's token endpoint that it is the registered client.
#[derive(Clone, Copy, Debug, Deserialize, Serialize, PartialEq, Eq, Default)]
#[serde(rename_all = "snake_case")]
pub enum ClientAuth {
    /// The secret in an HTTP Basic header.
    #[default]
    ClientSecretBasic,
    /// The secret in the form body.
    ClientSecretPost,
    /// A JWT signed with the portal's private key (the provider knows the public part).
    PrivateKeyJwt,
}

/// One login provider, with everything its profile of OpenID Connect asks for.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ProviderConfig {
    /// Id in URLs and on the command line ("vneid").
    pub id: String,
    /// Shown on the sign-in button ("Đăng nhập bằng VNeID").
    pub name: String,
    /// Issuer; its discovery document is at `{issuer}/.well-known/openid-configuration`.
    pub issuer: String,
    /// Client id the provider registered for the portal.
    pub client_id: String,
    /// How the portal authenticates at the token endpoint. Default `client_secret_basic`.
    #[serde(default)]
    pub client_auth: ClientAuth,
    /// Name of the environment variable holding the client secret, so that no secret has to
    /// sit in the file (`client_secret_basic` and `client_secret_post`).
    pub client_secret_env: Option<String>,
    /// PKCS#1 PEM RSA private key signing client assertions for `private_key_jwt`; its
    /// public part is published at `/.well-known/jwks.json`.
    pub private_key_file: Option<PathBuf>,
    /// Algorithm of the client assertions: RS256 (default) or PS256.
    pub assertion_alg: Option<String>,
    /// Scopes asked for. Default `openid profile`.
    #[serde(default = "default_scopes")]
    pub scopes: Vec<String>,
    /// Further authorisation parameters (`acr_values`, `ui_locales`, …).
    #[serde(default)]
    pub extra_params: std::collections::BTreeMap<String, String>,
    /// ID token signing algorithms accepted (RS256, PS256, ES256). Default RS256.
    #[serde(default = "default_signing_algs")]
    pub signing_algs: Vec<String>,
    /// Which claims give the portal's fields of a citizen.
    #[serde(default)]
    pub claims: ClaimMapping,
    /// The provider's `acr` values onto the portal's assurance levels (1 low, 2 substantial,
    /// 3 high). An `acr` not listed counts as level 1.
    #[serde(default)]
    pub assurance: std::collections::BTreeMap<String, u8>,
    /// Send the authorisation request by pushed authorisation request (PAR). Default false.
    #[serde(default)]
    pub par: bool,
    /// PKCS#1 PEM RSA private key opening encrypted ID tokens (RSA-OAEP-256); its public
    /// part is published at `/.well-known/jwks.json` for the provider to encrypt with.
    pub decryption_key_file: Option<PathBuf>,
    /// Signs in staff only (an agency's own directory, say): offered on the staff's sign-in,
    /// not on the citizens'. Once one provider is staff-only, staff roles count only in
    /// sessions signed in through a staff-only provider. Default false.
    #[serde(default)]
    pub staff_only: bool,
}

fn default_scopes() -> Vec<String> {
    vec!["openid".into(), "profile".into()]
}

fn default_signing_algs() -> Vec<String> {
    vec!["RS256".into()]
}

/// Claim names that give a citizen's name, birth date, citizen id number, phone and email;
/// an empty name means the provider does not give it.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct ClaimMapping {
    /// Default `name`.
    pub name: String,
    /// Default `birthdate`.
    pub birth_date: String,
    /// Default `citizen_id`.
    pub citizen_id: String,
    /// Default `phone_number`.
    pub phone: String,
    /// Default `email`.
    pub email: String,
}

impl Default for ClaimMapping {
    fn default() -> Self {
        Self {
            name: "name".into(),
            birth_date: "birthdate".into(),
            citizen_id: "citizen_id".into(),
            phone: "phone_number".into(),
            email: "email".into(),
        }
    }
}

impl Default for IdentityConfig {
    fn default() -> Self {
        Self { public_url: None, session_idle_minutes: 30, session_absolute_hours: 12, providers: Vec::new() }
    }
}

impl IdentityConfig {
    /// Time without a request after which a session ends.
    pub fn session_idle(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::try_from(self.session_idle_minutes).unwrap_or(i64::MAX / 60_000))
    }

    /// The provider with this id.
    pub fn provider(&self, id: &str) -> Option<&ProviderConfig> {
        self.providers.iter().find(|p| p.id == id)
    }

    /// The providers staff sign in with: the staff-only ones, or every one when there are none.
    pub fn staff_providers(&self) -> Vec<&ProviderConfig> {
        let only: Vec<&ProviderConfig> = self.providers.iter().filter(|p| p.staff_only).collect();
        if only.is_empty() { self.providers.iter().collect() } else { only }
    }

    /// Whether a session signed in through `provider_id` may use its account's staff roles.
    pub fn staff_may_use(&self, provider_id: &str) -> bool {
        self.staff_providers().iter().any(|p| p.id == provider_id)
    }
}

/// Old websites (an abolished district's, say) whose addresses must keep working: a request
/// for one of their pages is answered with a 301 to the portal's copy.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct LegacyConfig {
    /// The portal's public address ("https://motcua.hue.gov.vn"), for redirects answered
    /// under an old site's own host name. Without it they are relative.
    pub public_url: Option<String>,
    /// The old sites.
    pub sites: Vec<LegacySite>,
}

/// One old website.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LegacySite {
    /// Its address as it was ("http://huyenphuvang.thuathienhue.gov.vn"); old URLs are this
    /// plus the requested path.
    pub origin: String,
    /// Answer requests whose `Host` is this name (its DNS now points at the portal).
    pub host: Option<String>,
    /// Answer requests under this portal path ("/cu/phu-vang"), for links rewritten by hand.
    pub path: Option<String>,
    /// Slug of the agency that took over; the old home page redirects to its page.
    pub agency: Option<String>,
}

/// Merging agency websites: how politely to fetch, and the sources the file declares.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CrawlerConfig {
    /// Crawl the sources on their schedule inside `motcua serve`. Default true.
    pub enabled: bool,
    /// User-Agent; robots.txt groups are matched against its first word.
    pub user_agent: String,
    /// Pause between two requests to one host, in milliseconds. Default 1000.
    pub host_delay_ms: u64,
    /// Whole-request timeout, in milliseconds. Default 20000.
    pub timeout_ms: u64,
    /// Largest body accepted, in bytes (after decompression). Default 10 MiB.
    pub max_body_bytes: u64,
    /// Redirects followed. Default 5.
    pub max_redirects: usize,
    /// Retries after a timeout, connection error, 5xx or 429. Default 2.
    pub retries: u32,
    /// First retry backoff in milliseconds, doubled each time. Default 1000.
    pub backoff_ms: u64,
    /// Seconds between crawls of a source that does not set its own. Default 900.
    pub interval_secs: u64,
    /// Sources crawled at the same time (each host still sees one request at a time).
    /// Default 8.
    pub concurrency: usize,
    /// Sources declared here; the file owns them (`motcua sources add` adds others).
    pub sources: Vec<SourceConfig>,
}

/// A source declared in the configuration file.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// Id, used on the command line ("so-tu-phap-tin-tuc").
    pub id: String,
    /// Slug of the agency whose content it is (see `/co-quan`).
    pub agency: String,
    /// "feed" (RSS 2.0, RSS 1.0, Atom), "sitemap" or "html" (listing pages).
    pub kind: String,
    /// The feed, sitemap or listing page.
    pub url: String,
    /// Seconds between crawls; default `crawler.interval_secs`.
    pub interval_secs: Option<u64>,
    /// CSS selectors: `links` on the listing page; `title`, `date`, `body` on article pages.
    #[serde(default)]
    pub selectors: crate::crawl::Selectors,
}

/// Database settings.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://…` or `postgres://…`. Default: SQLite file `motcua.db` in `data_dir`.
    pub url: Option<String>,
}

/// HTTP settings.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct HttpConfig {
    /// Address to listen on. Default `127.0.0.1:8080`.
    pub bind: SocketAddr,
    /// Directory of the stylesheet; when it does not exist, the copy built into the binary
    /// is served. Default `style`.
    pub style_dir: PathBuf,
}

/// Search settings.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SearchConfig {
    /// Index directory. Default `index` inside `data_dir`.
    pub index_dir: Option<PathBuf>,
    /// How often the index checks the change log when nothing woke it, in milliseconds.
    /// Default 1000.
    pub poll_interval_ms: u64,
}

/// What the portal shows.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PortalConfig {
    /// Codes of the procedures on the home page, in order; those not in the database are
    /// left out.
    pub popular_procedures: Vec<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            database: DatabaseConfig::default(),
            http: HttpConfig { bind: SocketAddr::from(([127, 0, 0, 1], 8080)), style_dir: PathBuf::from("style") },
            search: SearchConfig { index_dir: None, poll_interval_ms: 1000 },
            legacy: LegacyConfig::default(),
            identity: IdentityConfig::default(),
            hub: HubConfig::default(),
            publishing: PublishingConfig::default(),
            crawler: CrawlerConfig {
                enabled: true,
                user_agent: concat!("MotCuaBot/", env!("CARGO_PKG_VERSION"), " (+https://example.invalid/motcua)")
                    .to_string(),
                host_delay_ms: 1000,
                timeout_ms: 20_000,
                max_body_bytes: 10 * 1024 * 1024,
                max_redirects: 5,
                retries: 2,
                backoff_ms: 1000,
                interval_secs: 900,
                concurrency: 8,
                sources: Vec::new(),
            },
            portal: PortalConfig {
                popular_procedures: [
                    "1.001193", // Đăng ký khai sinh
                    "1.000656", // Đăng ký khai tử
                    "1.000894", // Đăng ký kết hôn
                    "1.004222", // Đăng ký thường trú
                    "1.004194", // Đăng ký tạm trú
                    "1.000757", // Cấp lại thẻ căn cước
                    "1.004873", // Xác nhận tình trạng hôn nhân
                    "3.000347", // Đổi giấy phép lái xe
                    "2.000815", // Chứng thực bản sao từ bản chính
                ]
                .map(String::from)
                .to_vec(),
            },
        }
    }
}

impl Config {
    /// Loads the configuration from the layers; `file` defaults to `motcua.toml` when present.
    pub fn load(file: Option<&Path>) -> Result<Self, Box<figment::Error>> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        match file {
            Some(path) => figment = figment.merge(Toml::file_exact(path)),
            None => figment = figment.merge(Toml::file("motcua.toml")),
        }
        // MOTCUA_CONFIG names the file (a flag's variable) and MOTCUA_TEST_* belong to the
        // test suite; every other MOTCUA_ variable must be a known key.
        let env = Env::prefixed("MOTCUA_")
            .filter(|k| k != "config" && !k.as_str().to_lowercase().starts_with("test_"))
            .split("__");
        figment.merge(env).extract().map_err(Box::new)
    }

    /// The database URL, defaulting to SQLite in the data directory.
    pub fn database_url(&self) -> String {
        self.database
            .url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}?mode=rwc", self.data_dir.join("motcua.db").display()))
    }

    /// The index directory.
    pub fn index_dir(&self) -> PathBuf {
        self.search.index_dir.clone().unwrap_or_else(|| self.data_dir.join("index"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_point_into_the_data_dir() {
        let c = Config::default();
        assert_eq!(c.database_url(), "sqlite://data/motcua.db?mode=rwc");
        assert_eq!(c.index_dir(), PathBuf::from("data/index"));
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's test jail returns its own error type
    fn file_and_environment_override_defaults() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("m.toml", "data_dir = \"/srv/motcua\"\n[http]\nbind = \"0.0.0.0:80\"\n")?;
            jail.set_env("MOTCUA_DATABASE__URL", "postgres://db/motcua");
            let c = Config::load(Some(Path::new("m.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(c.data_dir, PathBuf::from("/srv/motcua"));
            assert_eq!(c.http.bind.port(), 80);
            assert_eq!(c.database_url(), "postgres://db/motcua");
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)]
    fn the_example_file_states_the_defaults_and_its_examples_parse() {
        let example = include_str!("../../motcua.example.toml");
        // Uncommented examples: "# key = value" and "# [table]" lines, not prose.
        let uncommented: String = example
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest)
                    if rest.starts_with('[')
                        || rest
                            .split_once(" = ")
                            .is_some_and(|(k, _)| k.chars().all(|c| c.is_ascii_lowercase() || c == '_')) =>
                {
                    rest
                }
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        figment::Jail::expect_with(|jail| {
            jail.create_file("example.toml", example)?;
            let c = Config::load(Some(Path::new("example.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(c, Config::default(), "motcua.example.toml must show the defaults");
            jail.create_file("uncommented.toml", &uncommented)?;
            let c = Config::load(Some(Path::new("uncommented.toml"))).map_err(|e| e.to_string())?;
            assert_eq!(c.crawler.sources.len(), 2);
            assert_eq!(c.legacy.sites.len(), 1);
            assert!(c.legacy.public_url.is_some());
            let vneid = c.identity.provider("vneid").ok_or("the example provider")?;
            assert_eq!(vneid.client_auth, ClientAuth::PrivateKeyJwt);
            assert_eq!(vneid.assurance.get("urn:vn:loa:3"), Some(&3));
            assert_eq!(vneid.extra_params.get("ui_locales").map(String::as_str), Some("vi"));
            assert_eq!(vneid.claims, ClaimMapping::default());
            let service = c.hub.services.first().ok_or("the example service")?;
            assert_eq!(service.client_auth, ServiceAuth::PrivateKeyJwt);
            assert_eq!(service.procedures, ["1.001193", "1.000656"]);
            crate::hub::services::validate(service).map_err(|e| e.to_string())?;
            let machine = c.hub.services.get(1).ok_or("the example machine client")?;
            assert_eq!((machine.api_role, machine.redirect_uris.len()), (Some(ApiRole::Publisher), 0));
            crate::hub::services::validate(machine).map_err(|e| e.to_string())?;
            assert!(!vneid.staff_only);
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)]
    fn unknown_keys_are_errors() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("m.toml", "[http]\nbnid = \"0.0.0.0:80\"\n")?;
            assert!(Config::load(Some(Path::new("m.toml"))).is_err());
            Ok(())
        });
    }
}
