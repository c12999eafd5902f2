//! The audit log: one insert per event, never an update or a delete.

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

use super::StorageError;
use super::entity::audit_entry;

/// One event to record.
#[derive(Clone, Debug)]
pub struct Event<'a> {
    /// Who: `account:ID`, `cli`, `service:CLIENT`.
    pub actor: String,
    /// What: `sign_in`, `sign_out`, `consent.give`, `role.grant`, …
    pub action: &'a str,
    /// On what.
    pub target: Option<String>,
    /// The particulars.
    pub detail: serde_json::Value,
    /// From where.
    pub source_ip: Option<String>,
}

/// Appends an event.
pub async fn record(db: &impl ConnectionTrait, event: Event<'_>, now: DateTime<Utc>) -> Result<(), StorageError> {
    audit_entry::ActiveModel {
        at: Set(now),
        actor: Set(event.actor),
        action: Set(event.action.to_string()),
        target: Set(event.target),
        detail: Set(event.detail.to_string()),
        source_ip: Set(event.source_ip),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// What to read back.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Only this action, or actions under it (`role` matches `role.grant`).
    pub action: Option<String>,
    /// Only this actor.
    pub actor: Option<String>,
    /// At most this many, newest first.
    pub limit: u64,
}

/// The latest events matching `filter`, newest first.
pub async fn list(db: &impl ConnectionTrait, filter: &Filter) -> Result<Vec<audit_entry::Model>, StorageError> {
    let mut query = audit_entry::Entity::find().order_by_desc(audit_entry::Column::Id).limit(Ord::max(filter.limit, 1));
    if let Some(action) = &filter.action {
        query = query.filter(
            audit_entry::Column::Action
                .eq(action.clone())
                .or(audit_entry::Column::Action.starts_with(format!("{action}."))),
        );
    }
    if let Some(actor) = &filter.actor {
        query = query.filter(audit_entry::Column::Actor.eq(actor.clone()));
    }
    Ok(query.all(db).await?)
}
