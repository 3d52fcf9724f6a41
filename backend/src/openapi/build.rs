//! Turns the endpoint tables into utoipa's OpenAPI objects: operations with their parameters,
//! bodies and answers; every error answer's body is `ErrorBody` (its `code` the `ErrorCode`
//! string enum) or a body that extends it.

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, Parameter, ParameterBuilder, ParameterIn, PathItem,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::security::SecurityRequirement;
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, ResponseBuilder};

use super::model::{Answer, Content, Endpoint, Method, Param, Schemas, Session};

/// The name of the session cookie's security scheme.
pub const SESSION_SCHEME: &str = "sessionCookie";

/// The path item of one endpoint, registering the schemas it uses.
pub fn path_item(endpoint: &Endpoint, schemas: &mut Schemas) -> PathItem {
    let method = match endpoint.method {
        Method::Get => HttpMethod::Get,
        Method::Post => HttpMethod::Post,
        Method::Put => HttpMethod::Put,
        Method::Delete => HttpMethod::Delete,
    };
    let mut operation = OperationBuilder::new()
        .tag(endpoint.tag)
        .operation_id(Some(endpoint.operation_id))
        .summary(Some(endpoint.summary))
        .description(Some(endpoint.description).filter(|text| !text.is_empty()));
    operation = match endpoint.session {
        Session::None => operation,
        Session::Required => operation.security(session()),
        Session::Optional => operation.security(SecurityRequirement::default()).security(session()),
    };
    for param in endpoint.params {
        operation = operation.parameter(parameter(param, schemas));
    }
    if let Some(body) = endpoint.request {
        let mut request = RequestBodyBuilder::new().required(Some(Required::True));
        if let Some((content_type, schema)) = content(body, schemas) {
            request = request.content(content_type, ContentBuilder::new().schema(Some(schema)).build());
        }
        operation = operation.request_body(Some(request.build()));
    }
    for answer in endpoint.answers.iter().chain(endpoint.errors) {
        operation = operation.response(answer.status.to_string(), response(answer, schemas));
    }
    PathItem::new(method, operation)
}

fn session() -> SecurityRequirement {
    SecurityRequirement::new(SESSION_SCHEME, Vec::<String>::new())
}

fn response(answer: &Answer, schemas: &mut Schemas) -> utoipa::openapi::Response {
    let mut response = ResponseBuilder::new().description(answer.description);
    if let Some((content_type, schema)) = content(answer.body, schemas) {
        response = response.content(content_type, ContentBuilder::new().schema(Some(schema)).build());
    }
    let integer = || ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(1));
    match answer.status {
        429 | 503 => response.header(
            "Retry-After",
            HeaderBuilder::new()
                .schema(integer())
                .description(Some("Seconds to wait before the next request will be accepted."))
                .build(),
        ),
        405 => response.header(
            "Allow",
            HeaderBuilder::new()
                .schema(ObjectBuilder::new().schema_type(Type::String))
                .description(Some("The methods this path accepts, e.g. `GET,HEAD` or `POST`."))
                .build(),
        ),
        _ => response,
    }
    .build()
}

/// The content type and schema of a body, if it has one.
fn content(body: Content, schemas: &mut Schemas) -> Option<(&'static str, RefOr<Schema>)> {
    match body {
        Content::None => None,
        Content::Json(register) => {
            Some(("application/json", RefOr::Ref(Ref::from_schema_name(register(schemas)))))
        }
        Content::AnyJson => Some(("application/json", ObjectBuilder::new().schema_type(Type::Object).into())),
        Content::Bytes => Some((
            "application/octet-stream",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(
                    utoipa::openapi::KnownFormat::Binary,
                )))
                .into(),
        )),
    }
}

fn parameter(param: &Param, schemas: &mut Schemas) -> Parameter {
    use coffer_shared::crypto::file_meta::FileId;
    use coffer_shared::id::{RecordId, SessionId, ShareId};
    use coffer_shared::token::{DownloadToken, UploadToken};

    use super::model::json;

    let named = |name: String| -> RefOr<Schema> { RefOr::Ref(Ref::from_schema_name(name)) };
    let bad_id = "Anything else than 22 characters of canonical base64url gets 400 `invalid_id`.";
    let (name, place, required, description, schema): (&str, ParameterIn, bool, String, RefOr<Schema>) =
        match *param {
            Param::ShareId => (
                "id",
                ParameterIn::Path,
                true,
                format!("The share's id. {bad_id}"),
                named(json::<ShareId>(schemas)),
            ),
            Param::FileId => (
                "id",
                ParameterIn::Path,
                true,
                format!("The file's id. {bad_id}"),
                named(json::<FileId>(schemas)),
            ),
            Param::RecordId => (
                "id",
                ParameterIn::Path,
                true,
                format!("The record's id. {bad_id}"),
                named(json::<RecordId>(schemas)),
            ),
            Param::SessionId => (
                "id",
                ParameterIn::Path,
                true,
                format!("A session's public `id` from `GET /api/v1/sessions`. {bad_id}"),
                named(json::<SessionId>(schemas)),
            ),
            Param::ChunkIndex => (
                "index",
                ParameterIn::Path,
                true,
                "The chunk's index, from 0; at or past the chunk count is 422 `invalid_chunk`.".into(),
                ObjectBuilder::new().schema_type(Type::Integer).minimum(Some(0)).into(),
            ),
            Param::Csrf | Param::OptionalCsrf => (
                coffer_shared::api::CSRF_HEADER,
                ParameterIn::Header,
                matches!(param, Param::Csrf),
                if matches!(param, Param::Csrf) {
                    "The session's `csrf_token` from `SessionInfo`. Every state-changing request that \
                     relies on the session cookie MUST carry it; a missing or wrong one gets 403 `csrf` \
                     (after the session itself is checked: no live session is 401)."
                } else {
                    "The session's `csrf_token`. Required when the request carries a live session \
                     cookie (403 `csrf` otherwise); ignored without one."
                }
                .into(),
                ObjectBuilder::new().schema_type(Type::String).into(),
            ),
            Param::UploadToken => (
                "X-Coffer-Upload-Token",
                ParameterIn::Header,
                true,
                "base64url of the file's 32-byte upload token.".into(),
                named(json::<UploadToken>(schemas)),
            ),
            Param::ChunkSha256 => (
                "X-Coffer-Chunk-Sha256",
                ParameterIn::Header,
                true,
                "base64url of SHA-256 over the body.".into(),
                ObjectBuilder::new().schema_type(Type::String).into(),
            ),
            Param::DownloadToken => (
                "X-Coffer-Download-Token",
                ParameterIn::Header,
                true,
                "A claim's `download_token`.".into(),
                named(json::<DownloadToken>(schemas)),
            ),
            Param::Range => (
                "Range",
                ParameterIn::Header,
                false,
                "`bytes=<from>-` continues a broken download (206); other forms are ignored.".into(),
                ObjectBuilder::new().schema_type(Type::String).into(),
            ),
            Param::Query { name, description, schema } => {
                (name, ParameterIn::Query, false, description.into(), query_schema(schema))
            }
        };
    ParameterBuilder::new()
        .name(name)
        .parameter_in(place)
        .required(if required { Required::True } else { Required::False })
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

/// A query parameter's schema, written as JSON in the tables.
fn query_schema(json: &str) -> RefOr<Schema> {
    // The tables are constants checked by the test that compares the document; a typo there
    // fails it rather than a request.
    serde_json::from_str(json).unwrap_or_else(|_| RefOr::T(Schema::default()))
}
