//! Accounts, sessions, logins in flight and used logout tokens: what signing in keeps in
//! the database, so that every node shares it.

use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, QueryFilter,
    TryIntoModel,
};
use sha2::{Digest, Sha256};

use super::StorageError;
use super::entity::{account, login_attempt, session, used_logout_token};

/// What a provider told of a citizen, mapped onto the portal's fields.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profile {
    /// Full name.
    pub name: Option<String>,
    /// Birth date.
    pub birth_date: Option<String>,
    /// Citizen id number.
    pub citizen_id: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Assurance level of this sign-in.
    pub assurance_level: i32,
}

/// The account a configured provider knows by `subject`: the `PROVIDER:SUBJECT` handle
/// administrators name staff by (in the admin pages and `motcua roles`).
pub async fn account_by_handle(
    db: &impl ConnectionTrait,
    provider_id: &str,
    subject: &str,
) -> Result<Option<account::Model>, StorageError> {
    Ok(account::Entity::find()
        .filter(account::Column::ProviderId.eq(provider_id))
        .filter(account::Column::Subject.eq(subject))
        .one(db)
        .await?)
}

/// Creates or refreshes the account of (issuer, subject) with what the provider said now.
pub async fn sign_in_account(
    db: &impl ConnectionTrait,
    issuer: &str,
    subject: &str,
    provider_id: &str,
    profile: &Profile,
    now: DateTime<Utc>,
) -> Result<account::Model, StorageError> {
    let existing = account::Entity::find()
        .filter(account::Column::Issuer.eq(issuer))
        .filter(account::Column::Subject.eq(subject))
        .one(db)
        .await?;
    let mut active = match existing {
        Some(a) => a.into_active_model(),
        None => account::ActiveModel {
            issuer: Set(issuer.to_string()),
            subject: Set(subject.to_string()),
            created_at: Set(now),
            ..Default::default()
        },
    };
    active.provider_id = Set(provider_id.to_string());
    active.name = Set(profile.name.clone());
    active.birth_date = Set(profile.birth_date.clone());
    active.citizen_id = Set(profile.citizen_id.clone());
    active.phone = Set(profile.phone.clone());
    active.email = Set(profile.email.clone());
    active.assurance_level = Set(profile.assurance_level);
    active.last_login_at = Set(now);
    Ok(active.save(db).await?.try_into_model()?)
}

/// A new random secret (256 bits), hex: session cookies and `state`, `nonce` values.
pub fn random_token() -> Result<String, StorageError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| StorageError::Random(e.to_string()))?;
    Ok(hex::encode(bytes))
}

/// Hex SHA-256 of a secret: how session cookies, codes, tokens and form tokens are stored,
/// so a copy of the database holds none of them.
pub fn digest(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// Whether two secrets (or their hashes) are equal, compared in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn session_id(cookie: &str) -> String {
    digest(cookie)
}

/// A session being opened.
#[derive(Clone, Debug)]
pub struct NewSession<'a> {
    /// Whose.
    pub account_id: i32,
    /// Through which provider.
    pub provider_id: &'a str,
    /// The provider's `sid`, if it gave one.
    pub upstream_sid: Option<&'a str>,
    /// The provider's ID token, for logout.
    pub id_token: Option<&'a str>,
    /// Absolute lifetime.
    pub lifetime: Duration,
}

/// Opens a session and returns the cookie value (always fresh: a session id is never
/// carried over from before signing in). Only its hash is stored. Sessions past their
/// absolute end are swept on the way.
pub async fn open_session(
    db: &impl ConnectionTrait,
    new: &NewSession<'_>,
    now: DateTime<Utc>,
) -> Result<String, StorageError> {
    session::Entity::delete_many().filter(session::Column::ExpiresAt.lte(now)).exec(db).await?;
    let cookie = random_token()?;
    session::ActiveModel {
        id: Set(session_id(&cookie)),
        account_id: Set(new.account_id),
        provider_id: Set(new.provider_id.to_string()),
        upstream_sid: Set(new.upstream_sid.map(str::to_string)),
        id_token: Set(new.id_token.map(str::to_string)),
        created_at: Set(now),
        last_seen_at: Set(now),
        expires_at: Set(now + new.lifetime),
    }
    .insert(db)
    .await?;
    Ok(cookie)
}

