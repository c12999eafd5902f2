//! What the sign-on hub keeps while it works: consents, consent requests waiting for an
//! answer, codes, access tokens, used client assertions, and which services each session
//! signed in to. Secrets (codes, tokens, form tokens) are stored as their SHA-256 only.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use super::StorageError;
use super::entity::{
    api_token, hub_code, hub_consent, hub_pending, hub_session_service, hub_token, hub_used_assertion, service,
};
use super::identity::{digest, random_token};

/// Whether the citizen has agreed to every one of `scopes` for this service.
pub async fn consented(
    db: &impl ConnectionTrait,
    account_id: i32,
    client_id: &str,
    scopes: &[String],
) -> Result<bool, StorageError> {
    let Some(c) = hub_consent::Entity::find_by_id((account_id, client_id.to_string())).one(db).await? else {
        return Ok(false);
    };
    let agreed: Vec<&str> = c.scopes.split_whitespace().collect();
    Ok(scopes.iter().all(|s| agreed.contains(&s.as_str())))
}

/// Remembers a consent (replacing the one before).
pub async fn remember_consent(
    db: &impl ConnectionTrait,
    account_id: i32,
    client_id: &str,
    scopes: &[String],
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    hub_consent::Entity::insert(hub_consent::ActiveModel {
        account_id: Set(account_id),
        client_id: Set(client_id.to_string()),
        scopes: Set(scopes.join(" ")),
        granted_at: Set(now),
        last_used_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([hub_consent::Column::AccountId, hub_consent::Column::ClientId])
            .update_columns([
                hub_consent::Column::Scopes,
                hub_consent::Column::GrantedAt,
                hub_consent::Column::LastUsedAt,
            ])
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// Withdraws a consent: the service must ask again next time. False if there was none.
pub async fn revoke_consent(db: &impl ConnectionTrait, account_id: i32, client_id: &str) -> Result<bool, StorageError> {
    Ok(hub_consent::Entity::delete_by_id((account_id, client_id.to_string())).exec(db).await?.rows_affected == 1)
}

/// The services a citizen has agreed to, most recently used first, with their names.
pub async fn connected_services(
    db: &impl ConnectionTrait,
    account_id: i32,
) -> Result<Vec<(hub_consent::Model, Option<service::Model>)>, StorageError> {
    let consents = hub_consent::Entity::find()
        .filter(hub_consent::Column::AccountId.eq(account_id))
        .order_by_desc(hub_consent::Column::LastUsedAt)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(consents.len());
    for c in consents {
        let s = service::Entity::find_by_id(c.client_id.clone()).one(db).await?;
        out.push((c, s));
    }
    Ok(out)
}

/// Puts a request aside for the consent page; returns the form token that answers it.
pub async fn put_pending(
    db: &impl ConnectionTrait,
    session_id: &str,
    client_id: &str,
    request: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<String, StorageError> {
    hub_pending::Entity::delete_many().filter(hub_pending::Column::ExpiresAt.lt(now)).exec(db).await?;
    let token = random_token()?;
    hub_pending::ActiveModel {
        id: Set(digest(&token)),
        session_id: Set(session_id.to_string()),
        client_id: Set(client_id.to_string()),
        request: Set(request.to_string()),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// The waiting request of a form token, if it belongs to this session and is not stale.
pub async fn pending(
    db: &impl ConnectionTrait,
    token: &str,
    session_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<hub_pending::Model>, StorageError> {
    let found = hub_pending::Entity::find_by_id(digest(token)).one(db).await?;
    Ok(found.filter(|p| p.session_id == session_id && p.expires_at > now))
}

/// Takes the waiting request once (the consent form's answer).
pub async fn take_pending(
    db: &impl ConnectionTrait,
    token: &str,
    session_id: &str,
    now: DateTime<Utc>,
) -> Result<Option<hub_pending::Model>, StorageError> {
    let Some(p) = pending(db, token, session_id, now).await? else { return Ok(None) };
    let deleted = hub_pending::Entity::delete_by_id(p.id.clone()).exec(db).await?.rows_affected;
    Ok((deleted == 1).then_some(p))
}

/// Stores a new code (by hash) and returns it.
pub async fn issue_code(db: &impl ConnectionTrait, mut row: hub_code::Model) -> Result<String, StorageError> {
    let code = random_token()?;
    row.code_hash = digest(&code);
    hub_code::Entity::delete_many()
        .filter(hub_code::Column::ExpiresAt.lt(row.expires_at - chrono::Duration::hours(1)))
        .exec(db)
        .await?;
    hub_code::ActiveModel::from(row).insert(db).await?;
    Ok(code)
}

/// What presenting a code found.
#[derive(Clone, Debug)]
pub enum CodeUse {
    /// First use: the code's grant.
    First(hub_code::Model),
    /// Used before: whatever it issued must be revoked.
    Replayed(hub_code::Model),
    /// No such code.
    Unknown,
}

/// Marks a code used, atomically: of two exchanges racing with one code, one is first.
pub async fn use_code(db: &impl ConnectionTrait, code: &str, now: DateTime<Utc>) -> Result<CodeUse, StorageError> {
    let hash = digest(code);
    let Some(row) = hub_code::Entity::find_by_id(hash.clone()).one(db).await? else { return Ok(CodeUse::Unknown) };
    let marked = hub_code::Entity::update_many()
        .col_expr(hub_code::Column::UsedAt, Expr::value(now))
        .filter(hub_code::Column::CodeHash.eq(hash))
        .filter(hub_code::Column::UsedAt.is_null())
        .exec(db)
        .await?
        .rows_affected;
    Ok(if marked == 1 { CodeUse::First(row) } else { CodeUse::Replayed(row) })
}

/// Revokes every token issued for a code (its replay was seen).
pub async fn revoke_code_tokens(
    db: &impl ConnectionTrait,
    code_hash: &str,
    now: DateTime<Utc>,
) -> Result<u64, StorageError> {
    Ok(hub_token::Entity::update_many()
        .col_expr(hub_token::Column::RevokedAt, Expr::value(now))
        .filter(hub_token::Column::CodeHash.eq(code_hash))
        .filter(hub_token::Column::RevokedAt.is_null())
        .exec(db)
        .await?
        .rows_affected)
}

/// Stores a new access token (by hash) and returns it.
pub async fn issue_token(db: &impl ConnectionTrait, mut row: hub_token::Model) -> Result<String, StorageError> {
    let token = random_token()?;
    row.token_hash = digest(&token);
    hub_token::Entity::delete_many()
        .filter(hub_token::Column::ExpiresAt.lt(row.expires_at - chrono::Duration::days(1)))
        .exec(db)
        .await?;
    hub_token::ActiveModel::from(row).insert(db).await?;
    Ok(token)
}

/// Issues a push API token to a machine client; returns the token (only its hash is kept).
pub async fn issue_api_token(
    db: &impl ConnectionTrait,
    client_id: &str,
    account_id: i32,
    scope: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<String, StorageError> {
    let token = random_token()?;
    api_token::Entity::delete_many().filter(api_token::Column::ExpiresAt.lt(now)).exec(db).await?;
    api_token::ActiveModel {
        token_hash: Set(digest(&token)),
        client_id: Set(client_id.to_string()),
        account_id: Set(account_id),
        scope: Set(scope.to_string()),
        issued_at: Set(now),
        expires_at: Set(expires_at),
    }
    .insert(db)
    .await?;
    Ok(token)
}

/// A push API token that has not expired.
pub async fn live_api_token(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<api_token::Model>, StorageError> {
    let found = api_token::Entity::find_by_id(digest(token)).one(db).await?;
    Ok(found.filter(|t| t.expires_at > now))
}

/// An access token that is neither expired nor revoked, and whose session is still open.
pub async fn live_token(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<hub_token::Model>, StorageError> {
    let Some(t) = hub_token::Entity::find_by_id(digest(token)).one(db).await? else { return Ok(None) };
    if t.revoked_at.is_some() || t.expires_at <= now {
        return Ok(None);
    }
    let open = super::entity::session::Entity::find_by_id(t.session_id.clone()).one(db).await?.is_some();
    Ok(open.then_some(t))
}

/// Revokes a token of this client (RFC 7009: someone else's token is left alone, silently).
pub async fn revoke_token(
    db: &impl ConnectionTrait,
    token: &str,
    client_id: &str,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    hub_token::Entity::update_many()
        .col_expr(hub_token::Column::RevokedAt, Expr::value(now))
        .filter(hub_token::Column::TokenHash.eq(digest(token)))
        .filter(hub_token::Column::ClientId.eq(client_id))
        .exec(db)
        .await?;
    Ok(())
}

/// Remembers a client assertion's `jti` until it expires; false when it was used before.
pub async fn use_assertion(
    db: &impl ConnectionTrait,
    client_id: &str,
    jti: &str,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<bool, StorageError> {
    hub_used_assertion::Entity::delete_many().filter(hub_used_assertion::Column::ExpiresAt.lt(now)).exec(db).await?;
    let inserted = hub_used_assertion::Entity::insert(hub_used_assertion::ActiveModel {
        client_id: Set(client_id.to_string()),
        jti: Set(jti.to_string()),
        expires_at: Set(expires_at),
    })
    .on_conflict(
        OnConflict::columns([hub_used_assertion::Column::ClientId, hub_used_assertion::Column::Jti])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(db)
    .await?;
    Ok(inserted == 1)
}

/// Notes that a session signed in to a service (for single logout and the account page),
/// and that the consent was used.
pub async fn record_sign_in(
    db: &impl ConnectionTrait,
    session_id: &str,
    account_id: i32,
    client_id: &str,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<(), StorageError> {
    hub_session_service::Entity::insert(hub_session_service::ActiveModel {
        session_id: Set(session_id.to_string()),
        client_id: Set(client_id.to_string()),
        subject: Set(subject.to_string()),
        first_at: Set(now),
        last_at: Set(now),
    })
    .on_conflict(
        OnConflict::columns([hub_session_service::Column::SessionId, hub_session_service::Column::ClientId])
            .update_column(hub_session_service::Column::LastAt)
            .to_owned(),
    )
    .exec(db)
    .await?;
    hub_consent::Entity::update_many()
        .col_expr(hub_consent::Column::LastUsedAt, Expr::value(now))
        .filter(hub_consent::Column::AccountId.eq(account_id))
        .filter(hub_consent::Column::ClientId.eq(client_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The services a session signed in to.
pub async fn session_services(
    db: &impl ConnectionTrait,
    session_id: &str,
) -> Result<Vec<hub_session_service::Model>, StorageError> {
    Ok(hub_session_service::Entity::find()
        .filter(hub_session_service::Column::SessionId.eq(session_id))
        .order_by_asc(hub_session_service::Column::FirstAt)
        .all(db)
        .await?)
}
