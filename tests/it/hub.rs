//! The portal as the sign-on hub of department services: the certified `openid-client`
//! (tests/oidc/service.mjs) and the Rust `openidconnect` client sign a citizen in through
//! the portal, which signs them in at the stand-in national login (`oidc-provider`).

use std::time::Duration;

use motcua_tests::oidc_peers::{DepartmentService, NationalLogin};
use motcua_tests::{Server, Site, eventually, free_port, poll};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use regex::Regex;
use serde_json::{Value, json};

use crate::identity::{
    CITIZEN, SECRET_ES256, browser_with_jar, consent_and_come_back, one_step, portal_serving, provider_for,
};

const HO_TICH_SECRET: &str = "bi-mat-cua-dich-vu-ho-tich-0123456789abcdef";
const DAT_DAI_SECRET: &str = "bi-mat-cua-dich-vu-dat-dai-0123456789abcdef";

/// The national login, the portal on `port` with two registered services, and the first of
/// them (openid-client, `client_secret_basic`, ES256 ID tokens). The second (the Rust
/// client, `client_secret_post`, RS256) redirects to `dat_dai_redirect`, where nothing
/// listens: the test reads the code off the redirect.
struct Journey {
    provider: NationalLogin,
    ho_tich: DepartmentService,
    site: Site,
    portal: Server,
    dat_dai_redirect: String,
    /// What the second service's back-channel logout endpoint received.
    dat_dai_logouts: std::sync::mpsc::Receiver<String>,
}

/// The Rust service's own endpoints: its back-channel logout refuses the first POST with a
/// 503 (so the hub's retry is exercised), then answers 200 and passes on each body; any GET
/// (its signed-out page) answers 200.
fn logout_receiver() -> (u16, std::sync::mpsc::Receiver<String>) {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut first = true;
        for stream in listener.incoming().map_while(Result::ok) {
            let mut reader = BufReader::new(stream);
            let mut request_line = String::new();
            let _ = reader.read_line(&mut request_line);
            let mut length = 0usize;
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 0) && line.trim() != "" {
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                line.clear();
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            let out = reader.get_mut();
            if !request_line.starts_with("POST ") {
                let _ = out.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\nconnection: close\r\n\r\nsigned out");
            } else if std::mem::replace(&mut first, false) {
                let _ = out
                    .write_all(b"HTTP/1.1 503 Service Unavailable\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
            } else {
                let _ = out.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
                let _ = tx.send(String::from_utf8_lossy(&body).into_owned());
            }
        }
    });
    (port, rx)
}

fn journey(ho_tich_auth: &str) -> Journey {
    let port = free_port();
    let provider = provider_for(port);
    let issuer = format!("http://127.0.0.1:{port}");
    let ho_tich = DepartmentService::start(&json!({
        "issuer": issuer, "client_id": "ho-tich", "client_secret": HO_TICH_SECRET,
        "auth": ho_tich_auth.trim_end_matches("_uri"),
        "id_token_alg": "ES256", "scope": "openid profile citizen"
    }))
    .expect("start the department service");
    let (receiver_port, dat_dai_logouts) = logout_receiver();
    let dat_dai_redirect = format!("http://127.0.0.1:{receiver_port}/cb");
    let ho_tich_auth_config = match ho_tich_auth {
        "private_key_jwt" => format!("client_auth = \"private_key_jwt\"\njwks = '''{}'''", ho_tich.jwks),
        "private_key_jwt_uri" => format!("client_auth = \"private_key_jwt\"\njwks_uri = \"{}/jwks\"", ho_tich.base),
        secret => format!("client_auth = \"{secret}\"\nclient_secret_env = \"HO_TICH_SECRET\""),
    };
    let services = format!(
        "[[hub.services]]\nclient_id = \"ho-tich\"\nname = \"Đăng ký hộ tịch trực tuyến\"\nagency = \"thanh-pho-hue\"\n\
         redirect_uris = [\"{base}/callback\"]\npost_logout_redirect_uris = [\"{base}/signed-out\"]\n\
         {ho_tich_auth_config}\nscopes = [\"openid\", \"profile\", \"citizen\"]\n\
         backchannel_logout_uri = \"{base}/backchannel-logout\"\nsector = \"tuphap.hue.gov.vn\"\n\
         procedures = [\"1.001193\"]\ninitiate_login_uri = \"{base}/login\"\nstart_url = \"{base}/\"\n\
         [[hub.services]]\nclient_id = \"dat-dai\"\nname = \"Đăng ký đất đai\"\nredirect_uris = [\"{dat_dai_redirect}\"]\n\
         client_auth = \"client_secret_post\"\nclient_secret_env = \"DAT_DAI_SECRET\"\nid_token_alg = \"RS256\"\n\
         post_logout_redirect_uris = [\"http://127.0.0.1:{receiver_port}/signed-out\"]\n\
         backchannel_logout_uri = \"http://127.0.0.1:{receiver_port}/backchannel-logout\"\n\
         scopes = [\"openid\", \"profile\", \"phone\"]\nsector = \"tainguyen.hue.gov.vn\"\n",
        base = ho_tich.base
    );
    let (site, portal) = portal_serving(
        &provider.issuer,
        port,
        SECRET_ES256,
        &services,
        &[("HO_TICH_SECRET", HO_TICH_SECRET), ("DAT_DAI_SECRET", DAT_DAI_SECRET)],
        |_| {},
    );
    Journey { provider, ho_tich, site, portal, dat_dai_redirect, dat_dai_logouts }
}

fn location(response: &reqwest::blocking::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .unwrap_or_else(|| panic!("no redirect: {response:?}"))
        .to_string()
}