/// The live session of a cookie and its account; a session past its absolute end or idle
/// for longer than `idle` is ended and not returned. `last_seen_at` is written at most once
/// a minute, not on every request.
pub async fn live_session(
    db: &impl ConnectionTrait,
    cookie: &str,
    idle: Duration,
    now: DateTime<Utc>,
) -> Result<Option<(session::Model, account::Model)>, StorageError> {
    let found = session::Entity::find_by_id(session_id(cookie)).find_also_related(account::Entity).one(db).await?;
    let Some((s, Some(a))) = found else { return Ok(None) };
    if now >= s.expires_at || now - s.last_seen_at > idle {
        session::Entity::delete_by_id(s.id).exec(db).await?;
        return Ok(None);
    }
    if now - s.last_seen_at > Duration::minutes(1) {
        let mut active = s.clone().into_active_model();
        active.last_seen_at = Set(now);
        active.update(db).await?;
    }
    Ok(Some((s, a)))
}

/// Ends the session of a cookie; returns it if there was one (its ID token serves logout at
/// the provider).
pub async fn end_session(db: &impl ConnectionTrait, cookie: &str) -> Result<Option<session::Model>, StorageError> {
    let id = session_id(cookie);
    let Some(s) = session::Entity::find_by_id(id.clone()).one(db).await? else { return Ok(None) };
    session::Entity::delete_by_id(id).exec(db).await?;
    Ok(Some(s))
}

/// Ends the sessions a provider's back-channel logout names: those of its `sid`, or every
/// session of its subject when it names no `sid`. Returns the ended sessions' ids (the hub
/// tells their services).
pub async fn end_upstream_sessions(
    db: &impl ConnectionTrait,
    provider_id: &str,
    issuer: &str,
    sid: Option<&str>,
    subject: Option<&str>,
) -> Result<Vec<String>, StorageError> {
    if sid.is_none() && subject.is_none() {
        return Ok(Vec::new());
    }
    let mut query = session::Entity::find().filter(session::Column::ProviderId.eq(provider_id));
    if let Some(sid) = sid {
        query = query.filter(session::Column::UpstreamSid.eq(sid));
    }
    if let Some(subject) = subject {
        let account = account::Entity::find()
            .filter(account::Column::Issuer.eq(issuer))
            .filter(account::Column::Subject.eq(subject))
            .one(db)
            .await?;
        let Some(account) = account else { return Ok(Vec::new()) };
        query = query.filter(session::Column::AccountId.eq(account.id));
    }
    let ids: Vec<String> = query.all(db).await?.into_iter().map(|s| s.id).collect();
    session::Entity::delete_many().filter(session::Column::Id.is_in(ids.clone())).exec(db).await?;
    Ok(ids)
}

/// Records a login sent to a provider.
pub async fn begin_login(db: &impl ConnectionTrait, attempt: login_attempt::Model) -> Result<(), StorageError> {
    attempt.into_active_model().insert(db).await?;
    Ok(())
}

/// Takes the login of `state`, once: a second call, or one after `max_age`, finds nothing.
pub async fn take_login(
    db: &impl ConnectionTrait,
    state: &str,
    max_age: Duration,
    now: DateTime<Utc>,
) -> Result<Option<login_attempt::Model>, StorageError> {
    let Some(attempt) = login_attempt::Entity::find_by_id(state).one(db).await? else { return Ok(None) };
    // The delete decides: of two callbacks racing with the same state, one deletes the row.
    let deleted = login_attempt::Entity::delete_by_id(state).exec(db).await?.rows_affected;
    login_attempt::Entity::delete_many().filter(login_attempt::Column::CreatedAt.lt(now - max_age)).exec(db).await?;
    Ok((deleted == 1 && now - attempt.created_at <= max_age).then_some(attempt))
}

