//! The portal as the sign-on hub of department services: the certified `openid-client`
//! (tests/oidc/service.mjs) and the Rust `openidconnect` client sign a citizen in through
//! the portal, which signs them in at the stand-in national login (`oidc-provider`).

use motcua_tests::oidc_peers::{DepartmentService, NationalLogin};
use motcua_tests::{Server, Site, free_port};
use openidconnect::core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata};
use openidconnect::{
    AuthType, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, OAuth2TokenResponse,
    PkceCodeChallenge, RedirectUrl, Scope, TokenResponse,
};
use regex::Regex;
use serde_json::{Value, json};

use crate::identity::{CITIZEN, browser_with_jar, consent_and_come_back, one_step, portal_serving, provider_for};

const HO_TICH_SECRET: &str = "bi-mat-cua-dich-vu-ho-tich-0123456789abcdef";
const DAT_DAI_SECRET: &str = "bi-mat-cua-dich-vu-dat-dai-0123456789abcdef";

/// The national login, the portal on `port` with two registered services, and the first of
/// them (openid-client, `client_secret_basic`, ES256 ID tokens). The second (the Rust
/// client, `client_secret_post`, RS256) redirects to `dat_dai_redirect`, where nothing
/// listens: the test reads the code off the redirect.
struct Journey {
    provider: NationalLogin,
    ho_tich: DepartmentService,
    _site: Site,
    portal: Server,
    dat_dai_redirect: String,
}

fn journey(ho_tich_auth: &str) -> Journey {
    let port = free_port();
    let provider = provider_for(port);
    let issuer = format!("http://127.0.0.1:{port}");
    let ho_tich = DepartmentService::start(&json!({
        "issuer": issuer, "client_id": "ho-tich", "client_secret": HO_TICH_SECRET, "auth": ho_tich_auth,
        "id_token_alg": "ES256", "scope": "openid profile citizen"
    }))
    .expect("start the department service");
    let dat_dai_redirect = format!("http://127.0.0.1:{}/cb", free_port());
    let ho_tich_auth_config = if ho_tich_auth == "private_key_jwt" {
        format!("client_auth = \"private_key_jwt\"\njwks = '''{}'''", ho_tich.jwks)
    } else {
        format!("client_auth = \"{ho_tich_auth}\"\nclient_secret_env = \"HO_TICH_SECRET\"")
    };
    let services = format!(
        "[[hub.services]]\nclient_id = \"ho-tich\"\nname = \"Đăng ký hộ tịch trực tuyến\"\nagency = \"thanh-pho-hue\"\n\
         redirect_uris = [\"{base}/callback\"]\npost_logout_redirect_uris = [\"{base}/signed-out\"]\n\
         {ho_tich_auth_config}\nscopes = [\"openid\", \"profile\", \"citizen\"]\n\
         backchannel_logout_uri = \"{base}/backchannel-logout\"\nsector = \"tuphap.hue.gov.vn\"\n\
         [[hub.services]]\nclient_id = \"dat-dai\"\nname = \"Đăng ký đất đai\"\nredirect_uris = [\"{dat_dai_redirect}\"]\n\
         client_auth = \"client_secret_post\"\nclient_secret_env = \"DAT_DAI_SECRET\"\nid_token_alg = \"RS256\"\n\
         scopes = [\"openid\", \"profile\", \"phone\"]\nsector = \"tainguyen.hue.gov.vn\"\n",
        base = ho_tich.base
    );
    let (site, portal) = portal_serving(
        &provider.issuer,
        port,
        "client_secret_env = \"MOTCUA_TEST_VNEID_SECRET\"\nsigning_algs = [\"ES256\"]",
        &services,
        &[("HO_TICH_SECRET", HO_TICH_SECRET), ("DAT_DAI_SECRET", DAT_DAI_SECRET)],
        |_| {},
    );
    Journey { provider, ho_tich, _site: site, portal, dat_dai_redirect }
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
    let (browser, jar) = browser_with_jar();
    // Service → portal → national login: the provider's login form.
    let login = browser.get(format!("{}/login", j.ho_tich.base)).send().expect("service login");
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
    let done = browser
        .post(format!("{}/dong-y", j.portal.base))
        .form(&[("ma", consent_token(&page).as_str()), ("quyet-dinh", "dong-y"), ("so-dinh-danh", "1")])
        .send()
        .expect("agree");
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

#[test]
fn a_citizen_signs_in_once_and_goes_on_into_two_services_that_see_different_identifiers() {
    let j = journey("client_secret_basic");
    let (browser, jar, learnt) = sign_in_to_ho_tich(&j);
    // openid-client checked the ES256 signature, iss, aud, nonce and at_hash; the claims are
    // the ones the citizen agreed to.
    assert_eq!(learnt["claims"]["name"], "Nguyễn Thị Hoà", "{learnt}");
    assert_eq!(learnt["userinfo"]["citizen_id"], CITIZEN, "{learnt}");
    assert_eq!(learnt["userinfo"]["birthdate"], "1990-05-17", "{learnt}");
    assert_eq!(learnt["claims"]["acr"], "loa-2", "{learnt}");
    assert!(learnt["userinfo"].get("phone_number").is_none(), "phone was not asked for: {learnt}");
    let first_sub = learnt["sub"].as_str().expect("sub").to_string();

    // The second service: no login form at all, only its consent, asked once.
    let rust = RustService::discover(&j.portal, &j.dat_dai_redirect);
    let steps = one_step(jar.clone());
    let mut subjects = Vec::new();
    for round in 0..2 {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = rust
            .client
            .authorize_url(CoreAuthenticationFlow::AuthorizationCode, CsrfToken::new_random, Nonce::new_random)
            .add_scope(Scope::new("profile".into()))
            .add_scope(Scope::new("phone".into()))
            .set_pkce_challenge(challenge)
            .url();
        let mut answer = steps.get(url.as_str()).send().expect("authorize");
        if round == 0 {
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
        // The second time the consent is remembered: straight back with a code.
        let back = reqwest::Url::parse(&location(&answer)).expect("redirect to the service");
        assert!(back.as_str().starts_with(&j.dat_dai_redirect), "{back}");
        let query: std::collections::HashMap<_, _> = back.query_pairs().into_owned().collect();
        assert_eq!(query.get("state"), Some(state.secret()));
        assert_eq!(query.get("iss"), Some(&j.portal.base));
        let tokens = rust
            .client
            .exchange_code(AuthorizationCode::new(query["code"].clone()))
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
        subjects.push(claims.subject().as_str().to_string());
    }
    assert_eq!(subjects[0], subjects[1], "one service sees one identifier");
    assert_ne!(subjects[0], first_sub, "two sectors see different identifiers");

    // The account page lists both, and withdrawing one makes it ask again.
    let account = browser.get(format!("{}/tai-khoan", j.portal.base)).send().expect("account").text().expect("text");
    for shown in ["Dịch vụ đã kết nối", "Đăng ký hộ tịch trực tuyến", "Đăng ký đất đai", "Thu hồi quyền truy cập"]
    {
        assert!(account.contains(shown), "{shown}:\n{account}");
    }
    let withdrawn = steps
        .post(format!("{}/tai-khoan/dich-vu/thu-hoi", j.portal.base))
        .form(&[("dich-vu", "dat-dai")])
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