/// The consent form's token on `/dong-y`.
fn consent_token(page: &str) -> String {
    let re = Regex::new(r#"name="ma" value="([0-9a-f]+)""#).expect("regex");
    re.captures(page).map(|c| c[1].to_string()).unwrap_or_else(|| panic!("no consent form in:\n{page}"))
}

/// Signs the citizen in through the first service, from its login link to its callback,
/// agreeing to share the citizen id number; returns what the service learnt.
fn sign_in_to_ho_tich(j: &Journey) -> (reqwest::blocking::Client, std::sync::Arc<reqwest::cookie::Jar>, Value) {
    sign_in_sharing(j, true)
}

/// The same, ticking the citizen id number's own box or not.
fn sign_in_sharing(
    j: &Journey,
    share_citizen_id: bool,
) -> (reqwest::blocking::Client, std::sync::Arc<reqwest::cookie::Jar>, Value) {
    let (browser, jar) = browser_with_jar();
    // The procedure page → the hand-off → the service's initiate-login → portal → national
    // login: the provider's login form.
    let login = browser.get(format!("{}/nop-truc-tuyen/1.001193/tiep-tuc", j.portal.base)).send().expect("hand-off");
    assert!(login.url().as_str().starts_with(&format!("{}/interaction/", j.provider.issuer)), "{}", login.url());
    let (steps, callback) = consent_and_come_back(&browser, jar.clone(), login, &j.provider.issuer);
    // National login → portal, which goes back to the service's request, then asks consent.
    let back = steps.get(&callback).send().expect("portal callback");
    assert!(location(&back).starts_with("/oidc/authorize?"), "{}", location(&back));
    let consent = browser.get(format!("{}{}", j.portal.base, location(&back))).send().expect("consent page");
    assert_eq!(consent.url().path(), "/dong-y");
    let page = consent.text().expect("text");
    for shown in ["Đăng ký hộ tịch trực tuyến", "Họ và tên, ngày sinh", "số định danh cá nhân", "Đồng ý và tiếp tục"]
    {
        assert!(page.contains(shown), "{shown}:\n{page}");
    }
    let token = consent_token(&page);
    let mut answer = vec![("ma", token.as_str()), ("quyet-dinh", "dong-y")];
    if share_citizen_id {
        answer.push(("so-dinh-danh", "1"));
    }
    let done = browser.post(format!("{}/dong-y", j.portal.base)).form(&answer).send().expect("agree");
    assert!(done.url().as_str().starts_with(&format!("{}/callback", j.ho_tich.base)), "{}", done.url());
    let status = done.status();
    let learnt: Value = done.json().expect("the service's JSON");
    assert_eq!(status, 200, "{learnt}");
    (browser, jar, learnt)
}

/// The Rust relying party: discovery, then an authorisation URL with PKCE.
struct RustService {
    client: openidconnect::core::CoreClient<
        openidconnect::EndpointSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointNotSet,
        openidconnect::EndpointMaybeSet,
        openidconnect::EndpointMaybeSet,
    >,
    http: reqwest::blocking::Client,
}

impl RustService {
    fn discover(portal: &Server, redirect: &str) -> RustService {
        let http =
            reqwest::blocking::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("http");
        let metadata = CoreProviderMetadata::discover(&IssuerUrl::new(portal.base.clone()).expect("issuer"), &http)
            .expect("discovery");
        let client = CoreClient::from_provider_metadata(
            metadata,
            ClientId::new("dat-dai".into()),
            Some(ClientSecret::new(DAT_DAI_SECRET.into())),
        )
        .set_redirect_uri(RedirectUrl::new(redirect.into()).expect("redirect"))
        .set_auth_type(AuthType::RequestBody);
        RustService { client, http }
    }
}

/// A code for the Rust service, the citizen being signed in: through its consent page
/// first when `asks_consent`, else straight back. Returns the code, its PKCE verifier and
/// the nonce asked for.
fn dat_dai_code(
    j: &Journey,
    rust: &RustService,
    steps: &reqwest::blocking::Client,
    browser: &reqwest::blocking::Client,
    asks_consent: bool,
) -> (String, openidconnect::PkceCodeVerifier, Nonce) {
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = rust
        .client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .add_scope(Scope::new("profile".into()))
        .add_scope(Scope::new("phone".into()))
        .set_pkce_challenge(challenge)
        .url();
    let mut answer = steps.get(url.as_str()).send().expect("authorize");
    if asks_consent {
        assert!(location(&answer).starts_with("/dong-y?ma="), "{}", location(&answer));
        let page = browser
            .get(format!("{}{}", j.portal.base, location(&answer)))
            .send()
            .expect("consent")
            .text()
            .expect("text");
        assert!(page.contains("Đăng ký đất đai") && page.contains("Số điện thoại"), "{page}");
        assert!(!page.contains("số định danh cá nhân của tôi"), "not asked for: {page}");
        answer = steps
            .post(format!("{}/dong-y", j.portal.base))
            .form(&[("ma", consent_token(&page).as_str()), ("quyet-dinh", "dong-y")])
            .send()
            .expect("agree");
    }
    // Once agreed, the consent is remembered: straight back with a code.
    let back = reqwest::Url::parse(&location(&answer)).expect("redirect to the service");
    assert!(back.as_str().starts_with(&j.dat_dai_redirect), "{back}");
    let query: std::collections::HashMap<_, _> = back.query_pairs().into_owned().collect();
    assert_eq!(query.get("state"), Some(state.secret()));
    assert_eq!(query.get("iss"), Some(&j.portal.base));
    (query["code"].clone(), verifier, nonce)
}

/// Signs the signed-in citizen in to the Rust service (see [`dat_dai_code`]); returns the
/// `sub` it learnt from a verified RS256 ID token.
fn sign_in_to_dat_dai(
    j: &Journey,
    rust: &RustService,
    steps: &reqwest::blocking::Client,
    browser: &reqwest::blocking::Client,
    asks_consent: bool,
) -> String {
    dat_dai_tokens(j, rust, steps, browser, asks_consent).0
}

/// The same, with the ID token.
fn dat_dai_tokens(
    j: &Journey,
    rust: &RustService,
    steps: &reqwest::blocking::Client,
    browser: &reqwest::blocking::Client,
    asks_consent: bool,
) -> (String, openidconnect::core::CoreIdToken) {
    let (code, verifier, nonce) = dat_dai_code(j, rust, steps, browser, asks_consent);
    let tokens = rust
        .client
        .exchange_code(AuthorizationCode::new(code))
        .expect("token endpoint")
        .set_pkce_verifier(verifier)
        .request(&rust.http)
        .expect("code exchange");
    let verifier = rust
        .client
        .id_token_verifier()
        .set_allowed_algs(vec![openidconnect::core::CoreJwsSigningAlgorithm::RsaSsaPkcs1V15Sha256]);
    let claims = tokens.id_token().expect("ID token").claims(&verifier, &nonce).expect("a valid RS256 ID token");
    assert_eq!(claims.name().and_then(|n| n.get(None)).map(|n| n.as_str()), Some("Nguyễn Thị Hoà"));
    assert_eq!(claims.phone_number().map(|p| p.as_str()), Some("+84905123456"));
    assert!(tokens.access_token().secret().len() >= 32);
    (claims.subject().as_str().to_string(), tokens.id_token().expect("ID token").clone())
}

#[test]
fn a_citizen_signs_in_once_and_goes_on_into_two_services_that_see_different_identifiers() {
    let j = journey("client_secret_basic");
    // The procedure page offers the service; the hand-off page says what it will learn.
    let page =
        reqwest::blocking::get(format!("{}/thu-tuc/1.001193", j.portal.base)).expect("procedure").text().expect("text");
    assert!(page.contains("Nộp hồ sơ trực tuyến") && page.contains("Đăng ký hộ tịch trực tuyến"), "{page}");
    let page = reqwest::blocking::get(format!("{}/nop-truc-tuyen/1.001193", j.portal.base))
        .expect("hand-off")
        .text()
        .expect("text");
    for shown in ["Họ và tên, ngày sinh", "Số định danh cá nhân", "Đáng kể (mức 2)", "Tiếp tục đến dịch vụ"]
    {
        assert!(page.contains(shown), "{shown}:\n{page}");
    }
    let look = one_step(std::sync::Arc::new(reqwest::cookie::Jar::default()));
    let on =
        location(&look.get(format!("{}/nop-truc-tuyen/1.001193/tiep-tuc", j.portal.base)).send().expect("hand-off"));
    let expected = format!("{}/login?iss=http%3A%2F%2F127.0.0.1%3A", j.ho_tich.base);
    assert!(on.starts_with(&expected) && on.contains("target_link_uri=") && !on.contains("login_hint"), "{on}");

    let (browser, jar, learnt) = sign_in_to_ho_tich(&j);
    // openid-client checked the ES256 signature, iss, aud, nonce and at_hash; the claims are
    // the ones the citizen agreed to.
    assert_eq!(learnt["claims"]["name"], "Nguyễn Thị Hoà", "{learnt}");
    assert_eq!(learnt["userinfo"]["citizen_id"], CITIZEN, "{learnt}");
    assert_eq!(learnt["userinfo"]["birthdate"], "1990-05-17", "{learnt}");
    assert_eq!(learnt["claims"]["acr"], "loa-2", "{learnt}");
    assert!(learnt["userinfo"].get("phone_number").is_none(), "phone was not asked for: {learnt}");
    let first_sub = learnt["sub"].as_str().expect("sub").to_string();
    // Handed off again, the service is told whom to expect: the identifier it knows.
    let on = location(
        &one_step(jar.clone())
            .get(format!("{}/nop-truc-tuyen/1.001193/tiep-tuc", j.portal.base))
            .send()
            .expect("hand-off"),
    );
    assert!(on.contains(&format!("login_hint={first_sub}")), "{on}");

    // The second service: no login form at all, only its consent, asked once.
    let rust = RustService::discover(&j.portal, &j.dat_dai_redirect);
    let steps = one_step(jar.clone());
    let mut subjects = Vec::new();
    for round in 0..2 {
        subjects.push(sign_in_to_dat_dai(&j, &rust, &steps, &browser, round == 0));
    }
    assert_eq!(subjects[0], subjects[1], "one service sees one identifier");
    assert_ne!(subjects[0], first_sub, "two sectors see different identifiers");

    // The account page lists both, and withdrawing one makes it ask again.
    let account = browser.get(format!("{}/tai-khoan", j.portal.base)).send().expect("account").text().expect("text");
    for shown in ["Dịch vụ đã kết nối", "Đăng ký hộ tịch trực tuyến", "Đăng ký đất đai", "Thu hồi quyền truy cập"]
    {
        assert!(account.contains(shown), "{shown}:\n{account}");
    }
    let forged = steps
        .post(format!("{}/tai-khoan/dich-vu/thu-hoi", j.portal.base))
        .form(&[("_csrf", "forged"), ("dich-vu", "dat-dai")])
        .send()
        .expect("forged withdrawal");
    assert_eq!(forged.status(), 403, "a withdrawal needs the account page's form token");
    let withdrawn = steps
        .post(format!("{}/tai-khoan/dich-vu/thu-hoi", j.portal.base))
        .form(&[("_csrf", hidden_field(&account, "_csrf").as_str()), ("dich-vu", "dat-dai")])
        .send()
        .expect("withdraw");
    assert_eq!(location(&withdrawn), "/tai-khoan");
    let (challenge, _) = PkceCodeChallenge::new_random_sha256();
    let (url, _, _) = rust
        .client
        .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
        .set_pkce_challenge(challenge)
        .url();
    let again = steps.get(url.as_str()).send().expect("authorize");
    assert!(location(&again).starts_with("/dong-y?ma="), "{}", location(&again));
}

#[test]
fn signing_out_at_one_service_signs_out_of_the_portal_every_service_and_the_national_login() {
    let j = journey("private_key_jwt");
    // The first service authenticates with a signed assertion this time.
    let (browser, jar, learnt) = sign_in_to_ho_tich(&j);
    let ho_tich_sub = learnt["sub"].as_str().expect("sub").to_string();
    let rust = RustService::discover(&j.portal, &j.dat_dai_redirect);
    let steps = one_step(jar.clone());
    let dat_dai_sub = sign_in_to_dat_dai(&j, &rust, &steps, &browser, true);

    // The service's logout goes to the portal, which asks to confirm and names both.
    let confirm = browser.get(format!("{}/logout", j.ho_tich.base)).send().expect("service logout");
    assert_eq!(confirm.url().path(), "/dang-xuat", "{}", confirm.url());
    let page = confirm.text().expect("text");
    for shown in ["Đăng xuất khỏi tất cả dịch vụ?", "Đăng ký hộ tịch trực tuyến", "Đăng ký đất đai"]
    {
        assert!(page.contains(shown), "{shown}:\n{page}");
    }
    let hidden = |name: &str| hidden_field(&page, name);
    let out = steps
        .post(format!("{}/dang-xuat", j.portal.base))
        .form(&[("_csrf", hidden("_csrf")), ("dich-vu", hidden("dich-vu")), ("ve", hidden("ve"))])
        .send()
        .expect("sign out");
    let to_provider = location(&out);
    assert!(to_provider.starts_with(&format!("{}/session/end?", j.provider.issuer)), "{to_provider}");

    // At the national login: its own confirmation, then back through the portal to the
    // service's signed-out page.
    let provider_page = browser.get(&to_provider).send().expect("provider logout").text().expect("text");
    let done = confirm_at_national_login(&browser, &provider_page);
    assert_eq!(done.url().as_str(), format!("{}/signed-out", j.ho_tich.base));

    // Both services received a valid logout token for this session.
    let received = logouts_received(&j, &browser);
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0]["valid"], true, "{received:?}");
    assert_eq!(received[0]["claims"]["sub"], ho_tich_sub.as_str());
    // The second service refused the first attempt; the hub tried again.
    let body = j.dat_dai_logouts.recv_timeout(Duration::from_secs(15)).expect("the second service is told");
    // The hub records the delivery once the service has answered, just after the service
    // has the token: wait for the record.
    let delivered =
        |d: &str| d.lines().any(|l| l.contains("\tdat-dai\t") && l.contains("attempts 2\tlast answer 200\tdelivered"));
    let mut deliveries = String::new();
    let recorded = eventually(Duration::from_secs(10), || {
        deliveries = run(&j.site, &["services", "logouts"]);
        delivered(&deliveries)
    });
    assert!(recorded, "{deliveries}");
    assert!(deliveries.lines().any(|l| l.contains("\tho-tich\t") && l.contains("attempts 1")), "{deliveries}");
    let token = body.strip_prefix("logout_token=").expect("a logout token");
    let (header, claims) = verified_jwt(&j.portal, token);
    assert_eq!(header["typ"], "logout+jwt");
    assert_eq!(claims["aud"], "dat-dai");
    assert_eq!(claims["sub"], dat_dai_sub.as_str());
    assert_eq!(claims["sid"], received[0]["claims"]["sid"], "one session, one sid");
    assert!(claims["events"]["http://schemas.openid.net/event/backchannel-logout"].is_object());

    // Signed out of the portal, and of the national login: the next sign-in asks again.
    let account = browser.get(format!("{}/tai-khoan", j.portal.base)).send().expect("account").text().expect("text");
    assert!(account.contains("Bạn chưa đăng nhập"), "{account}");
    let again = browser.get(format!("{}/login", j.ho_tich.base)).send().expect("service login");
    assert!(again.url().as_str().starts_with(&format!("{}/interaction/", j.provider.issuer)), "{}", again.url());
    assert!(again.text().expect("text").contains("name=\"login\""), "the national login asks for credentials");
}

