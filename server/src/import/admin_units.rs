//! The administrative units in force from 1 July 2025: provinces and their communes, as
//! agencies. Levels are data; there is no district level any more.

use chrono::Utc;
use motcua_app::domain::AgencyLevel;
use motcua_search::normalize::{normalize, slugify};
use sea_orm::DatabaseConnection;
use serde::Deserialize;

use super::ImportError;
use crate::storage::agencies::{self, AgencyInput};

#[derive(Deserialize)]
struct UnitsFile {
    provinces: Vec<Province>,
}

#[derive(Deserialize)]
struct Province {
    code: String,
    name: String,
    #[serde(default)]
    communes: Vec<Commune>,
}

#[derive(Deserialize)]
struct Commune {
    code: String,
    name: String,
}

/// Provinces and communes created or updated.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct UnitsReport {
    /// Provinces seen.
    pub provinces: usize,
    /// Communes seen.
    pub communes: usize,
}

/// Upserts every province and commune of the file (the `admin-units-2025.json` shape).
/// Commune slugs carry their province's, since names repeat across provinces.
pub async fn import(db: &DatabaseConnection, data: &[u8]) -> Result<UnitsReport, ImportError> {
    let file: UnitsFile =
        serde_json::from_slice(data).map_err(|e| ImportError::Format(format!("administrative units: {e}")))?;
    let mut report = UnitsReport::default();
    for p in file.provinces {
        let name = normalize(p.name.trim());
        let province_slug = slugify(&name);
        if province_slug.is_empty() {
            return Err(ImportError::Format(format!("province {:?} has no usable name", p.code)));
        }
        let now = Utc::now();
        let province_id = agencies::ensure(
            db,
            &AgencyInput {
                slug: province_slug.clone(),
                name: name.clone(),
                level: AgencyLevel::Province,
                parent_id: None,
                admin_code: Some(p.code.clone()),
                website: None,
            },
            now,
        )
        .await?;
        report.provinces += 1;
        let short = slugify(name.trim_start_matches("Thành phố ").trim_start_matches("Tỉnh "));
        for c in p.communes {
            let commune_name = normalize(c.name.trim());
            let slug = format!("{}-{}", slugify(&commune_name), short);
            agencies::ensure(
                db,
                &AgencyInput {
                    slug,
                    name: commune_name,
                    level: AgencyLevel::Commune,
                    parent_id: Some(province_id),
                    admin_code: Some(c.code),
                    website: None,
                },
                now,
            )
            .await?;
            report.communes += 1;
        }
    }
    Ok(report)
}
