//! The API's OpenAPI 3.1 document, generated from the wire types of `coffer_shared::api` (their
//! schemas, through utoipa) and the endpoint tables in `endpoints/` (routes from
//! `coffer_shared::api::paths`, what each takes and answers). `docs/openapi.json` is its
//! output, written by `coffer-server openapi` and checked by a test; the server serves the same
//! document at `GET /api/v1/openapi.json`.

mod answers;
mod build;
mod endpoints;
mod model;

use coffer_shared::api::paths::PREFIX;
use utoipa::openapi::schema::ComponentsBuilder;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::server::ServerBuilder;
use utoipa::openapi::tag::TagBuilder;
use utoipa::openapi::{InfoBuilder, LicenseBuilder, OpenApi, OpenApiBuilder, PathsBuilder};

/// The conventions and error codes, in Markdown: the document's `info.description`.
const DESCRIPTION: &str = include_str!("info.md");

/// The groups endpoints are listed under, in order, with what each holds.
const TAGS: &[(&str, &str)] = &[
    ("shares", "Create a share, read its status, claim it, destroy it."),
    ("files", "Upload a file's chunk stream, attach it to a share or the vault, download it."),
    ("accounts", "Sign-up, pre-login and sign-in: e-mailed codes, the passphrase proof, the second factor."),
    ("sessions", "The signed-in session: read it, sign out, list and end the account's sessions."),
    ("account", "The signed-in account: authenticator, passphrase, deletion."),
    ("vault", "The signed-in account's vault records, stored as envelopes the server cannot open."),
    (
        "my shares",
        "The shares the signed-in account created: list them with their state, destroy one without its \
         management token.",
    ),
    ("activity", "The signed-in account's security events (docs/audit.md): newest first, filtered, paged."),
    ("server", "The server's limits, this document and the health check."),
];

const SESSION_COOKIE: &str = "The session cookie set by `POST /api/v1/signup` and `POST /api/v1/signin/verify`: \
    base64url of 32 random bytes, `Path=/; Secure; HttpOnly; SameSite=Strict`. A session ends after \
    `COFFER_SESSION_IDLE` seconds without a request (default 1800) and `COFFER_SESSION_MAX` seconds after \
    sign-in (default 43200). No cookie, or a dead session: 401 `unauthenticated`. State-changing requests \
    also need `X-Coffer-CSRF`.";

/// The whole document.
pub fn document() -> OpenApi {
    let mut schemas = model::Schemas::new();
    let mut paths = PathsBuilder::new();
    for endpoint in endpoints::all() {
        let path =
            if endpoint.prefixed { format!("{PREFIX}{}", endpoint.route) } else { endpoint.route.to_owned() };
        paths = paths.path(path, build::path_item(endpoint, &mut schemas));
    }
    // Every error body refers to the codes; listed even where no table names it.
    model::json::<coffer_shared::api::ErrorBody>(&mut schemas);
    let components = ComponentsBuilder::new()
        .schemas_from_iter(schemas)
        .security_scheme(
            build::SESSION_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                "__Host-coffer_session",
                SESSION_COOKIE,
            ))),
        )
        .build();
    let info = InfoBuilder::new()
        .title("Coffer API")
        .version("1")
        .description(Some(DESCRIPTION))
        .license(Some(
            LicenseBuilder::new().name("AGPL-3.0-or-later").identifier(Some("AGPL-3.0-or-later")).build(),
        ))
        .build();
    let server = ServerBuilder::new()
        .url("/")
        .description(Some("The origin that serves the app. Paths below carry the /api/v1 prefix."))
        .build();
    let tags = TAGS.iter().map(|(name, text)| TagBuilder::new().name(*name).description(Some(*text)).build());
    OpenApiBuilder::new()
        .info(info)
        .servers(Some([server]))
        .tags(Some(tags))
        .paths(paths.build())
        .components(Some(components))
        .build()
}

/// The document as `docs/openapi.json` holds it: pretty JSON with a final newline.
pub fn to_json() -> String {
    let mut text = serde_json::to_string_pretty(&document()).unwrap_or_else(|error| {
        // Serializing plain data to a string cannot fail; if it ever did, say so in the document.
        format!("{{\"error\": \"{error}\"}}")
    });
    text.push('\n');
    text
}

#[cfg(test)]
mod tests;
