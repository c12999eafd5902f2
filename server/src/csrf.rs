//! CSRF tokens for every state-changing form: a keyed hash of the session, so a token is good for
//! its session only and needs no storage. The key is made once and kept in the database,
//! shared by every node.

use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};
use sha2::{Digest, Sha256};

use crate::storage::StorageError;
use crate::storage::entity::hub_setting;

async fn key(db: &impl ConnectionTrait) -> Result<String, StorageError> {
    if let Some(k) = hub_setting::Entity::find_by_id("csrf_key").one(db).await? {
        return Ok(k.value);
    }
    let made = crate::storage::identity::random_token()?;
    // Two nodes racing: the second insert fails and both read the winner's key.
    let _ = hub_setting::ActiveModel { name: Set("csrf_key".into()), value: Set(made) }.insert(db).await;
    Ok(hub_setting::Entity::find_by_id("csrf_key").one(db).await?.map(|k| k.value).unwrap_or_default())
}

/// The form token of a session.
pub async fn token(db: &impl ConnectionTrait, session_id: &str) -> Result<String, StorageError> {
    let key = key(db).await?;
    Ok(hex::encode(Sha256::digest(format!("{key}\ncsrf\n{session_id}").as_bytes())))
}

/// Whether a form's token is its session's (compared in constant time).
pub async fn check(db: &impl ConnectionTrait, session_id: &str, sent: Option<&str>) -> Result<bool, StorageError> {
    let Some(sent) = sent else { return Ok(false) };
    let expected = token(db, session_id).await?;
    Ok(crate::storage::identity::same_secret(sent, &expected))
}
