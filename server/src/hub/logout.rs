//! Single logout: when a portal session ends (signed out here, at a service, or at the
//! national login), every service it signed in to receives a back-channel logout token
//! (OpenID Connect Back-Channel Logout 1.0). Each delivery is a row; each attempt is
//! recorded on it; failures are retried with doubling delays, and deliveries left over by a
//! restart are resumed.

use std::sync::Arc;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use openidconnect::PrivateSigningKey;
use openidconnect::core::CoreJsonWebKey;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};
use serde::Deserialize;

use super::services::{self, Service};
use super::{Hub, HubError, keys};
use crate::identity::jws;
use crate::storage::entity::{hub_logout_delivery, hub_session_service};

/// The event a logout token carries.
const LOGOUT_EVENT: &str = "http://schemas.openid.net/event/backchannel-logout";
/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: i32 = 6;
/// The first retry's delay; each next one doubles.
const FIRST_RETRY: Duration = Duration::seconds(2);

/// A logout token for one service, signed with the algorithm it registered.
pub async fn logout_token(
    hub: &Hub,
    db: &DatabaseConnection,
    service: &Service,
    subject: &str,
    sid: &str,
    now: DateTime<Utc>,
) -> Result<String, HubError> {
    let key = keys::signing(db, &hub.kek, &service.id_token_alg).await?;
    let public = key.as_verification_key();
    let header = serde_json::json!({
        "alg": service.id_token_alg,
        "kid": openidconnect::JsonWebKey::key_id(&public).map(|k| k.as_str().to_string()),
        "typ": "logout+jwt",
    });
    let claims = serde_json::json!({
        "iss": hub.issuer,
        "aud": service.client_id,
        "iat": now.timestamp(),
        "exp": (now + Duration::minutes(2)).timestamp(),
        "jti": crate::storage::identity::random_token().map_err(|e| HubError::Crypto(e.to_string()))?,
        "sub": subject,
        "sid": sid,
        "events": { LOGOUT_EVENT: {} },
    });
    let encode = |v: &serde_json::Value| serde_json::to_vec(v).map(|b| URL_SAFE_NO_PAD.encode(b));
    let message = format!(
        "{}.{}",
        encode(&header).map_err(|e| HubError::Crypto(e.to_string()))?,
        encode(&claims).map_err(|e| HubError::Crypto(e.to_string()))?
    );
    let signature = key.sign(&key.algorithm(), message.as_bytes()).map_err(|e| HubError::Crypto(e.to_string()))?;
    Ok(format!("{message}.{}", URL_SAFE_NO_PAD.encode(signature)))
}