/// Checks a token's signature against the hub's published keys; returns its header and
/// claims.
fn verified_jwt(portal: &Server, token: &str) -> (Value, Value) {
    use base64::Engine;
    use openidconnect::JsonWebKey;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let parts: Vec<&str> = token.split('.').collect();
    assert_eq!(parts.len(), 3, "{token}");
    let header: Value = serde_json::from_slice(&b64.decode(parts[0]).expect("header")).expect("json");
    let keys: openidconnect::core::CoreJsonWebKeySet =
        reqwest::blocking::get(format!("{}/oidc/jwks", portal.base)).expect("jwks").json().expect("json");
    let alg: openidconnect::core::CoreJwsSigningAlgorithm = serde_json::from_value(header["alg"].clone()).expect("alg");
    let key =
        keys.keys().iter().find(|k| k.key_id().map(|i| i.as_str()) == header["kid"].as_str()).expect("a published key");
    let signature = b64.decode(parts[2]).expect("signature");
    key.verify_signature(&alg, format!("{}.{}", parts[0], parts[1]).as_bytes(), &signature).expect("signed by the hub");
    (header, serde_json::from_slice(&b64.decode(parts[1]).expect("claims")).expect("json"))
}

fn published_kids(portal: &Server) -> Vec<String> {
    let keys: Value = reqwest::blocking::get(format!("{}/oidc/jwks", portal.base)).expect("jwks").json().expect("json");
    keys["keys"].as_array().expect("keys").iter().map(|k| k["kid"].as_str().expect("kid").to_string()).collect()
}

