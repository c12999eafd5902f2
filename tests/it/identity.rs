//! Signing in through a national login plugged in by configuration, against the certified
//! `oidc-provider` on loopback (tests/oidc).

use motcua_tests::national_login::NationalLogin;
use motcua_tests::{Database, Site};
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
        "FAIL  decryption_key_file khong-co.pem cannot be read",
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