/// Tells every service a session signed in to that it has ended: queues one delivery per
/// service with a back-channel logout URI and starts delivering. Returns the services told.
pub async fn fan_out(hub: &Arc<Hub>, db: &DatabaseConnection, session_id: &str) -> Result<Vec<String>, HubError> {
    let now = Utc::now();
    let signed_in = hub_session_service::Entity::find()
        .filter(hub_session_service::Column::SessionId.eq(session_id))
        .all(db)
        .await?;
    let sid = super::sid_of(session_id);
    let mut told = Vec::new();
    for row in signed_in {
        let Some(service) = services::find(db, &row.client_id).await? else { continue };
        let Some(uri) = service.backchannel_logout_uri.clone() else { continue };
        let token = logout_token(hub, db, &service, &row.subject, &sid, now).await?;
        let delivery = hub_logout_delivery::ActiveModel {
            client_id: Set(service.client_id.clone()),
            uri: Set(uri),
            logout_token: Set(token),
            attempts: Set(0),
            last_status: Set(None),
            last_error: Set(None),
            next_at: Set(Some(now)),
            delivered_at: Set(None),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        told.push(service.client_id);
        tokio::spawn(deliver(hub.clone(), db.clone(), delivery.id));
    }
    hub_session_service::Entity::delete_many()
        .filter(hub_session_service::Column::SessionId.eq(session_id))
        .exec(db)
        .await?;
    Ok(told)
}

/// Delivers one logout token, retrying with doubling delays; every attempt is written down.
pub async fn deliver(hub: Arc<Hub>, db: DatabaseConnection, id: i32) {
    loop {
        let Ok(Some(row)) = hub_logout_delivery::Entity::find_by_id(id).one(&db).await else { return };
        if row.delivered_at.is_some() || row.next_at.is_none() {
            return;
        }
        if let Some(wait) = row.next_at.and_then(|t| (t - Utc::now()).to_std().ok()) {
            tokio::time::sleep(wait).await;
        }
        let sent = hub.http.post(&row.uri).form(&[("logout_token", row.logout_token.as_str())]).send().await;
        let attempts = row.attempts + 1;
        let now = Utc::now();
        let mut update: hub_logout_delivery::ActiveModel = row.into();
        update.attempts = Set(attempts);
        let delivered = match sent {
            Ok(r) => {
                update.last_status = Set(Some(i32::from(r.status().as_u16())));
                let ok = r.status().is_success();
                if !ok {
                    let body = r.text().await.unwrap_or_default();
                    update.last_error = Set(Some(body.chars().take(500).collect()));
                }
                ok
            }
            Err(e) => {
                update.last_error = Set(Some(e.to_string()));
                false
            }
        };
        if delivered {
            update.delivered_at = Set(Some(now));
            update.next_at = Set(None);
        } else if attempts >= MAX_ATTEMPTS {
            update.next_at = Set(None);
            tracing::warn!(delivery = id, "back-channel logout given up after {attempts} attempts");
        } else {
            update.next_at = Set(Some(now + FIRST_RETRY * 2i32.pow(u32::try_from(attempts - 1).unwrap_or(0))));
        }
        if let Err(e) = update.update(&db).await {
            tracing::error!(delivery = id, "cannot record a logout delivery: {e}");
            return;
        }
        if delivered || attempts >= MAX_ATTEMPTS {
            return;
        }
    }
}

/// The latest deliveries, newest first, of one service or all.
pub async fn recent(
    db: &DatabaseConnection,
    client_id: Option<&str>,
    limit: u64,
) -> Result<Vec<hub_logout_delivery::Model>, HubError> {
    use sea_orm::{QueryOrder, QuerySelect};
    let mut query = hub_logout_delivery::Entity::find().order_by_desc(hub_logout_delivery::Column::Id).limit(limit);
    if let Some(id) = client_id {
        query = query.filter(hub_logout_delivery::Column::ClientId.eq(id));
    }
    Ok(query.all(db).await?)
}

/// Resumes deliveries a restart interrupted.
pub async fn resume(hub: Arc<Hub>, db: DatabaseConnection) {
    let pending =
        hub_logout_delivery::Entity::find().filter(hub_logout_delivery::Column::NextAt.is_not_null()).all(&db).await;
    match pending {
        Ok(rows) => {
            for row in rows {
                tokio::spawn(deliver(hub.clone(), db.clone(), row.id));
            }
        }
        Err(e) => tracing::error!("cannot resume logout deliveries: {e}"),
    }
}

#[derive(Deserialize)]
struct HintClaims {
    iss: Option<String>,
    aud: Option<serde_json::Value>,
}

/// The service an `id_token_hint` was issued to, if the hub signed it (expired hints are
/// accepted, as the specification allows).
pub async fn hinted_client(hub: &Hub, db: &DatabaseConnection, hint: &str) -> Result<String, String> {
    let token: jws::Compact<HintClaims> = jws::parse(hint)?;
    let alg = token.algorithm(&keys::ALGORITHMS.map(str::to_string))?;
    let published =
        keys::published(db, hub.token_lifetime.max(keys::RETIRED_KEPT), Utc::now()).await.map_err(|e| e.to_string())?;
    let keys: Vec<CoreJsonWebKey> = published.into_iter().filter_map(|k| serde_json::from_value(k).ok()).collect();
    if token.verify(&alg, &keys) != jws::Verdict::Verified {
        return Err("id_token_hint is not signed by the hub".into());
    }
    if token.claims.iss.as_deref() != Some(&hub.issuer) {
        return Err("id_token_hint was issued by someone else".into());
    }
    jws::audiences(token.claims.aud).into_iter().next().ok_or_else(|| "id_token_hint has no audience".into())
}

/// Where the citizen goes once the national login has signed them out too: a service's
/// registered post-logout URI and its `state`, carried through the national login's `state`.
pub fn carry_destination(to: &str, state: Option<&str>) -> String {
    URL_SAFE_NO_PAD.encode(serde_json::json!({ "to": to, "state": state }).to_string())
}

/// The destination [`carry_destination`] carried, if it is still a registered post-logout
/// URI of some service (so the national login's `state` cannot be made an open redirect).
pub async fn carried_destination(db: &DatabaseConnection, carried: &str) -> Result<Option<String>, HubError> {
    let Some(value) =
        URL_SAFE_NO_PAD.decode(carried).ok().and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok())
    else {
        return Ok(None);
    };
    let Some(to) = value["to"].as_str() else { return Ok(None) };
    let registered = services::list(db).await?.iter().any(|s| s.post_logout_redirect_uris.iter().any(|u| u == to));
    if !registered {
        return Ok(None);
    }
    Ok(Some(with_state(to, value["state"].as_str())))
}

/// A post-logout URI with the service's `state` added.
pub fn with_state(to: &str, state: Option<&str>) -> String {
    match (url::Url::parse(to), state) {
        (Ok(mut url), Some(s)) => {
            url.query_pairs_mut().append_pair("state", s);
            url.to_string()
        }
        _ => to.to_string(),
    }
}
