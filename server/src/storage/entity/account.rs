//! `accounts`: a citizen as one login provider knows them. Keyed by the provider's issuer
//! and subject and never merged across providers: two providers' word that two people are
//! one is not the portal's to give.

use sea_orm::entity::prelude::*;

/// An account row.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "accounts")]
pub struct Model {
    /// Surrogate key.
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The provider's issuer.
    pub issuer: String,
    /// The provider's subject identifier for this citizen.
    pub subject: String,
    /// Id of the configured provider last used ("vneid").
    pub provider_id: String,
    /// Full name, as the provider gave it.
    pub name: Option<String>,
    /// Birth date, as the provider gave it (ISO 8601).
    pub birth_date: Option<String>,
    /// Citizen id number (số định danh cá nhân).
    pub citizen_id: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Assurance level of the last sign-in (1 low, 2 substantial, 3 high).
    pub assurance_level: i32,
    /// First sign-in.
    pub created_at: DateTimeUtc,
    /// Last sign-in.
    pub last_login_at: DateTimeUtc,
}

/// Relations of `accounts`.
#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
