//! The demo set shipped inside the binary (see `server/demo/README.md`): real procedures,
//! one province with its communes, and announcements about the portal. Loaded by
//! `motcua serve --demo` or on the first start with an empty database.

use chrono::{DateTime, Utc};
use motcua_app::domain::AgencyLevel;
use motcua_search::normalize::normalize;
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use super::{ImportError, ImportReport, admin_units, gunzip_if_needed, import_procedures};
use crate::storage::agencies::{self, AgencyInput};
use crate::storage::documents::{self, DocumentInput};
use crate::text::paragraphs_to_html;

const PROCEDURES: &[u8] = include_bytes!("../../demo/procedures.jsonl.gz");
const ADMIN_UNITS: &[u8] = include_bytes!("../../demo/admin-units.json");
const ANNOUNCEMENTS: &[u8] = include_bytes!("../../demo/announcements.json");

#[derive(Deserialize)]
struct DemoAnnouncement {
    slug: String,
    title: String,
    summary: String,
    body: String,
    published_at: DateTime<chrono::FixedOffset>,
    agency: String,
}

/// Loads the whole demo set; idempotent.
pub async fn load(db: &DatabaseConnection) -> Result<ImportReport, ImportError> {
    admin_units::import(db, ADMIN_UNITS).await?;
    let data = gunzip_if_needed(PROCEDURES.to_vec())
        .map_err(|source| ImportError::Read { path: "demo/procedures.jsonl.gz".into(), source })?;
    let mut report = import_procedures(db, &data, false).await?;
    let announcements: Vec<DemoAnnouncement> =
        serde_json::from_slice(ANNOUNCEMENTS).map_err(|e| ImportError::Format(format!("demo announcements: {e}")))?;
    for a in announcements {
        let now = Utc::now();
        let agency_name = normalize(&a.agency);
        let agency_id = agencies::ensure(
            db,
            &AgencyInput {
                slug: motcua_search::normalize::slugify(&agency_name),
                name: agency_name,
                level: AgencyLevel::Other,
                parent_id: None,
                admin_code: None,
                website: None,
            },
            now,
        )
        .await?;
        let body = normalize(&a.body);
        let input = DocumentInput {
            kind: "announcement".into(),
            agency_id,
            title: normalize(&a.title),
            summary: normalize(&a.summary),
            body_html: paragraphs_to_html(&body),
            body_text: body,
            path: format!("/tin-tuc/{}", a.slug),
            origin_key: format!("motcua:demo:{}", a.slug),
            origin_url: None,
            published_at: Some(a.published_at.with_timezone(&Utc)),
            state: "published".into(),
            procedure: None,
        };
        report.count(documents::upsert(db, &input, now).await?);
    }
    Ok(report)
}
