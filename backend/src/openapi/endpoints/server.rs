//! The endpoints of the server's limits, this document and the health checks, as the OpenAPI document describes them.

use coffer_shared::api::ServerConfig;
use coffer_shared::api::paths::route;

use super::super::answers::{INTERNAL, METHOD_NOT_ALLOWED};
use super::super::model::{Answer, Content, Endpoint, Method, Session, json};

/// In the order the document lists them.
pub(in crate::openapi) const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: Method::Get,
        route: route::CONFIG,
        prefixed: true,
        operation_id: "getConfig",
        tag: "server",
        summary: "The limits this server enforces",
        description: "The create form MUST respect these values. No body, no rate limit.",
        session: Session::None,
        params: &[],
        request: None,
        answers: &[
            Answer {
                status: 200,
                description: "The server's limits.",
                body: Content::Json(json::<ServerConfig>),
            },
            METHOD_NOT_ALLOWED,
        ],
        errors: &[],
    },
    Endpoint {
        method: Method::Get,
        route: route::OPENAPI,
        prefixed: true,
        operation_id: "getOpenApi",
        tag: "server",
        summary: "This document",
        description: "The OpenAPI 3.1 description of the API, compiled into the server from `docs/openapi.json`. No rate limit.",
        session: Session::None,
        params: &[],
        request: None,
        answers: &[
            Answer { status: 200, description: "The OpenAPI document.", body: Content::AnyJson },
            METHOD_NOT_ALLOWED,
        ],
        errors: &[],
    },
    Endpoint {
        method: Method::Get,
        route: "/healthz",
        prefixed: false,
        operation_id: "getHealth",
        tag: "server",
        summary: "Liveness and database check",
        description: "200 when the process is up and the database answers a read. Outside `/api/v1`; no rate limit. For load balancers and orchestrators.",
        session: Session::None,
        params: &[],
        request: None,
        answers: &[
            Answer { status: 200, description: "Healthy.", body: Content::AnyJson },
            Answer {
                status: 405,
                description: "Any method other than GET or HEAD. Unlike the API, this answer has an empty body; `Allow` lists the methods.",
                body: Content::None,
            },
            INTERNAL,
        ],
        errors: &[],
    },
    Endpoint {
        method: Method::Get,
        route: "/readyz",
        prefixed: false,
        operation_id: "getReady",
        tag: "server",
        summary: "Readiness: the server can take writes",
        description: "200 when the database answers, a file can be written in the data folder, and the file systems of the data folder and of the files keep more than `--min-free-disk`. Worked out at most once every 2 seconds, however often it is asked. Outside `/api/v1`; no rate limit; also served by the `--redirect-http` listener. For load balancers and orchestrators.",
        session: Session::None,
        params: &[],
        request: None,
        answers: &[
            Answer { status: 200, description: "Ready: `{\"status\": \"ready\"}`.", body: Content::AnyJson },
            Answer {
                status: 405,
                description: "Any method other than GET or HEAD. Unlike the API, this answer has an empty body; `Allow` lists the methods.",
                body: Content::None,
            },
            Answer {
                status: 503,
                description: "Not ready: `{\"status\": \"unready\"}`. The server's log names the failed checks (`not_ready`: `database`, `data_dir_writable`, `data_dir_space`, `blob_space`).",
                body: Content::AnyJson,
            },
        ],
        errors: &[],
    },
];
