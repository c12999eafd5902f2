//! Signing in through a national login plugged in by configuration, against the certified
//! `oidc-provider` on loopback (tests/oidc).

use std::time::Duration;

use motcua_tests::oidc_peers::NationalLogin;
use motcua_tests::{Database, Site, free_port};
use regex::Regex;
use serde_json::json;

/// The stand-in national login with one portal client and one citizen.
fn national_login(features: serde_json::Value) -> NationalLogin {
    NationalLogin::start(&json!({
        "acr": ["urn:vn:loa:2", "urn:vn:loa:3"],
        "features": features,
        "clients": [{
            "client_id": "motcua",
            "client_secret": "mot-bi-mat-du-dai-cho-kiem-thu-0123456789",
            "redirect_uris": ["http://127.0.0.1:8080/dang-nhap/vneid/callback"],
            "id_token_signed_response_alg": "ES256"
        }],
        "accounts": {
            "079090001234": {
                "name": "Nguyễn Thị Hoà",
                "birthdate": "1990-05-17",
                "phone_number": "+84905123456",
                "citizen_id": "079090001234"
            }
        }
    }))
    .expect("start oidc-provider")
}

fn check(site: &Site, provider_toml: &str, secret: Option<&str>) -> (Option<i32>, String) {
    std::fs::write(site.dir.path().join("motcua.toml"), format!("[[identity.providers]]\n{provider_toml}"))
        .expect("config");
    let mut command = site.command();
    command.args(["identity", "check", "vneid"]).env_remove("MOTCUA_TEST_VNEID_SECRET");
    if let Some(secret) = secret {
        command.env("MOTCUA_TEST_VNEID_SECRET", secret);
    }
    let out = command.output().expect("run motcua");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code(), text)
}

#[test]
fn identity_check_passes_a_matching_provider_and_names_each_mismatch() {
    let provider = national_login(json!({}));
    let site = Site::new(Database::Sqlite);

    let matching = format!(
        "id = \"vneid\"\nname = \"VNeID\"\nissuer = \"{}\"\nclient_id = \"motcua\"\n\
         client_secret_env = \"MOTCUA_TEST_VNEID_SECRET\"\n\
         scopes = [\"openid\", \"profile\", \"phone\", \"citizen\"]\nsigning_algs = [\"ES256\", \"RS256\"]\npar = true\n\
         extra_params = {{ acr_values = \"urn:vn:loa:3\" }}\nassurance = {{ \"urn:vn:loa:2\" = 2, \"urn:vn:loa:3\" = 3 }}\n",
        provider.issuer
    );
    let (code, text) = check(&site, &matching, Some("mot-bi-mat-du-dai-cho-kiem-thu-0123456789"));
    assert_eq!(code, Some(0), "{text}");
    assert!(text.contains("verdict: vneid is ready"), "{text}");
    for line in [
        "ok    ID token algorithm ES256 offered",
        "ok    pushed authorisation requests offered",
        "ok    back-channel logout offered",
    ] {
        assert!(text.contains(line), "{line}:\n{text}");
    }
    assert!(!text.contains("FAIL"), "{text}");

    // Everything an identity team could get wrong, each named.
    let misconfigured = format!(
        "id = \"vneid\"\nname = \"VNeID\"\nissuer = \"{}\"\nclient_id = \"motcua\"\n\
         client_auth = \"client_secret_post\"\nclient_secret_env = \"MOTCUA_TEST_VNEID_SECRET\"\n\
         scopes = [\"profile\", \"so_ho_khau\"]\nsigning_algs = [\"ES512\"]\n\
         decryption_key_file = \"khong-co.pem\"\nassurance = {{ \"urn:vn:loa:9\" = 3 }}\n",
        provider.issuer
    );
    let no_par = national_login(json!({ "par": false }));
    let (code, text) = check(
        &site,
        &misconfigured.replace(&provider.issuer, &no_par.issuer).replace("scopes", "par = true\nscopes"),
        None,
    );
    assert_eq!(code, Some(2), "{text}");
    for mismatch in [
        "FAIL  ID token algorithm ES512 not offered (offered: RS256, PS256, ES256)",
        "FAIL  the environment variable MOTCUA_TEST_VNEID_SECRET holding the client secret is not set",
        "FAIL  par = true but the provider has no pushed_authorization_request_endpoint",
        "FAIL  decryption_key_file: khong-co.pem: No such file",
        "FAIL  scopes must include openid",
        "FAIL  scope so_ho_khau not offered",
        "FAIL  acr value urn:vn:loa:9 not offered (offered: urn:vn:loa:2, urn:vn:loa:3)",
        "verdict: vneid is NOT ready: 7 mismatches",
    ] {
        assert!(text.contains(mismatch), "{mismatch}:\n{text}");
    }

    // A provider that is down, and one that is not in the configuration.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("free port");
    let (code, text) = check(&site, &matching.replace(&provider.issuer, &format!("http://{dead}")), Some("x"));
    assert_eq!(code, Some(2), "{text}");
    assert!(text.contains(&format!("FAIL  cannot read the provider at http://{dead}")), "{text}");
    let out = site.command().args(["identity", "check", "singpass"]).output().expect("run motcua");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("no provider singpass in [[identity.providers]] (configured: vneid)")
    );
}