pub(crate) fn run(site: &Site, args: &[&str]) -> String {
    let out = site.command().args(args).output().expect("run motcua");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "motcua {args:?}: {text}");
    text
}

#[test]
fn rotating_keys_keeps_issued_tokens_valid_and_signs_with_the_key_published_before() {
    let j = journey("client_secret_basic");
    let (browser, _jar, learnt) = sign_in_to_ho_tich(&j);
    let old_token = learnt["id_token"].as_str().expect("id token").to_string();
    let (old_header, _) = verified_jwt(&j.portal, &old_token);
    let before = published_kids(&j.portal);

    let said = run(&j.site, &["keys", "rotate"]);
    assert!(said.contains("now signing with"), "{said}");
    // The old key is still published: the token the service holds still validates.
    let after = published_kids(&j.portal);
    assert!(after.contains(&old_header["kid"].as_str().expect("kid").to_string()), "{after:?}");
    let (_, claims) = verified_jwt(&j.portal, &old_token);
    assert_eq!(claims["sub"], learnt["sub"]);

    // The next sign-in (no form, consent remembered) is signed with a key that was
    // published before the rotation, and the service accepts it.
    let again = browser.get(format!("{}/login", j.ho_tich.base)).send().expect("service login");
    assert_eq!(again.status(), 200);
    let learnt: Value = again.json().expect("json");
    let (new_header, _) = verified_jwt(&j.portal, learnt["id_token"].as_str().expect("id token"));
    assert_ne!(new_header["kid"], old_header["kid"]);
    assert!(before.contains(&new_header["kid"].as_str().expect("kid").to_string()), "published before it signed");
    assert_eq!(new_header["alg"], "ES256");
}

