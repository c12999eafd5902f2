//! `/api/v1/openapi.json`: the API's OpenAPI 3 description, generated from the handlers and
//! types themselves (`utoipa`), so it cannot drift from what the code answers. Departments
//! generate their clients from it; CI fuzzes the running portal against it (schemathesis).

use axum::extract::State;
use axum::routing::get;
use axum::{Json, Router};
use utoipa::OpenApi;
use utoipa::openapi::security::{ClientCredentials, Flow, OAuth2, Scopes, SecurityScheme};
use utoipa::openapi::server::Server;

use super::AppState;
use super::error::{ErrorBody, ErrorDetail};
use super::{api, push_api};
use crate::hub::token::API_SCOPE;

/// The description, less what depends on where the portal runs.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Một Cửa API",
        description = "Tìm kiếm và gửi tin vào Cổng. Gửi tin cần mã truy cập lấy từ /oidc/token \
                       (grant_type=client_credentials) bằng tài khoản máy của cơ quan.",
    ),
    paths(
        api::search_get,
        api::suggest_get,
        api::procedure_get,
        push_api::list,
        push_api::show,
        push_api::put,
        push_api::publish,
        push_api::unpublish,
    ),
    components(schemas(
        ErrorBody,
        api::ApiSearchResponse,
        api::ApiCompletions,
        ErrorDetail,
        push_api::AnnouncementInput,
        push_api::PublishInput,
        push_api::UnpublishInput,
        push_api::Announcement,
        push_api::AnnouncementState,
        push_api::AnnouncementList,
    )),
    tags(
        (name = "search", description = "Procedures and announcements, as citizens search them"),
        (name = "publishing", description = "A department's own system publishes into the portal"),
    ),
)]
struct ApiDoc;

/// The description for a portal at `public_url`: its server address and token endpoint.
pub fn document(public_url: &str) -> serde_json::Value {
    let base = public_url.trim_end_matches('/');
    let mut doc = ApiDoc::openapi();
    doc.info.version = "1".into();
    doc.servers = Some(vec![Server::new(base)]);
    let flow = ClientCredentials::new(
        format!("{base}/oidc/token"),
        Scopes::from_iter([(API_SCOPE, "Soạn, xuất bản và gỡ tin của cơ quan")]),
    );
    let scheme = SecurityScheme::OAuth2(OAuth2::new([Flow::ClientCredentials(flow)]));
    if let Some(components) = doc.components.as_mut() {
        components.add_security_scheme("client_credentials", scheme);
    }
    let mut doc = serde_json::to_value(doc).unwrap_or_default();
    // utoipa carries `deny_unknown_fields` to structs but not to the variants of a tagged
    // enum; the API refuses unknown fields there too, so the document says so.
    if let Some(variants) = doc.pointer_mut("/components/schemas/UnpublishInput/oneOf").and_then(|v| v.as_array_mut()) {
        for variant in variants.iter_mut().filter_map(|v| v.as_object_mut()) {
            variant.insert("additionalProperties".into(), false.into());
        }
    }
    doc
}

/// The route, with its state applied.
pub fn routes(state: AppState) -> Router {
    Router::new().route("/api/v1/openapi.json", get(openapi)).with_state(state)
}

async fn openapi(State(state): State<AppState>) -> Json<serde_json::Value> {
    Json(document(&state.hub.issuer))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_document_names_its_server_token_endpoint_and_closed_request_bodies() {
        let doc = document("https://motcua.hue.gov.vn/");
        assert_eq!(doc["servers"][0]["url"], "https://motcua.hue.gov.vn");
        let flow = &doc["components"]["securitySchemes"]["client_credentials"]["flows"]["clientCredentials"];
        assert_eq!(flow["tokenUrl"], "https://motcua.hue.gov.vn/oidc/token");
        let schemas = &doc["components"]["schemas"];
        // The API refuses unknown fields, so the document must say so.
        assert_eq!(schemas["AnnouncementInput"]["additionalProperties"], false, "{}", schemas["AnnouncementInput"]);
        assert_eq!(schemas["PublishInput"]["additionalProperties"], false);
        for variant in schemas["UnpublishInput"]["oneOf"].as_array().expect("variants") {
            assert_eq!(variant["additionalProperties"], false, "{variant}");
        }
        let redirect = &schemas["UnpublishInput"]["oneOf"][1]["properties"]["redirect_to"]["pattern"];
        assert_eq!(redirect, crate::staff::publishing::REDIRECT_PATTERN, "the API checks what it documents");
        assert_eq!(schemas["AnnouncementInput"]["properties"]["title"]["pattern"], push_api::VISIBLE);
        let put = &doc["paths"]["/api/v1/agencies/{agency}/announcements/{external_id}"]["put"];
        let params = put["parameters"].as_array().expect("parameters");
        assert!(params.iter().all(|p| p["in"] == "path" && p["schema"]["pattern"].is_string()), "{put}");
    }
}