pub(crate) const SECRET: &str = "mot-bi-mat-du-dai-cho-kiem-thu-0123456789";
pub(crate) const CITIZEN: &str = "079090001234";
/// The portal's client at the stand-in login: a secret from the environment, ES256 ID tokens.
pub(crate) const SECRET_ES256: &str = "client_secret_env = \"MOTCUA_TEST_VNEID_SECRET\"\nsigning_algs = [\"ES256\"]";

/// A browser without JavaScript: keeps cookies, follows redirects, submits forms.
pub(crate) fn browser() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().cookie_store(true).timeout(Duration::from_secs(30)).build().expect("client")
}

/// A browser whose cookie jar a test shares with [`one_step`].
pub(crate) fn browser_with_jar() -> (reqwest::blocking::Client, std::sync::Arc<reqwest::cookie::Jar>) {
    let jar = std::sync::Arc::new(reqwest::cookie::Jar::default());
    let browser = reqwest::blocking::Client::builder()
        .cookie_provider(jar.clone())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    (browser, jar)
}

/// A fresh PKCS#1 RSA private key, PEM, as an identity team would hand the portal.
fn rsa_key_pem() -> Vec<u8> {
    let key = std::process::Command::new("node")
        .args([
            "-e",
            "process.stdout.write(require('crypto').generateKeyPairSync('rsa',{modulusLength:2048}).privateKey.export({type:'pkcs1',format:'pem'}))",
        ])
        .output()
        .expect("node generates a key");
    assert!(key.status.success());
    key.stdout
}

/// The same without following redirects, to see where one leads.
pub(crate) fn one_step(cookies: std::sync::Arc<reqwest::cookie::Jar>) -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder()
        .cookie_provider(cookies)
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