#[test]
fn services_are_registered_listed_given_new_secrets_and_removed_from_the_command_line() {
    let j = journey("client_secret_basic");
    let said = run(
        &j.site,
        &[
            "services",
            "add",
            "nop-thue",
            "--name",
            "Nộp thuế đất",
            "--redirect-uri",
            "https://thue.hue.gov.vn/cb",
            "--auth",
            "client-secret-post",
            "--scope",
            "openid",
            "--scope",
            "profile",
        ],
    );
    let secret = said.rsplit(": ").next().expect("the secret").trim().to_string();
    assert_eq!(secret.len(), 64, "{said}");
    let listed = run(&j.site, &["services", "list"]);
    assert!(listed.contains("nop-thue\tNộp thuế đất\tclient_secret_post") && listed.contains("ho-tich"), "{listed}");

    // Authenticated by its secret (the code is unknown, so invalid_grant); then rotated.
    let try_secret = |secret: &str| {
        token_request(
            &j.portal,
            &[
                ("grant_type", "authorization_code"),
                ("code", "none"),
                ("redirect_uri", "https://thue.hue.gov.vn/cb"),
                ("code_verifier", "x"),
                ("client_id", "nop-thue"),
                ("client_secret", secret),
            ],
        )
    };
    assert_eq!(try_secret(&secret), (400, "invalid_grant".into()));
    let said = run(&j.site, &["services", "rotate-secret", "nop-thue"]);
    let rotated = said.rsplit(": ").next().expect("the secret").trim().to_string();
    assert_eq!(try_secret(&secret), (401, "invalid_client".into()));
    assert_eq!(try_secret(&rotated), (400, "invalid_grant".into()));
    run(&j.site, &["services", "remove", "nop-thue"]);
    assert_eq!(try_secret(&rotated), (401, "invalid_client".into()));

    // A service of the configuration file is changed there, not here.
    let out = j.site.command().args(["services", "remove", "ho-tich"]).output().expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("configuration file"));
    // A bad registration names its field.
    let out = j
        .site
        .command()
        .args(["services", "add", "x", "--name", "X", "--redirect-uri", "not a uri"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a uri"), "{}", String::from_utf8_lossy(&out.stderr));
}

/// POSTs to the token endpoint; returns the status and the `error`.
fn token_request(portal: &Server, form: &[(&str, &str)]) -> (u16, String) {
    let r =
        reqwest::blocking::Client::new().post(format!("{}/oidc/token", portal.base)).form(form).send().expect("token");
    let status = r.status().as_u16();
    let body: Value = r.json().expect("an OAuth error in JSON");
    (status, body["error"].as_str().unwrap_or_default().to_string())
}

#[test]
fn what_the_specifications_forbid_is_refused_with_the_error_they_name() {
    let j = journey("private_key_jwt");
    let authorize = |extra: &str| {
        format!(
            "{}/oidc/authorize?client_id=ho-tich&response_type=code&scope=openid&state=s1\
             &code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256{extra}",
            j.portal.base
        )
    };
    // A browser with no session at the portal.
    let look = one_step(std::sync::Arc::new(reqwest::cookie::Jar::default()));
    let callback = format!("&redirect_uri={}/callback", j.ho_tich.base);

    // Not sent anywhere when the redirect URI is not the registered one.
    let r = look.get(authorize("&redirect_uri=https://evil.example/cb")).send().expect("authorize");
    assert_eq!(location(&r), "/dong-y?loi=dia-chi");
    // Missing PKCE; prompt=none without a session: back to the service with the error.
    let r = look.get(authorize(&callback).replace("&code_challenge=", "&x=")).send().expect("authorize");
    assert!(location(&r).contains("error=invalid_request") && location(&r).contains("state=s1"), "{}", location(&r));
    let r = look.get(authorize(&format!("{callback}&prompt=none"))).send().expect("authorize");
    assert!(location(&r).starts_with(&format!("{}/callback?error=login_required", j.ho_tich.base)), "{}", location(&r));

    // Client assertions: another key, expired, replayed.
    let assertion = |kind: &str| {
        reqwest::blocking::get(format!("{}/assertion?kind={kind}", j.ho_tich.base))
            .expect("assertion")
            .text()
            .expect("text")
    };
    let with_assertion = |a: &str| {
        token_request(
            &j.portal,
            &[
                ("grant_type", "authorization_code"),
                ("code", "no-such-code"),
                ("redirect_uri", &format!("{}/callback", j.ho_tich.base)),
                ("code_verifier", "x"),
                ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                ("client_assertion", a),
            ],
        )
    };
    assert_eq!(with_assertion(&assertion("wrong-key")), (401, "invalid_client".into()));
    assert_eq!(with_assertion(&assertion("expired")), (401, "invalid_client".into()));
    let valid = assertion("valid");
    assert_eq!(with_assertion(&valid), (400, "invalid_grant".into()), "authenticated, the code is unknown");
    assert_eq!(with_assertion(&valid), (401, "invalid_client".into()), "a replayed jti");

    // Codes: wrong verifier, wrong secret, replay (which revokes what the code gave).
    let (browser, jar, _) = sign_in_to_ho_tich(&j);
    let rust = RustService::discover(&j.portal, &j.dat_dai_redirect);
    let steps = one_step(jar.clone());
    let exchange = |code: &str, verifier: &str, secret: &str| {
        token_request(
            &j.portal,
            &[
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", j.dat_dai_redirect.as_str()),
                ("code_verifier", verifier),
                ("client_id", "dat-dai"),
                ("client_secret", secret),
            ],
        )
    };
    let (code, verifier, _) = dat_dai_code(&j, &rust, &steps, &browser, true);
    assert_eq!(exchange(&code, verifier.secret(), "not-the-secret"), (401, "invalid_client".into()));
    assert_eq!(
        exchange(&code, "a-verifier-that-is-not-the-one-of-this-challenge-0123456789", DAT_DAI_SECRET),
        (400, "invalid_grant".into())
    );
    let (code, verifier, _) = dat_dai_code(&j, &rust, &steps, &browser, false);
    let first = dat_dai_exchange(&j, &code, verifier.secret());
    let access = first["access_token"].as_str().expect("access token").to_string();
    let userinfo = |token: &str| {
        reqwest::blocking::Client::new()
            .get(format!("{}/oidc/userinfo", j.portal.base))
            .bearer_auth(token)
            .send()
            .expect("userinfo")
            .status()
            .as_u16()
    };
    assert_eq!(userinfo(&access), 200);
    assert_eq!(exchange(&code, verifier.secret(), DAT_DAI_SECRET), (400, "invalid_grant".into()));
    assert_eq!(userinfo(&access), 401, "a replayed code revokes the tokens it gave");

    // Introspection tells a service about its own live tokens only; revocation ends one.
    let (code, verifier, _) = dat_dai_code(&j, &rust, &steps, &browser, false);
    let tokens = dat_dai_exchange(&j, &code, verifier.secret());
    let access = tokens["access_token"].as_str().expect("access token").to_string();
    let introspect = |form: &[(&str, &str)]| -> Value {
        reqwest::blocking::Client::new()
            .post(format!("{}/oidc/introspect", j.portal.base))
            .form(form)
            .send()
            .expect("introspect")
            .json()
            .expect("json")
    };
    let own = [("token", access.as_str()), ("client_id", "dat-dai"), ("client_secret", DAT_DAI_SECRET)];
    let seen = introspect(&own);
    assert_eq!(seen["active"], true, "{seen}");
    assert_eq!(seen["scope"], "openid profile phone");
    let other = introspect(&[
        ("token", access.as_str()),
        ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
        ("client_assertion", assertion("valid").as_str()),
    ]);
    assert_eq!(other["active"], false, "another service learns nothing: {other}");
    let revoked = reqwest::blocking::Client::new()
        .post(format!("{}/oidc/revoke", j.portal.base))
        .form(&own)
        .send()
        .expect("revoke");
    assert_eq!(revoked.status(), 200);
    assert_eq!(introspect(&own)["active"], false);
    assert_eq!(userinfo(&access), 401);

    // Logout to a post-logout URI the service never registered: not followed.
    let id_token = first["id_token"].as_str().expect("id token");
    let r = steps
        .get(format!("{}/oidc/logout", j.portal.base))
        .query(&[("id_token_hint", id_token), ("post_logout_redirect_uri", "https://evil.example/")])
        .send()
        .expect("end session");
    assert_eq!(location(&r), "/dong-y?loi=dang-xuat");
    let page = browser.get(format!("{}/dong-y?loi=dang-xuat", j.portal.base)).send().expect("page");
    assert_eq!(page.status(), 400);
    assert!(page.text().expect("text").contains("chưa được đăng ký"));
}

#[test]
fn the_demo_department_service_shows_the_whole_journey() {
    // The portal with its demo content registers the demo service; `motcua demo-service`
    // runs it on 127.0.0.1:8090, as its registration says.
    let port = free_port();
    let provider = provider_for(port);
    let (site, portal) = portal_serving(&provider.issuer, port, SECRET_ES256, "", &[], |_| {});
    /// Stops the demo service however the test ends.
    struct Running(std::process::Child);
    impl Drop for Running {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let _demo = Running(
        site.command()
            .args(["demo-service", "--portal", &portal.base, "--bind", "127.0.0.1:8090"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("demo service"),
    );
    let up = eventually(Duration::from_secs(10), || {
        reqwest::blocking::get("http://127.0.0.1:8090/").is_ok_and(|r| r.status() == 200)
    });
    assert!(up, "the demo service answers");

    let (browser, jar) = browser_with_jar();
    let login = browser.get(format!("{}/nop-truc-tuyen/1.001193/tiep-tuc", portal.base)).send().expect("hand-off");
    assert!(login.url().as_str().starts_with(&format!("{}/interaction/", provider.issuer)), "{}", login.url());
    let (steps, callback) = consent_and_come_back(&browser, jar.clone(), login, &provider.issuer);
    let back = steps.get(&callback).send().expect("portal callback");
    let consent =
        browser.get(format!("{}{}", portal.base, location(&back))).send().expect("consent").text().expect("text");
    assert!(consent.contains("Đăng ký khai sinh trực tuyến (dịch vụ mẫu)"), "{consent}");
    let greeted = browser
        .post(format!("{}/dong-y", portal.base))
        .form(&[("ma", consent_token(&consent).as_str()), ("quyet-dinh", "dong-y"), ("so-dinh-danh", "1")])
        .send()
        .expect("agree");
    assert_eq!(greeted.url().as_str(), "http://127.0.0.1:8090/");
    let page = greeted.text().expect("text");
    assert!(page.contains("Xin chào Nguyễn Thị Hoà") && page.contains(CITIZEN), "{page}");

    // Its sign-out goes through the portal's confirmation; the portal session ends and the
    // hub tells the demo service, whose page then offers to sign in again.
    let confirm = browser.get("http://127.0.0.1:8090/dang-xuat").send().expect("sign out");
    assert_eq!(confirm.url().path(), "/dang-xuat");
    let page = confirm.text().expect("text");
    let hidden = |name: &str| hidden_field(&page, name);
    let out = steps
        .post(format!("{}/dang-xuat", portal.base))
        .form(&[("_csrf", hidden("_csrf")), ("dich-vu", hidden("dich-vu")), ("ve", hidden("ve"))])
        .send()
        .expect("confirm");
    assert!(location(&out).starts_with(&format!("{}/session/end?", provider.issuer)), "{}", location(&out));
    let signed_out = eventually(Duration::from_secs(10), || {
        browser
            .get("http://127.0.0.1:8090/")
            .send()
            .is_ok_and(|r| r.text().is_ok_and(|t| t.contains("Đăng nhập qua Cổng")))
    });
    assert!(signed_out, "the back-channel logout reached the demo service");
}

/// Through the national login's form again (`acr` chosen when given), agreeing at its consent
/// page if it shows one, until it sends the citizen back to the portal; the rest is followed
/// by `browser`.
fn through_national_login(
    browser: &reqwest::blocking::Client,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
    login_page: reqwest::blocking::Response,
    acr: Option<&str>,
) -> reqwest::blocking::Response {
    let steps = one_step(jar);
    let form = login_page.text().expect("login form");
    let mut fields = vec![("prompt", "login"), ("login", CITIZEN), ("password", "mat-khau")];
    if let Some(acr) = acr {
        fields.push(("acr", acr));
    }
    let mut next = steps.post(crate::identity::form_action(&form)).form(&fields).send().expect("log in");
    for _ in 0..10 {
        if next.status().is_redirection() {
            let to = next.url().join(&location(&next)).expect("location").to_string();
            if to.contains("/dang-nhap/vneid/callback") {
                return browser.get(to).send().expect("back at the portal");
            }
            next = steps.get(to).send().expect("follow");
        } else {
            let page = next.text().expect("page");
            next =
                steps.post(crate::identity::form_action(&page)).form(&[("prompt", "consent")]).send().expect("consent");
        }
    }
    panic!("the national login never sent the citizen back");
}

#[test]
fn a_service_asking_for_a_fresh_or_stronger_sign_in_gets_one_and_silent_requests_need_nothing() {
    let j = journey("client_secret_basic");
    let (browser, jar, first) = sign_in_to_ho_tich(&j);
    assert_eq!(first["claims"]["acr"], "loa-2");

    // Signed in and agreed: prompt=none is answered at once.
    let silent = browser.get(format!("{}/login?prompt=none", j.ho_tich.base)).send().expect("silent");
    assert_eq!(silent.status(), 200);
    let silent: Value = silent.json().expect("json");
    assert_eq!(silent["sub"], first["sub"]);

    // prompt=login: the national login asks for credentials again.
    std::thread::sleep(Duration::from_millis(1100));
    let login = browser.get(format!("{}/login?prompt=login", j.ho_tich.base)).send().expect("fresh");
    assert!(login.url().as_str().starts_with(&format!("{}/interaction/", j.provider.issuer)), "{}", login.url());
    let fresh: Value = through_national_login(&browser, jar.clone(), login, None).json().expect("json");
    assert!(fresh["claims"]["auth_time"].as_i64() > first["claims"]["auth_time"].as_i64(), "{fresh}");

    // acr_values above the session's level: a step-up at the national login.
    let login = browser.get(format!("{}/login?acr_values=loa-3", j.ho_tich.base)).send().expect("step up");
    assert!(login.url().as_str().starts_with(&format!("{}/interaction/", j.provider.issuer)), "{}", login.url());
    let stronger: Value =
        through_national_login(&browser, jar.clone(), login, Some("urn:vn:loa:3")).json().expect("json");
    assert_eq!(stronger["claims"]["acr"], "loa-3", "{stronger}");
    assert_eq!(stronger["sub"], first["sub"], "the same citizen to the same service");

    // A step-up the national login does not deliver is refused, not looped.
    let login = browser.get(format!("{}/login?acr_values=loa-3&prompt=login", j.ho_tich.base)).send().expect("again");
    let weak: Value = through_national_login(&browser, jar, login, Some("urn:vn:loa:2")).json().expect("json");
    assert_eq!(weak["error"], "access_denied", "{weak}");
}

#[test]
fn a_sign_out_at_the_national_login_reaches_every_service_of_the_session() {
    // The first service's keys are at its jwks_uri this time.
    let j = journey("private_key_jwt_uri");
    // Without the citizen id number's box ticked, the service does not learn it.
    let (browser, jar, learnt) = sign_in_sharing(&j, false);
    assert_eq!(learnt["userinfo"]["name"], "Nguyễn Thị Hoà", "{learnt}");
    assert!(learnt["userinfo"].get("citizen_id").is_none() && learnt["claims"].get("citizen_id").is_none(), "{learnt}");
    let rust = RustService::discover(&j.portal, &j.dat_dai_redirect);
    let dat_dai_sub = sign_in_to_dat_dai(&j, &rust, &one_step(jar.clone()), &browser, true);

    // The citizen signs out at the national login itself; it tells the portal, which tells
    // both services.
    let confirm = browser
        .get(format!("{}/session/end?client_id=motcua", j.provider.issuer))
        .send()
        .expect("provider logout")
        .text()
        .expect("page");
    let done = confirm_at_national_login(&browser, &confirm);
    assert!(done.status().is_success(), "{}", done.status());
    let received = logouts_received(&j, &browser);
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0]["valid"], true, "{received:?}");
    assert_eq!(received[0]["claims"]["sub"], learnt["sub"]);
    let body = j.dat_dai_logouts.recv_timeout(Duration::from_secs(15)).expect("the second service is told");
    let (_, claims) = verified_jwt(&j.portal, body.strip_prefix("logout_token=").expect("a logout token"));
    assert_eq!(claims["sub"], dat_dai_sub.as_str());
    let account = browser.get(format!("{}/tai-khoan", j.portal.base)).send().expect("account").text().expect("text");
    assert!(account.contains("Bạn chưa đăng nhập"), "{account}");
}

#[test]
fn signing_out_at_the_rust_service_signs_out_everywhere_too() {
    let j = journey("client_secret_basic");
    let (browser, jar, learnt) = sign_in_to_ho_tich(&j);
    let rust = RustService::discover(&j.portal, &j.dat_dai_redirect);
    let steps = one_step(jar.clone());
    let (dat_dai_sub, id_token) = dat_dai_tokens(&j, &rust, &steps, &browser, true);

    // The Rust service's RP-initiated logout, built by openidconnect.
    let (status, metadata) = j.portal.json("/.well-known/openid-configuration");
    assert_eq!(status, 200);
    let end =
        openidconnect::EndSessionUrl::new(metadata["end_session_endpoint"].as_str().expect("end").into()).expect("url");
    let signed_out = j.dat_dai_redirect.replace("/cb", "/signed-out");
    let logout = openidconnect::LogoutRequest::from(end)
        .set_id_token_hint(&id_token)
        .set_post_logout_redirect_uri(openidconnect::PostLogoutRedirectUrl::new(signed_out.clone()).expect("url"))
        .http_get_url();
    let confirm = browser.get(logout.as_str()).send().expect("end session");
    assert_eq!(confirm.url().path(), "/dang-xuat");
    let page = confirm.text().expect("page");
    assert!(page.contains("Đăng ký hộ tịch trực tuyến") && page.contains("Đăng ký đất đai"), "{page}");
    let hidden = |name: &str| hidden_field(&page, name);
    assert_eq!(hidden("dich-vu"), "dat-dai");
    let out = steps
        .post(format!("{}/dang-xuat", j.portal.base))
        .form(&[("_csrf", hidden("_csrf")), ("dich-vu", hidden("dich-vu")), ("ve", hidden("ve"))])
        .send()
        .expect("sign out");
    let provider_page = browser.get(location(&out)).send().expect("provider logout").text().expect("text");
    let done = confirm_at_national_login(&browser, &provider_page);
    assert_eq!(done.url().as_str(), signed_out, "back on the Rust service's registered page");

    // Both services are told; the portal and the national login are signed out.
    let body = j.dat_dai_logouts.recv_timeout(Duration::from_secs(15)).expect("the Rust service is told");
    let (_, claims) = verified_jwt(&j.portal, body.strip_prefix("logout_token=").expect("a logout token"));
    assert_eq!(claims["sub"], dat_dai_sub.as_str());
    let received = logouts_received(&j, &browser);
    assert_eq!(received.first().map(|r| r["claims"]["sub"].clone()), Some(learnt["sub"].clone()), "{received:?}");
    let account = browser.get(format!("{}/tai-khoan", j.portal.base)).send().expect("account").text().expect("text");
    assert!(account.contains("Bạn chưa đăng nhập"), "{account}");
    let again = browser.get(format!("{}/login", j.ho_tich.base)).send().expect("service login");
    assert!(again.url().as_str().starts_with(&format!("{}/interaction/", j.provider.issuer)), "{}", again.url());
}

/// The logout tokens the first service has received, waiting up to ten seconds for one.
fn logouts_received(j: &Journey, browser: &reqwest::blocking::Client) -> Vec<Value> {
    poll(Duration::from_secs(10), || {
        let received: Vec<Value> =
            browser.get(format!("{}/logouts", j.ho_tich.base)).send().expect("logouts").json().expect("json");
        (!received.is_empty()).then_some(received)
    })
    .unwrap_or_default()
}

/// "Yes, sign me out" on the national login's logout page.
fn confirm_at_national_login(browser: &reqwest::blocking::Client, page: &str) -> reqwest::blocking::Response {
    let xsrf =
        Regex::new(r#"name="xsrf" value="([^"]+)""#).expect("regex").captures(page).expect("xsrf")[1].to_string();
    browser
        .post(crate::identity::form_action(page))
        .form(&[("xsrf", xsrf.as_str()), ("logout", "yes")])
        .send()
        .expect("the national login signs out")
}

/// A hidden field of a form on `page`.
pub(crate) fn hidden_field(page: &str, name: &str) -> String {
    let re = Regex::new(&format!(r#"name="{name}" value="([^"]*)""#)).expect("regex");
    re.captures(page).map(|c| c[1].replace("&amp;", "&")).unwrap_or_default()
}

/// The Rust service's code exchange by hand (`client_secret_post`), which must succeed.
fn dat_dai_exchange(j: &Journey, code: &str, verifier: &str) -> Value {
    let answer = reqwest::blocking::Client::new()
        .post(format!("{}/oidc/token", j.portal.base))
        .form(&[
            ("grant_type", "authorization_code"),
            ("code", code),
            ("redirect_uri", j.dat_dai_redirect.as_str()),
            ("code_verifier", verifier),
            ("client_id", "dat-dai"),
            ("client_secret", DAT_DAI_SECRET),
        ])
        .send()
        .expect("token");
    assert_eq!(answer.status(), 200);
    answer.json().expect("tokens")
}
