//! `/api/v1`: search and procedures as JSON, for departments' systems and apps.

use axum::extract::{Path, RawQuery, State};
use axum::routing::get;
use axum::{Json, Router};
use motcua_app::domain::{FacetValue, Procedure};
use motcua_app::params::{UnknownParams, parse_completion_params, parse_search_params};
use motcua_app::ports::PortalBackend;
use serde::Serialize;
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::error::{ApiError, ErrorBody};

/// The API's routes, with their state applied.
pub fn routes(state: AppState) -> axum::Router {
    Router::new()
        .route("/api/v1/search", get(search_get))
        .route("/api/v1/suggest", get(suggest_get))
        .route("/api/v1/procedures/{code}", get(procedure_get))
        .route("/api/{*rest}", get(api_not_found).post(api_not_found))
        .with_state(state)
}

/// The parameters of `GET /api/v1/search`, as the OpenAPI document tells them. The handler
/// reads the raw query with `parse_search_params` (unknown, repeated or empty parameters are
/// refused); a test holds the two to the same names and limits.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SearchQuery {
    /// What the citizen typed, with or without diacritics; empty lists everything.
    #[param(max_length = 200)]
    q: Option<String>,
    /// `procedure`, `announcement` or `page`.
    #[param(inline)]
    kind: Option<motcua_app::domain::DocumentKind>,
    /// An agency's slug.
    #[param(pattern = r"^[a-z0-9-]{1,100}$")]
    agency: Option<String>,
    /// The level of the agency that carries it out.
    #[param(inline)]
    level: Option<motcua_app::domain::AgencyLevel>,
    /// A field of administration (lĩnh vực), as the facets name it.
    #[param(pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$", max_length = 200)]
    topic: Option<String>,
    /// Year of publication.
    #[param(minimum = 1945, maximum = 2100)]
    year: Option<i32>,
    /// Page of results, from 1.
    #[param(minimum = 1, maximum = 100)]
    page: Option<u32>,
    /// Results per page.
    #[param(minimum = 1, maximum = 50)]
    per_page: Option<u32>,
}

/// The parameter of `GET /api/v1/suggest`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct SuggestQuery {
    /// What has been typed so far.
    #[param(max_length = 200)]
    q: String,
}

/// One hit of `GET /api/v1/search`.
#[derive(Serialize, ToSchema)]
pub struct ApiHit {
    id: i64,
    #[schema(value_type = String)]
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
    /// Shown though it matches no word of the query, as commonly needed with the procedure
    /// of this title (the first hit).
    goes_with: Option<String>,
}

/// Facet counts of `GET /api/v1/search`.
#[derive(Serialize, ToSchema)]
pub struct ApiFacets {
    kind: Vec<FacetValue>,
    agency: Vec<FacetValue>,
    level: Vec<FacetValue>,
    topic: Vec<FacetValue>,
    year: Vec<FacetValue>,
}