/// Remembers a logout token's `jti` until it expires; false when it was already used.
pub async fn use_logout_token(
    db: &impl ConnectionTrait,
    issuer: &str,
    jti: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, StorageError> {
    used_logout_token::Entity::delete_many().filter(used_logout_token::Column::ExpiresAt.lt(now)).exec(db).await?;
    let row = used_logout_token::ActiveModel {
        issuer: Set(issuer.into()),
        jti: Set(jti.into()),
        expires_at: Set(expires_at),
    };
    let inserted = used_logout_token::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([used_logout_token::Column::Issuer, used_logout_token::Column::Jti])
                .do_nothing()
                .to_owned(),
        )
        .exec_without_returning(db)
        .await?;
    Ok(inserted == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn database() -> (tempfile::TempDir, sea_orm::DatabaseConnection) {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
        let db = crate::storage::connect(&url).await.expect("connect");
        (dir, db)
    }

    fn citizen() -> Profile {
        Profile {
            name: Some("Nguyễn Thị Hoà".into()),
            citizen_id: Some("079090001234".into()),
            assurance_level: 2,
            ..Default::default()
        }
    }

    #[tokio::test]
    async fn accounts_are_per_issuer_and_subject_and_sessions_time_out() {
        let (_dir, db) = database().await;
        let now = Utc::now();
        let a = sign_in_account(&db, "https://vneid", "s1", "vneid", &citizen(), now).await.expect("account");
        let again =
            sign_in_account(&db, "https://vneid", "s1", "vneid", &Profile { assurance_level: 3, ..citizen() }, now)
                .await
                .expect("again");
        assert_eq!((a.id, again.assurance_level), (again.id, 3), "the same citizen, refreshed");
        let other = sign_in_account(&db, "https://other", "s1", "other", &citizen(), now).await.expect("other");
        assert_ne!(a.id, other.id, "never merged across providers");

        let new = NewSession {
            account_id: a.id,
            provider_id: "vneid",
            upstream_sid: Some("sid-1"),
            id_token: Some("eyJ…"),
            lifetime: Duration::hours(12),
        };
        let cookie = open_session(&db, &new, now).await.expect("session");
        let cookie2 = open_session(&db, &new, now).await.expect("session");
        assert_ne!(cookie, cookie2, "fresh every time");
        assert_eq!(cookie.len(), 64);
        let idle = Duration::minutes(30);
        let (s, acc) =
            live_session(&db, &cookie, idle, now + Duration::minutes(29)).await.expect("read").expect("live");
        assert_eq!((acc.id, s.upstream_sid.as_deref()), (a.id, Some("sid-1")));
        assert!(live_session(&db, "not-a-cookie", idle, now).await.expect("read").is_none());
        // Touched at 29 min, so still live 58 min in; idle past that, it is gone.
        assert!(live_session(&db, &cookie, idle, now + Duration::minutes(58)).await.expect("read").is_some());
        assert!(live_session(&db, &cookie, idle, now + Duration::minutes(89)).await.expect("read").is_none());
        assert!(live_session(&db, &cookie, idle, now).await.expect("read").is_none(), "ended, not just hidden");
        // The absolute end holds however active the citizen is.
        assert!(
            live_session(&db, &cookie2, Duration::hours(24), now + Duration::hours(12)).await.expect("read").is_none()
        );

        let c3 = open_session(&db, &new, now).await.expect("session");
        assert_eq!(
            end_upstream_sessions(&db, "vneid", "https://vneid", Some("sid-other"), None).await.expect("end").len(),
            0
        );
        assert_eq!(
            end_upstream_sessions(&db, "vneid", "https://vneid", Some("sid-1"), Some("s1")).await.expect("end").len(),
            1
        );
        assert!(live_session(&db, &c3, idle, now).await.expect("read").is_none());
        // Opening a session sweeps those past their absolute end, presented or not.
        let stale = open_session(&db, &new, now - Duration::hours(13)).await.expect("session");
        let _ = open_session(&db, &new, now).await.expect("session");
        let left = session::Entity::find().all(&db).await.expect("rows");
        assert!(left.iter().all(|s| s.expires_at > now), "swept");
        assert!(
            live_session(&db, &stale, Duration::hours(24), now - Duration::hours(12)).await.expect("read").is_none()
        );
        let c4 = open_session(&db, &new, now).await.expect("session");
        assert_eq!(end_session(&db, &c4).await.expect("end").map(|s| s.account_id), Some(a.id));
        assert!(end_session(&db, &c4).await.expect("end").is_none());
    }

    #[tokio::test]
    async fn a_login_is_taken_once_and_a_logout_token_used_once() {
        let (_dir, db) = database().await;
        let now = Utc::now();
        let attempt = |state: &str, at| login_attempt::Model {
            state: state.into(),
            provider_id: "vneid".into(),
            nonce: "n".into(),
            pkce_verifier: "v".into(),
            return_to: "/".into(),
            created_at: at,
        };
        begin_login(&db, attempt("s1", now)).await.expect("begin");
        begin_login(&db, attempt("old", now - Duration::minutes(20))).await.expect("begin");
        let max_age = Duration::minutes(10);
        assert!(take_login(&db, "s1", max_age, now).await.expect("take").is_some());
        assert!(
            take_login(&db, "s1", max_age, now).await.expect("take").is_none(),
            "a replayed callback finds nothing"
        );
        assert!(take_login(&db, "old", max_age, now).await.expect("take").is_none(), "too old");
        assert!(take_login(&db, "forged", max_age, now).await.expect("take").is_none());

        let exp = now + Duration::minutes(2);
        assert!(use_logout_token(&db, "https://vneid", "j1", exp, now).await.expect("use"));
        assert!(!use_logout_token(&db, "https://vneid", "j1", exp, now).await.expect("use"), "replayed");
        assert!(use_logout_token(&db, "https://other", "j1", exp, now).await.expect("use"), "per issuer");
    }
}
