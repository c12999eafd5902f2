//! `/api/v1`: search and procedures as JSON, for departments' systems and apps.

use axum::extract::{Path, RawQuery, State};
use axum::routing::get;
use axum::{Json, Router};
use motcua_app::domain::{FacetValue, Procedure};
use motcua_app::params::{UnknownParams, parse_completion_params, parse_search_params};
use motcua_app::ports::PortalBackend;
use serde::Serialize;

use super::AppState;
use super::error::ApiError;
use crate::portal::Completions;

/// The API's routes, with their state applied.
pub fn routes(state: AppState) -> axum::Router {
    Router::new()
        .route("/api/v1/search", get(search_get))
        .route("/api/v1/suggest", get(suggest_get))
        .route("/api/v1/procedures/{code}", get(procedure_get))
        .route("/api/{*rest}", get(api_not_found).post(api_not_found))
        .with_state(state)
}

/// One hit of `GET /api/v1/search`.
#[derive(Serialize)]
pub struct ApiHit {
    id: i64,
    kind: &'static str,
    title: String,
    title_html: String,
    url: String,
    agency: String,
    agency_name: String,
    code: Option<String>,
    topic: Option<String>,
    snippet: String,
    pinned: bool,
}

/// Facet counts of `GET /api/v1/search`.
#[derive(Serialize)]
pub struct ApiFacets {
    kind: Vec<FacetValue>,
    agency: Vec<FacetValue>,
    level: Vec<FacetValue>,
    topic: Vec<FacetValue>,
    year: Vec<FacetValue>,
}

/// The body of `GET /api/v1/search`.
#[derive(Serialize)]
pub struct ApiSearchResponse {
    total: u64,
    /// `total` and the facet counts are estimates (the query matched too many documents to
    /// count them all at once).
    estimated: bool,
    page: u32,
    per_page: u32,
    relaxed: bool,
    suggestion: Option<String>,
    hits: Vec<ApiHit>,
    facets: ApiFacets,
}

/// `GET /api/v1/search?q=…&kind=…&agency=…&level=…&topic=…&year=…&page=…&per_page=…`; unknown or malformed
/// parameters answer 400 naming the parameter.
async fn search_get(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<ApiSearchResponse>, ApiError> {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    let params = parse_search_params(&pairs, UnknownParams::Reject).map_err(ApiError::InvalidParameter)?;
    let page = state.portal.search(&params).await?;
    Ok(Json(ApiSearchResponse {
        total: page.total,
        estimated: page.estimated,
        page: params.page,
        per_page: params.per_page,
        relaxed: page.relaxed,
        suggestion: page.suggestion,
        hits: page
            .hits
            .into_iter()
            .map(|h| ApiHit {
                id: h.id,
                kind: h.kind.as_str(),
                title: h.title,
                title_html: h.title_html,
                url: h.url,
                agency: h.agency,
                agency_name: h.agency_name,
                code: h.code,
                topic: h.topic,
                snippet: h.snippet_html,
                pinned: h.pinned,
            })
            .collect(),
        facets: ApiFacets {
            kind: page.kind_facets,
            agency: page.agency_facets,
            level: page.level_facets,
            topic: page.topic_facets,
            year: page.year_facets,
        },
    }))
}

/// `GET /api/v1/suggest?q=…`: completions for the search box, frequent queries then titles.
async fn suggest_get(State(state): State<AppState>, RawQuery(query): RawQuery) -> Result<Json<Completions>, ApiError> {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    let prefix = parse_completion_params(&pairs).map_err(ApiError::InvalidParameter)?;
    Ok(Json(state.portal.complete(&prefix).await?))
}

/// `GET /api/v1/procedures/{code}`: one published procedure with every field.
async fn procedure_get(State(state): State<AppState>, Path(code): Path<String>) -> Result<Json<Procedure>, ApiError> {
    match state.portal.procedure(&code).await? {
        Some(p) => Ok(Json(p)),
        None => Err(ApiError::NotFound(format!("không có thủ tục mã {code}"))),
    }
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound("không có API này".into())
}