/// The body of `GET /api/v1/search`.
#[derive(Serialize, ToSchema)]
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
#[utoipa::path(
    get,
    path = "/api/v1/search",
    tag = "search",
    params(SearchQuery),
    responses(
        (status = 200, description = "Hits, facets and suggestions", body = ApiSearchResponse),
        (status = 400, description = "A parameter is unknown, repeated, empty or malformed; `parameter` names it", body = ErrorBody),
        (status = 503, description = "The portal is failing; try again", body = ErrorBody),
    )
)]
pub(crate) async fn search_get(
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
                goes_with: h.goes_with,
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

/// Completions of `GET /api/v1/suggest`.
#[derive(Serialize, ToSchema)]
pub struct ApiCompletions {
    /// Frequent queries starting with what was typed.
    queries: Vec<String>,
    /// Documents whose titles hold what was typed.
    documents: Vec<ApiCompletion>,
}

/// A document offered while typing.
#[derive(Serialize, ToSchema)]
pub struct ApiCompletion {
    /// Title as published.
    title: String,
    /// Its page on the portal.
    url: String,
    /// `procedure`, `announcement` or `page`.
    kind: String,
    /// A procedure's code.
    code: Option<String>,
}

/// `GET /api/v1/suggest?q=…`: completions for the search box, frequent queries then titles.
#[utoipa::path(
    get,
    path = "/api/v1/suggest",
    tag = "search",
    params(SuggestQuery),
    responses(
        (status = 200, description = "Frequent queries, then titles", body = ApiCompletions),
        (status = 400, description = "`q` is missing, repeated or too long, or another parameter was given", body = ErrorBody),
        (status = 503, description = "The portal is failing; try again", body = ErrorBody),
    )
)]
pub(crate) async fn suggest_get(
    State(state): State<AppState>,
    RawQuery(query): RawQuery,
) -> Result<Json<ApiCompletions>, ApiError> {
    let pairs: Vec<(String, String)> =
        form_urlencoded::parse(query.unwrap_or_default().as_bytes()).into_owned().collect();
    let prefix = parse_completion_params(&pairs).map_err(ApiError::InvalidParameter)?;
    let found = state.portal.complete(&prefix).await?;
    Ok(Json(ApiCompletions {
        queries: found.queries,
        documents: found
            .documents
            .into_iter()
            .map(|d| ApiCompletion { title: d.title, url: d.url, kind: d.kind, code: d.code })
            .collect(),
    }))
}

/// `GET /api/v1/procedures/{code}`: one published procedure with every field.
#[utoipa::path(
    get,
    path = "/api/v1/procedures/{code}",
    tag = "search",
    params(("code" = String, Path, description = "The procedure's code", example = "1.001193")),
    responses(
        (status = 200, description = "The procedure with every field", body = Procedure),
        (status = 404, description = "No published procedure has this code", body = ErrorBody),
        (status = 503, description = "The portal is failing; try again", body = ErrorBody),
    )
)]
pub(crate) async fn procedure_get(
    State(state): State<AppState>,
    Path(code): Path<String>,
) -> Result<Json<Procedure>, ApiError> {
    match state.portal.procedure(&code).await? {
        Some(p) => Ok(Json(p)),
        None => Err(ApiError::NotFound(format!("không có thủ tục mã {code}"))),
    }
}

async fn api_not_found() -> ApiError {
    ApiError::NotFound("không có API này".into())
}

#[cfg(test)]
mod tests {
    use motcua_app::domain::{AgencyLevel, DocumentKind, SearchParams};

    use super::*;

    #[test]
    fn the_documented_parameters_are_the_ones_the_parser_takes() {
        let doc = crate::http::openapi::document("http://127.0.0.1");
        let documented = doc["paths"]["/api/v1/search"]["get"]["parameters"].as_array().cloned().unwrap_or_default();
        let schema =
            |name: &str| documented.iter().find(|p| p["name"] == name).map(|p| p["schema"].clone()).unwrap_or_default();
        let names: Vec<&str> = documented.iter().filter_map(|p| p["name"].as_str()).collect();
        let valid = [
            ("q", "khai sinh"),
            ("kind", "procedure"),
            ("agency", "bo-tu-phap"),
            ("level", "commune"),
            ("topic", "Hộ tịch"),
            ("year", "2026"),
            ("page", "2"),
            ("per_page", "20"),
        ];
        assert_eq!(names, valid.map(|(n, _)| n), "every parameter the parser takes, and no other");
        let pairs: Vec<(String, String)> = valid.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert!(parse_search_params(&pairs, UnknownParams::Reject).is_ok());
        assert_eq!(schema("q")["maxLength"], SearchParams::MAX_QUERY_CHARS);
        assert_eq!(schema("page")["maximum"], SearchParams::MAX_PAGE);
        assert_eq!(schema("per_page")["maximum"], SearchParams::MAX_PER_PAGE);
        let kinds: Vec<&str> = DocumentKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(schema("kind")["enum"], serde_json::json!(kinds));
        let levels: Vec<&str> = AgencyLevel::ALL.iter().map(|l| l.as_str()).collect();
        assert_eq!(schema("level")["enum"], serde_json::json!(levels));
    }
}
