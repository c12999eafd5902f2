//! `sessions`: server-side sessions, so every node knows them and a back-channel logout
//! received by one node ends them everywhere. The id is the SHA-256 of the cookie's value:
//! a copy of the table signs no one in.

use sea_orm::entity::prelude::*;

/// A session row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "sessions")]
pub struct Model {
    /// SHA-256 (hex) of the session cookie's value.
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: String,
    /// Whose.
    pub account_id: i32,
    /// Through which configured provider.
    pub provider_id: String,
    /// The provider's session id (`sid`), which its back-channel logout names.
    pub upstream_sid: Option<String>,
    /// The provider's ID token, sent back as `id_token_hint` at logout.
    #[sea_orm(column_type = "Text", nullable)]
    pub id_token: Option<String>,
    /// Sign-in time.
    pub created_at: DateTimeUtc,
    /// Last request, for the idle timeout.
    pub last_seen_at: DateTimeUtc,
    /// Absolute end.
    pub expires_at: DateTimeUtc,
}

/// Relations of `sessions`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    /// The account.
    #[sea_orm(belongs_to = "super::account::Entity", from = "Column::AccountId", to = "super::account::Column::Id")]
    Account,
}

impl Related<super::account::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Account.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
