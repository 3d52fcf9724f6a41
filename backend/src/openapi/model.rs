//! The shape of the endpoint tables in `endpoints/`: what each route takes and answers, with
//! its bodies named by their Rust types so that their schemas come from the types themselves.

use utoipa::ToSchema;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::Schema;

/// Named schemas collected while the document is built (`components.schemas`).
pub type Schemas = Vec<(String, RefOr<Schema>)>;

/// Registers `T`'s schema and those it refers to; returns the name it is referred to by.
pub fn json<T: ToSchema>(schemas: &mut Schemas) -> String {
    let name = T::name().into_owned();
    schemas.push((name.clone(), T::schema()));
    T::schemas(schemas);
    name
}

/// An HTTP method.
#[derive(Debug, Clone, Copy)]
pub enum Method {
    /// `GET` (every GET also answers `HEAD`).
    Get,
    /// `POST`.
    Post,
    /// `PUT`.
    Put,
    /// `DELETE`.
    Delete,
}

/// What a route asks of the session cookie.
#[derive(Debug, Clone, Copy)]
pub enum Session {
    /// Nothing.
    None,
    /// A live session (401 `unauthenticated` without one).
    Required,
    /// Taken when there is one (`POST /shares`).
    Optional,
}

/// A request or response body.
#[derive(Debug, Clone, Copy)]
pub enum Content {
    /// No body.
    None,
    /// `application/json` of a wire type.
    Json(fn(&mut Schemas) -> String),
    /// `application/json` of a small object that has no wire type.
    AnyJson,
    /// `application/octet-stream`: ciphertext.
    Bytes,
}

/// A path, header or query parameter.
#[derive(Debug, Clone, Copy)]
pub enum Param {
    /// `{id}`, a share's id.
    ShareId,
    /// `{id}`, a file's id.
    FileId,
    /// `{id}`, a vault record's id.
    RecordId,
    /// `{id}`, a session's public id.
    SessionId,
    /// `{index}`, a chunk's index.
    ChunkIndex,
    /// `X-Coffer-CSRF`, required.
    Csrf,
    /// `X-Coffer-CSRF`, required only with a live session.
    OptionalCsrf,
    /// `X-Coffer-Upload-Token`.
    UploadToken,
    /// `X-Coffer-Chunk-Sha256`.
    ChunkSha256,
    /// `X-Coffer-Download-Token`.
    DownloadToken,
    /// `Range`.
    Range,
    /// A query parameter; `schema` is its JSON Schema, as JSON.
    Query {
        /// Its name.
        name: &'static str,
        /// What it does.
        description: &'static str,
        /// Its JSON Schema.
        schema: &'static str,
    },
}

/// One possible answer of a route.
#[derive(Debug, Clone, Copy)]
pub struct Answer {
    /// The HTTP status.
    pub status: u16,
    /// When it is sent; for an error, with which codes.
    pub description: &'static str,
    /// Its body (an error's is `ErrorBody` or one of the bodies that extend it).
    pub body: Content,
}

/// One route and method.
#[derive(Debug, Clone, Copy)]
pub struct Endpoint {
    /// The method.
    pub method: Method,
    /// The axum route pattern (`coffer_shared::api::paths::route`).
    pub route: &'static str,
    /// Whether the route lives under `/api/v1` (all but the health check).
    pub prefixed: bool,
    /// A stable name for code generators.
    pub operation_id: &'static str,
    /// The group it is listed under.
    pub tag: &'static str,
    /// One line.
    pub summary: &'static str,
    /// The behaviour, in Markdown.
    pub description: &'static str,
    /// What it needs of the session cookie.
    pub session: Session,
    /// Its parameters.
    pub params: &'static [Param],
    /// Its request body, if it takes one.
    pub request: Option<Content>,
    /// Its own answers, and any shared one from `answers.rs` that its `errors` group lacks.
    pub answers: &'static [Answer],
    /// A group of shared error answers from `answers.rs`; none of its statuses is in `answers`.
    pub errors: &'static [Answer],
}