/// The provider's interaction page: its form's action.
pub(crate) fn form_action(page: &str) -> String {
    let re = Regex::new(r#"<form[^>]*action="([^"]+)""#).expect("regex");
    re.captures(page).map(|c| c[1].replace("&amp;", "&")).unwrap_or_else(|| panic!("no form in:\n{page}"))
}

/// A portal whose one provider is `provider`, registered with the portal's address.
fn portal_with(provider_issuer: &str, port: u16) -> (Site, motcua_tests::Server) {
    portal_configured(provider_issuer, port, SECRET_ES256, |_| {})
}

/// A portal whose one provider is at `provider_issuer`, authenticating and accepting as
/// `auth_and_algs` says; `prepare` may put files in the site's directory first.
fn portal_configured(
    provider_issuer: &str,
    port: u16,
    auth_and_algs: &str,
    prepare: impl FnOnce(&std::path::Path),
) -> (Site, motcua_tests::Server) {
    portal_serving(provider_issuer, port, auth_and_algs, "", &[], prepare)
}

/// The same, with more configuration after the provider's (`[hub]`, say) and more
/// environment.
pub(crate) fn portal_serving(
    provider_issuer: &str,
    port: u16,
    auth_and_algs: &str,
    more_config: &str,
    more_env: &[(&str, &str)],
    prepare: impl FnOnce(&std::path::Path),
) -> (Site, motcua_tests::Server) {
    let site = Site::new(Database::Sqlite);
    prepare(site.dir.path());
    let config = format!(
        "[identity]\npublic_url = \"http://127.0.0.1:{port}\"\n[[identity.providers]]\nid = \"vneid\"\nname = \"VNeID\"\n\
         issuer = \"{provider_issuer}\"\nclient_id = \"motcua\"\n{auth_and_algs}\n\
         scopes = [\"openid\", \"profile\", \"phone\", \"citizen\"]\n\
         extra_params = {{ acr_values = \"urn:vn:loa:2\" }}\nassurance = {{ \"urn:vn:loa:2\" = 2, \"urn:vn:loa:3\" = 3 }}\n\
         {more_config}"
    );
    std::fs::write(site.dir.path().join("motcua.toml"), config).expect("config");
    // Secrets reach the server through its environment, as in production.
    let mut env = vec![("MOTCUA_TEST_VNEID_SECRET", SECRET)];
    env.extend_from_slice(more_env);
    let server = site.serve_at(&format!("127.0.0.1:{port}"), &["--demo"], &env).expect("serve");
    (site, server)
}

pub(crate) fn provider_for(port: u16) -> NationalLogin {
    provider_with(port, json!({}))
}

/// The stand-in national login for a portal on `port`, with these `features` of
/// tests/oidc/provider.mjs.
pub(crate) fn provider_with(port: u16, features: serde_json::Value) -> NationalLogin {
    NationalLogin::start(&provider_config(port, features)).expect("start oidc-provider")
}

/// The stand-in national login's configuration for a portal on `port`: the portal's two
/// clients (citizens' and staff's sign-in) and [`CITIZEN`].
pub(crate) fn provider_config(port: u16, features: serde_json::Value) -> serde_json::Value {
    json!({
        "features": features,
        "acr": ["urn:vn:loa:2", "urn:vn:loa:3"],
        "clients": [{
            "client_id": "motcua",
            "client_secret": SECRET,
            "redirect_uris": [format!("http://127.0.0.1:{port}/dang-nhap/vneid/callback")],
            "post_logout_redirect_uris": [format!("http://127.0.0.1:{port}/dang-xuat/xong")],
            "backchannel_logout_uri": format!("http://127.0.0.1:{port}/dang-nhap/vneid/backchannel-logout"),
            "backchannel_logout_session_required": true,
            "id_token_signed_response_alg": "ES256"
        }, {
            // The same directory registered a second time as the staff's sign-in ("noi-bo").
            "client_id": "motcua-staff",
            "client_secret": SECRET,
            "redirect_uris": [format!("http://127.0.0.1:{port}/dang-nhap/noi-bo/callback")],
            "id_token_signed_response_alg": "ES256"
        }],
        "accounts": { CITIZEN: {
            "name": "Nguyễn Thị Hoà", "birthdate": "1990-05-17", "phone_number": "+84905123456", "citizen_id": CITIZEN
        } }
    })
}

/// From the provider's login form to the portal's callback: logs the citizen in, consents,
/// and returns a client that does not follow redirects and the callback URL, not yet taken.
pub(crate) fn consent_and_come_back(
    browser: &reqwest::blocking::Client,
    jar: std::sync::Arc<reqwest::cookie::Jar>,
    login: reqwest::blocking::Response,
    issuer: &str,
) -> (reqwest::blocking::Client, String) {
    let form = login.text().expect("login form");
    // Log in, then consent; the last redirect is the portal's callback, taken by hand.
    let consent = browser
        .post(form_action(&form))
        .form(&[("prompt", "login"), ("login", CITIZEN), ("password", "mat-khau")])
        .send()
        .expect("log in")
        .text()
        .expect("consent page");
    let steps = one_step(jar.clone());
    let mut next = steps.post(form_action(&consent)).form(&[("prompt", "consent")]).send().expect("consent");
    let mut callback = None;
    for _ in 0..5 {
        let location = next.headers().get("location").and_then(|l| l.to_str().ok()).expect("redirect").to_string();
        let location = if location.starts_with('/') { format!("{}{location}", issuer) } else { location };
        if location.contains("/dang-nhap/") && location.contains("/callback?") {
            callback = Some(location);
            break;
        }
        next = steps.get(&location).send().expect("follow");
    }
    let callback = callback.expect("the provider sends the citizen back to the portal");
    assert!(callback.contains("code=") && callback.contains("state="), "{callback}");
    (steps, callback)
}

#[test]
fn a_citizen_signs_in_sees_the_account_and_signs_out() {
    let port = free_port();
    let provider = provider_for(port);
    let (_site, portal) = portal_with(&provider.issuer, port);
    let (browser, jar) = browser_with_jar();

    // The sign-in page offers the provider; its button leads to the provider's login form.
    let page = browser.get(format!("{}/dang-nhap", portal.base)).send().expect("sign-in page").text().expect("text");
    assert!(page.contains("Đăng nhập bằng VNeID"), "{page}");
    let login = browser.get(format!("{}/dang-nhap/vneid?ve=/tai-khoan", portal.base)).send().expect("start");
    assert!(login.url().as_str().starts_with(&format!("{}/interaction/", provider.issuer)), "{}", login.url());
    let (steps, callback) = consent_and_come_back(&browser, jar.clone(), login, &provider.issuer);
    let back = steps.get(&callback).send().expect("callback");
    assert_eq!(back.status(), 303);
    assert_eq!(back.headers()["location"], "/tai-khoan");
    let cookie = back.headers()["set-cookie"].to_str().expect("cookie").to_string();
    assert!(
        cookie.starts_with("motcua_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    // The account page shows who, through which provider, at which level, and what is held.
    let account = browser.get(format!("{}/tai-khoan", portal.base)).send().expect("account").text().expect("text");
    for shown in ["Nguyễn Thị Hoà", "1990-05-17", CITIZEN, "+84905123456", "VNeID", "Đáng kể (mức 2)", "Đăng xuất"]
    {
        assert!(account.contains(shown), "{shown}:\n{account}");
    }

    // A replayed callback opens nothing.
    let replay = steps.get(&callback).send().expect("replay");
    assert_eq!(replay.headers()["location"], "/dang-nhap?loi=het-han");
    assert!(!replay.headers().contains_key("set-cookie"));

    // Signing out ends the session here and goes on to the provider's logout.
    // Signing out needs the account page's form token: a forged one changes nothing.
    let csrf = crate::hub::hidden_field(&account, "_csrf");
    let forged = steps.post(format!("{}/dang-xuat", portal.base)).form(&[("_csrf", "forged")]).send().expect("forged");
    assert_eq!(forged.status(), 403);
    let out =
        steps.post(format!("{}/dang-xuat", portal.base)).form(&[("_csrf", csrf.as_str())]).send().expect("sign out");
    assert_eq!(out.status(), 303);
    let to = out.headers()["location"].to_str().expect("location").to_string();
    assert!(to.starts_with(&format!("{}/session/end?id_token_hint=", provider.issuer)), "{to}");
    assert!(
        to.contains(&format!("post_logout_redirect_uri=http%3A%2F%2F127.0.0.1%3A{port}%2Fdang-xuat%2Fxong")),
        "{to}"
    );
    let account = browser.get(format!("{}/tai-khoan", portal.base)).send().expect("account").text().expect("text");
    assert!(account.contains("Bạn chưa đăng nhập"), "{account}");
}

#[test]
fn a_cancelled_sign_in_and_a_provider_that_is_down_get_clear_messages() {
    let port = free_port();
    let provider = provider_for(port);
    let (_site, portal) = portal_with(&provider.issuer, port);
    let browser = browser();
    let form = browser.get(format!("{}/dang-nhap/vneid", portal.base)).send().expect("start").text().expect("form");
    let abort = format!("{}/abort", form_action(&form));
    let back = browser.get(abort).send().expect("cancel");
    assert_eq!(back.url().path(), "/dang-nhap");
    assert_eq!(back.status(), 400);
    let page = back.text().expect("page");
    assert!(page.contains("Bạn đã huỷ đăng nhập"), "{page}");
    let account = browser.get(format!("{}/tai-khoan", portal.base)).send().expect("account").text().expect("text");
    assert!(account.contains("Bạn chưa đăng nhập"), "{account}");

    // A forged callback, and the provider gone.
    let forged =
        browser.get(format!("{}/dang-nhap/vneid/callback?code=x&state=forged", portal.base)).send().expect("forged");
    assert!(forged.text().expect("page").contains("đường dẫn đã được dùng"));
    drop(provider);
    let port2 = free_port();
    let (_site2, portal2) = portal_with(&format!("http://127.0.0.1:{}", free_port()), port2);
    let down = browser.get(format!("{}/dang-nhap/vneid", portal2.base)).send().expect("down");
    assert_eq!(down.url().path(), "/dang-nhap");
    assert!(down.text().expect("page").contains("Hệ thống đăng nhập đang gián đoạn"));
}

#[test]
fn a_logout_at_the_provider_ends_the_portal_session_and_forged_tokens_are_refused() {
    let port = free_port();
    let provider = provider_for(port);
    let (_site, portal) = portal_with(&provider.issuer, port);
    let (browser, jar) = browser_with_jar();
    let login = browser.get(format!("{}/dang-nhap/vneid", portal.base)).send().expect("start");
    let (steps, callback) = consent_and_come_back(&browser, jar.clone(), login, &provider.issuer);
    assert_eq!(steps.get(&callback).send().expect("callback").status(), 303);
    let account = browser.get(format!("{}/tai-khoan", portal.base)).send().expect("account").text().expect("text");
    assert!(account.contains("Nguyễn Thị Hoà"), "{account}");

    // Forged logout tokens end nothing: unsigned, and signed by no key of the provider.
    let b64 = |v: serde_json::Value| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v.to_string())
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_secs();
    let claims = b64(json!({
        "iss": provider.issuer, "aud": "motcua", "iat": now, "jti": "gia-mao", "sub": CITIZEN,
        "events": { "http://schemas.openid.net/event/backchannel-logout": {} }
    }));
    for (token, reason) in [
        (format!("{}.{claims}.", b64(json!({"alg": "none"}))), "algorithm none is not accepted"),
        (
            format!("{}.{claims}.{}", b64(json!({"alg": "ES256", "kid": "es256-1"})), b64(json!("x".repeat(64)))),
            "signature",
        ),
        ("khong-phai-jwt".to_string(), "not a signed JWT"),
    ] {
        let refused = browser
            .post(format!("{}/dang-nhap/vneid/backchannel-logout", portal.base))
            .form(&[("logout_token", token.as_str())])
            .send()
            .expect("post");
        assert_eq!(refused.status(), 400);
        let body = refused.text().expect("body");
        assert!(body.contains(reason), "{reason}: {body}");
    }
    let account = browser.get(format!("{}/tai-khoan", portal.base)).send().expect("account").text().expect("text");
    assert!(account.contains("Nguyễn Thị Hoà"), "still signed in: {account}");

    // The citizen signs out at the provider; it tells the portal, which ends the session.
    let confirm = browser
        .get(format!("{}/session/end?client_id=motcua", provider.issuer))
        .send()
        .expect("provider logout")
        .text()
        .expect("page");
    let xsrf =
        Regex::new(r#"name="xsrf" value="([^"]+)""#).expect("regex").captures(&confirm).map(|c| c[1].to_string());
    let xsrf = xsrf.unwrap_or_else(|| panic!("no logout form:\n{confirm}"));
    let done = browser
        .post(form_action(&confirm))
        .form(&[("xsrf", xsrf.as_str()), ("logout", "yes")])
        .send()
        .expect("confirm logout");
    assert!(done.status().is_success(), "{}", done.status());
    let account = browser.get(format!("{}/tai-khoan", portal.base)).send().expect("account").text().expect("text");
    assert!(account.contains("Bạn chưa đăng nhập"), "signed out by the provider: {account}");
}

/// Signs in with `private_key_jwt`: the portal signs its assertions with `key` (PEM) using
/// `alg`, and the provider fetches the portal's published key to check them.
fn sign_in_with_client_key(key: &[u8], alg: &str, kty: &str) {
    let port = free_port();
    let portal_url = format!("http://127.0.0.1:{port}");
    let provider = NationalLogin::start(&json!({
        "acr": ["urn:vn:loa:2", "urn:vn:loa:3"],
        "clients": [{
            "client_id": "motcua",
            "token_endpoint_auth_method": "private_key_jwt",
            "token_endpoint_auth_signing_alg": alg,
            // The provider fetches the portal's public key from the portal itself.
            "jwks_uri": format!("{portal_url}/.well-known/jwks.json"),
            "redirect_uris": [format!("{portal_url}/dang-nhap/vneid/callback")],
            "id_token_signed_response_alg": "RS256"
        }],
        "accounts": { CITIZEN: { "name": "Trần Văn Thuỷ", "citizen_id": CITIZEN } }
    }))
    .expect("start oidc-provider");
    let key = key.to_vec();
    let (_site, portal) = portal_configured(
        &provider.issuer,
        port,
        &format!(
            "client_auth = \"private_key_jwt\"\nprivate_key_file = \"portal-key.pem\"\nassertion_alg = \"{alg}\"\n\
             signing_algs = [\"RS256\"]"
        ),
        |dir| std::fs::write(dir.join("portal-key.pem"), &key).expect("key file"),
    );
    let (status, jwks) = portal.json("/.well-known/jwks.json");
    assert_eq!(status, 200);
    assert_eq!(jwks["keys"][0]["kty"], kty, "{jwks}");
    assert!(jwks["keys"][0].get("d").is_none(), "only the public part: {jwks}");

    let (browser, jar) = browser_with_jar();
    let login = browser.get(format!("{}/dang-nhap/vneid", portal.base)).send().expect("start");
    let (steps, callback) = consent_and_come_back(&browser, jar.clone(), login, &provider.issuer);
    let back = steps.get(&callback).send().expect("callback");
    assert_eq!(back.headers()["location"], "/tai-khoan", "signed in with a client assertion");
    let account = browser.get(format!("{}/tai-khoan", portal.base)).send().expect("account").text().expect("text");
    assert!(account.contains("Trần Văn Thuỷ") && account.contains(CITIZEN), "{account}");
}

#[test]
fn private_key_jwt_with_the_published_key_and_rs256_id_tokens() {
    sign_in_with_client_key(&rsa_key_pem(), "RS256", "RSA");
}

#[test]
fn private_key_jwt_with_an_es256_client_key() {
    let key = std::process::Command::new("node")
        .args([
            "-e",
            "process.stdout.write(require('crypto').generateKeyPairSync('ec',{namedCurve:'P-256'}).privateKey.export({type:'pkcs8',format:'pem'}))",
        ])
        .output()
        .expect("node generates a key");
    assert!(key.status.success());
    sign_in_with_client_key(&key.stdout, "ES256", "EC");
}

#[test]
fn pushed_authorisation_requests_to_a_provider_that_requires_them() {
    let port = free_port();
    let provider = provider_with(port, json!({ "requirePar": true }));
    let secret = SECRET_ES256;
    // Without PAR the provider refuses; the citizen is told the sign-in was refused.
    let (_site, portal) = portal_configured(&provider.issuer, port, secret, |_| {});
    let browser = browser();
    let refused = browser.get(format!("{}/dang-nhap/vneid", portal.base)).send().expect("start");
    assert_eq!(refused.url().path(), "/dang-nhap");
    assert!(refused.text().expect("page").contains("Nhà cung cấp định danh đã từ chối đăng nhập"));
    drop(portal);

    let (_site, portal) = portal_configured(&provider.issuer, port, &format!("{secret}\npar = true"), |_| {});
    let (browser, jar) = browser_with_jar();
    let first = one_step(jar.clone()).get(format!("{}/dang-nhap/vneid", portal.base)).send().expect("start");
    let to = first.headers()["location"].to_str().expect("location").to_string();
    assert!(to.contains("request_uri=urn") && !to.contains("code_challenge"), "only a reference travels: {to}");
    let login = browser.get(&to).send().expect("to the provider");
    let (steps, callback) = consent_and_come_back(&browser, jar.clone(), login, &provider.issuer);
    assert_eq!(steps.get(&callback).send().expect("callback").headers()["location"], "/tai-khoan");
    let account = browser.get(format!("{}/tai-khoan", portal.base)).send().expect("account").text().expect("text");
    assert!(account.contains("Nguyễn Thị Hoà"), "{account}");
}

#[test]
fn an_encrypted_id_token_is_opened_with_the_portals_published_key() {
    let port = free_port();
    let portal_url = format!("http://127.0.0.1:{port}");
    let provider = NationalLogin::start(&json!({
        "acr": ["urn:vn:loa:2", "urn:vn:loa:3"],
        "clients": [{
            "client_id": "motcua",
            "client_secret": SECRET,
            // The provider encrypts to the key the portal publishes.
            "jwks_uri": format!("{portal_url}/.well-known/jwks.json"),
            "redirect_uris": [format!("{portal_url}/dang-nhap/vneid/callback")],
            "id_token_signed_response_alg": "ES256",
            "id_token_encrypted_response_alg": "RSA-OAEP-256",
            "id_token_encrypted_response_enc": "A256GCM"
        }],
        "accounts": { CITIZEN: { "name": "Lê Thị Khoẻ", "citizen_id": CITIZEN } }
    }))
    .expect("start oidc-provider");
    let key = rsa_key_pem();
    let (_site, portal) = portal_configured(
        &provider.issuer,
        port,
        &format!("{SECRET_ES256}\ndecryption_key_file = \"enc.pem\""),
        |dir| std::fs::write(dir.join("enc.pem"), &key).expect("key file"),
    );
    let (_, jwks) = portal.json("/.well-known/jwks.json");
    assert_eq!((&jwks["keys"][0]["use"], &jwks["keys"][0]["alg"]), (&json!("enc"), &json!("RSA-OAEP-256")), "{jwks}");

    let (browser, jar) = browser_with_jar();
    let login = browser.get(format!("{}/dang-nhap/vneid", portal.base)).send().expect("start");
    let (steps, callback) = consent_and_come_back(&browser, jar.clone(), login, &provider.issuer);
    assert_eq!(steps.get(&callback).send().expect("callback").headers()["location"], "/tai-khoan");
    let account = browser.get(format!("{}/tai-khoan", portal.base)).send().expect("account").text().expect("text");
    assert!(account.contains("Lê Thị Khoẻ") && account.contains(CITIZEN), "{account}");
}

#[test]
fn id_tokens_the_provider_would_never_issue_open_no_session() {
    let port = free_port();
    let provider = provider_with(port, json!({ "testEndpoints": true }));
    let (_site, portal) = portal_with(&provider.issuer, port);
    let http = browser();
    // Each attempt is a new citizen's browser: log in, consent, come back with the token.
    let attempt = |mode: serde_json::Value| -> (String, Option<String>) {
        let set = http.post(format!("{}/__test/tamper", provider.issuer)).json(&json!({ "mode": mode })).send();
        assert_eq!(set.expect("tamper").status(), 204);
        let (browser, jar) = browser_with_jar();
        let login = browser.get(format!("{}/dang-nhap/vneid", portal.base)).send().expect("start");
        let (steps, callback) = consent_and_come_back(&browser, jar, login, &provider.issuer);
        let back = steps.get(&callback).send().expect("callback");
        let location = back.headers()["location"].to_str().expect("location").to_string();
        (location, back.headers().get("set-cookie").map(|c| c.to_str().unwrap_or_default().to_string()))
    };
    // The harness itself: an untouched token signs in.
    let (location, cookie) = attempt(serde_json::Value::Null);
    assert_eq!(location, "/tai-khoan");
    assert!(cookie.is_some());
    for mode in ["nonce", "expired", "audience", "none", "unknown-key"] {
        let (location, cookie) = attempt(json!(mode));
        assert_eq!(location, "/dang-nhap?loi=khong-hop-le", "{mode} must be refused");
        assert!(cookie.is_none(), "{mode}: no session");
    }
    let page =
        http.get(format!("{}/dang-nhap?loi=khong-hop-le", portal.base)).send().expect("page").text().expect("text");
    assert!(page.contains("Phản hồi đăng nhập không hợp lệ nên đã bị từ chối"), "{page}");
}
