//! Staff roles per agency and the audit log, from the command line, against a portal a
//! staff member has signed in to through the stand-in national login.

use motcua_tests::free_port;

use crate::hub::run;
use crate::identity::{CITIZEN, browser_with_jar, consent_and_come_back, portal_serving, provider_for};

#[test]
fn roles_are_granted_to_signed_in_accounts_and_every_change_is_in_the_audit_log() {
    let port = free_port();
    let provider = provider_for(port);
    let (site, portal) = portal_serving(
        &provider.issuer,
        port,
        "client_secret_env = \"MOTCUA_TEST_VNEID_SECRET\"\nsigning_algs = [\"ES256\"]",
        "",
        &[],
        |_| {},
    );
    // The staff member signs in once; then an administrator can name them.
    let (browser, jar) = browser_with_jar();
    let login = browser.get(format!("{}/dang-nhap/vneid", portal.base)).send().expect("start");
    let (steps, callback) = consent_and_come_back(&browser, jar, login, &provider.issuer);
    assert_eq!(steps.get(&callback).send().expect("callback").status(), 303);
    let account = format!("vneid:{CITIZEN}");
    let accounts = run(&site, &["roles", "accounts"]);
    assert!(accounts.contains(&account) && accounts.contains("Nguyễn Thị Hoà"), "{accounts}");

    let said = run(&site, &["roles", "grant", &account, "editor", "thanh-pho-hue"]);
    assert!(said.starts_with("granted"), "{said}");
    let said = run(&site, &["roles", "grant", &account, "editor", "thanh-pho-hue"]);
    assert!(said.starts_with("already held"), "{said}");
    let listed = run(&site, &["roles", "list"]);
    assert!(listed.contains(&format!("{account}\tNguyễn Thị Hoà\teditor\tthanh-pho-hue")), "{listed}");

    // Mistakes are named, and change nothing.
    for (args, says) in [
        (vec!["roles", "grant", &account, "owner", "thanh-pho-hue"], "no role owner"),
        (vec!["roles", "grant", &account, "editor", "khong-co"], "no agency khong-co"),
        (vec!["roles", "grant", "vneid:000000000000", "editor", "thanh-pho-hue"], "signs in once first"),
    ] {
        let out = site.command().args(&args).output().expect("run");
        assert!(!out.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{args:?}: {err}");
    }

    // The audit log: the sign-in (with where from) and the grant, newest first.
    let log = run(&site, &["audit", "list"]);
    let lines: Vec<&str> = log.lines().collect();
    assert!(lines.iter().any(|l| l.contains("\tsign_in\tprovider:vneid\t127.0.0.1\t")), "{log}");
    let grants: Vec<&&str> = lines.iter().filter(|l| l.contains("\trole.grant\t")).collect();
    assert_eq!(grants.len(), 1, "the second grant changed nothing: {log}");
    assert!(grants[0].contains("\tcli\t") && grants[0].contains("\"agency\":\"thanh-pho-hue\""), "{log}");
    let only_roles = run(&site, &["audit", "list", "--action", "role"]);
    assert!(only_roles.lines().all(|l| l.contains("\trole.")), "{only_roles}");

    run(&site, &["roles", "revoke", &account, "editor", "thanh-pho-hue"]);
    let out = site.command().args(["roles", "revoke", &account, "editor", "thanh-pho-hue"]).output().expect("run");
    assert!(!out.status.success(), "nothing left to revoke");
    assert!(run(&site, &["audit", "list", "--action", "role.revoke"]).contains("role.revoke"));
    assert!(!run(&site, &["roles", "list"]).contains(&account));
}
