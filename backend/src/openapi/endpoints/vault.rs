//! The endpoints of vault records, vault files and My shares, as the OpenAPI document describes them.

use coffer_shared::api::paths::route;
use coffer_shared::api::{
    ConflictBody, CreateRecordRequest, ErrorBody, MyShareList, RecordPage, StoredRecord, UpdateRecordRequest,
    VaultFileList,
};

use super::super::model::{Answer, Content, Endpoint, Method, Param, Session, json};

/// In the order the document lists them.
pub(in crate::openapi) const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: Method::Get,
        route: route::VAULT_RECORDS,
        prefixed: true,
        operation_id: "listRecords",
        tag: "vault",
        summary: "List the vault's records, a page at a time",
        description: "One page of the signed-in account's vault, as the envelopes the browser sealed: the records whose id sorts after `after` (byte order of the base64url text), at most `limit` records and at most 1048576 bytes of envelopes (at least one record if any is left), read in one read transaction. Follow `next` until it is null. If every page carries the same `version`, the listing is a snapshot; otherwise the vault changed between pages and the client lists again. Records that exist throughout a listing are in exactly one of its pages; clients keep one record per id, the one of the highest revision. Needs the session cookie.",
        session: Session::Required,
        params: &[
            Param::Query {
                name: "after",
                description: "The `next` of the previous page; without it, the listing starts at the first record. The record it names may have been deleted since.",
                schema: r##"{"$ref": "#/components/schemas/RecordId"}"##,
            },
            Param::Query {
                name: "limit",
                description: "Most records on the page (the 1 MiB bound on envelope bytes applies too).",
                schema: r#"{"type": "integer", "minimum": 1, "maximum": 1000, "default": 1000}"#,
            },
        ],
        request: None,
        answers: &[
            Answer { status: 200, description: "One page.", body: Content::Json(json::<RecordPage>) },
            Answer {
                status: 401,
                description: "`unauthenticated`: no session cookie, or its session ended, timed out or was signed out. Sign in again.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 405,
                description: "`method_not_allowed`: the path exists under `/api/v1` but not with this method.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 422,
                description: "`invalid_field`: `after` is not a record id, `limit` is not from 1 to 1000, or a parameter is unknown or given twice. The message names the parameter.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 500,
                description: "`internal`: a server fault, e.g. the database failed. The body is generic; the detail goes to the server log.",
                body: Content::Json(json::<ErrorBody>),
            },
        ],
    },
    Endpoint {
        method: Method::Post,
        route: route::VAULT_RECORDS,
        prefixed: true,
        operation_id: "createRecord",
        tag: "vault",
        summary: "Store a new record",
        description: r#"The browser chooses the id and seals the record with it (`docs/accounts.md`, "Vault records"). The envelope MUST be a v1 `vault-record` without flags, at most 65536 bytes decoded. A vault holds at most 10000 records and at most the server's `--vault-max-bytes` of envelopes (default 67108864); a create over either is 507 `vault_full` and stores nothing. Needs the session cookie and `X-Coffer-CSRF`."#,
        session: Session::Required,
        params: &[Param::Csrf],
        request: Some(Content::Json(json::<CreateRecordRequest>)),
        answers: &[
            Answer {
                status: 201,
                description: "Stored, at revision 1.",
                body: Content::Json(json::<StoredRecord>),
            },
            Answer {
                status: 400,
                description: "`malformed_json`: the body is not JSON. `unreadable_body`: the body could not be read. `invalid_envelope`: `envelope` is not canonical base64url.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 401,
                description: "`unauthenticated`: no session cookie, or its session ended, timed out or was signed out. Sign in again.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 403,
                description: "`csrf`: a live session, but the request lacks its `X-Coffer-CSRF` token or carries a wrong one. Nothing changed.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 405,
                description: "`method_not_allowed`: the path exists under `/api/v1` but not with this method.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 409,
                description: "`id_taken`: this vault has a record with this id. Make a new id and seal again.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 413,
                description: "`too_large`: the body is over the request limit, or the envelope is over 65536 bytes.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 415,
                description: "`unsupported_media_type`: the request has no `Content-Type: application/json` (a `+json` type or a `charset` parameter is accepted).",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 422,
                description: "Nothing was stored. `invalid_field`: a member is missing, unknown or mistyped, or the body's `id` is not 22 characters of canonical base64url. `invalid_envelope`: the envelope does not parse as v1, or is not a `vault-record` without flags. ",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 500,
                description: "`internal`: a server fault, e.g. the database failed. The body is generic; the detail goes to the server log.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 507,
                description: "`vault_full`: the create, or the edit that makes its record larger, would take the vault over 10000 records or over the server's `--vault-max-bytes` of envelopes (default 67108864). Nothing was stored; deleting records frees their bytes at once.",
                body: Content::Json(json::<ErrorBody>),
            },
        ],
    },
    Endpoint {
        method: Method::Put,
        route: route::VAULT_RECORD,
        prefixed: true,
        operation_id: "updateRecord",
        tag: "vault",
        summary: "Replace a record",
        description: "An edit of the revision the browser last saw. If `revision` is the stored one, the envelope replaces it and the revision goes up by one; otherwise nothing changes and the answer is 409 `conflict` with the stored record, so the page can show both versions. The envelope follows the rules of a new record; an edit that makes the record larger and would take the vault over `--vault-max-bytes` is 507 `vault_full` and changes nothing (one that does not grow it is always accepted). Needs the session cookie and `X-Coffer-CSRF`.",
        session: Session::Required,
        params: &[Param::RecordId, Param::Csrf],
        request: Some(Content::Json(json::<UpdateRecordRequest>)),
        answers: &[
            Answer {
                status: 200,
                description: "Stored, at the next revision.",
                body: Content::Json(json::<StoredRecord>),
            },
            Answer {
                status: 400,
                description: "`invalid_id`: the path id is not valid UTF-8 after percent-decoding, or not 22 characters of canonical base64url. `malformed_json`: the body is not JSON. `unreadable_body`: the body could not be read. `invalid_envelope`: `envelope` is not canonical base64url.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 401,
                description: "`unauthenticated`: no session cookie, or its session ended, timed out or was signed out. Sign in again.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 403,
                description: "`csrf`: a live session, but the request lacks its `X-Coffer-CSRF` token or carries a wrong one. Nothing changed.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 404,
                description: "`not_found`: the vault has no record with this id (another account's record counts as none).",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 405,
                description: "`method_not_allowed`: the path exists under `/api/v1` but not with this method.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 409,
                description: "`conflict`: the stored revision is not `revision`: the record was changed elsewhere. Nothing was stored; `current` is the stored record.",
                body: Content::Json(json::<ConflictBody>),
            },
            Answer {
                status: 413,
                description: "`too_large`: the body is over the request limit, or the envelope is over 65536 bytes.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 415,
                description: "`unsupported_media_type`: the request has no `Content-Type: application/json` (a `+json` type or a `charset` parameter is accepted).",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 422,
                description: "Nothing was stored. `invalid_field`: a member is missing, unknown or mistyped, or the body's `id` is not 22 characters of canonical base64url. `invalid_envelope`: the envelope does not parse as v1, or is not a `vault-record` without flags. ",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 500,
                description: "`internal`: a server fault, e.g. the database failed. The body is generic; the detail goes to the server log.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 507,
                description: "`vault_full`: the create, or the edit that makes its record larger, would take the vault over 10000 records or over the server's `--vault-max-bytes` of envelopes (default 67108864). Nothing was stored; deleting records frees their bytes at once.",
                body: Content::Json(json::<ErrorBody>),
            },
        ],
    },
    Endpoint {
        method: Method::Delete,
        route: route::VAULT_RECORD,
        prefixed: true,
        operation_id: "deleteRecord",
        tag: "vault",
        summary: "Delete a record",
        description: "Needs the session cookie and `X-Coffer-CSRF`.",
        session: Session::Required,
        params: &[Param::RecordId, Param::Csrf],
        request: None,
        answers: &[
            Answer { status: 204, description: "Deleted. No body.", body: Content::None },
            Answer {
                status: 400,
                description: "`invalid_id`: the path id is not valid UTF-8 after percent-decoding, or not 22 characters of canonical base64url.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 401,
                description: "`unauthenticated`: no session cookie, or its session ended, timed out or was signed out. Sign in again.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 403,
                description: "`csrf`: a live session, but the request lacks its `X-Coffer-CSRF` token or carries a wrong one. Nothing changed.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 404,
                description: "`not_found`: the vault has no record with this id (another account's record counts as none).",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 405,
                description: "`method_not_allowed`: the path exists under `/api/v1` but not with this method.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 500,
                description: "`internal`: a server fault, e.g. the database failed. The body is generic; the detail goes to the server log.",
                body: Content::Json(json::<ErrorBody>),
            },
        ],
    },
    Endpoint {
        method: Method::Get,
        route: route::VAULT_FILES,
        prefixed: true,
        operation_id: "listVaultFiles",
        tag: "vault",
        summary: "List the vault's attachments",
        description: "The finished attachments of the signed-in account, oldest first. Needs the session cookie.",
        session: Session::Required,
        params: &[],
        request: None,
        answers: &[
            Answer {
                status: 200,
                description: "The attachments.",
                body: Content::Json(json::<VaultFileList>),
            },
            Answer {
                status: 401,
                description: "`unauthenticated`: no session cookie, or its session ended, timed out or was signed out. Sign in again.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 405,
                description: "`method_not_allowed`: the path exists under `/api/v1` but not with this method.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 500,
                description: "`internal`: a server fault, e.g. the database failed. The body is generic; the detail goes to the server log.",
                body: Content::Json(json::<ErrorBody>),
            },
        ],
    },
    Endpoint {
        method: Method::Get,
        route: route::VAULT_FILE,
        prefixed: true,
        operation_id: "downloadVaultFile",
        tag: "vault",
        summary: "Download an attachment",
        description: "Streams the ciphertext like a share download. Needs the session cookie.",
        session: Session::Required,
        params: &[Param::FileId, Param::Range],
        request: None,
        answers: &[
            Answer {
                status: 200,
                description: "The file's ciphertext (the chunks, in order), streamed from disk, with `Content-Length` and `Accept-Ranges: bytes`.",
                body: Content::Bytes,
            },
            Answer {
                status: 206,
                description: "From the asked byte to the end, with `Content-Range`.",
                body: Content::Bytes,
            },
            Answer {
                status: 400,
                description: "`invalid_id`: the path id is not valid UTF-8 after percent-decoding, or not 22 characters of canonical base64url. `malformed_json`: the body is not JSON. `unreadable_body`: the body could not be read.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 401,
                description: "`unauthenticated`: no session cookie, or its session ended, timed out or was signed out. Sign in again.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 404,
                description: "`not_found`: this account has no attachment with this id.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 405,
                description: "`method_not_allowed`: the path exists under `/api/v1` but not with this method.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 416,
                description: "`invalid_range`: the range starts at or past the end; `Content-Range: bytes */<size>`.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 500,
                description: "`internal`: a server fault, e.g. the database failed. The body is generic; the detail goes to the server log.",
                body: Content::Json(json::<ErrorBody>),
            },
        ],
    },
    Endpoint {
        method: Method::Delete,
        route: route::VAULT_FILE,
        prefixed: true,
        operation_id: "deleteVaultFile",
        tag: "vault",
        summary: "Delete an attachment",
        description: "Deletes the attachment and its bytes. Needs the session cookie and `X-Coffer-CSRF`.",
        session: Session::Required,
        params: &[Param::FileId, Param::Csrf],
        request: None,
        answers: &[
            Answer { status: 204, description: "Deleted.", body: Content::None },
            Answer {
                status: 400,
                description: "`invalid_id`: the path id is not valid UTF-8 after percent-decoding, or not 22 characters of canonical base64url. `malformed_json`: the body is not JSON. `unreadable_body`: the body could not be read.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 401,
                description: "`unauthenticated`: no session cookie, or its session ended, timed out or was signed out. Sign in again.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 403,
                description: "`csrf`: a live session, but the request lacks its `X-Coffer-CSRF` token or carries a wrong one. Nothing changed.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 404,
                description: "`not_found`: this account has no attachment with this id.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 405,
                description: "`method_not_allowed`: the path exists under `/api/v1` but not with this method.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 500,
                description: "`internal`: a server fault, e.g. the database failed. The body is generic; the detail goes to the server log.",
                body: Content::Json(json::<ErrorBody>),
            },
        ],
    },
    Endpoint {
        method: Method::Get,
        route: route::MY_SHARES,
        prefixed: true,
        operation_id: "listMyShares",
        tag: "my shares",
        summary: "List the shares this account created",
        description: "Every share created while signed in to this account, newest first, with its expiry, views used and state. A share stays listed after it ends (expired, used up or destroyed); the server keeps only this summary, not the envelope or the tokens. Never lists the link's key. Needs the session cookie.",
        session: Session::Required,
        params: &[],
        request: None,
        answers: &[
            Answer {
                status: 200,
                description: "The account's shares.",
                body: Content::Json(json::<MyShareList>),
            },
            Answer {
                status: 401,
                description: "`unauthenticated`: no session cookie, or its session ended, timed out or was signed out. Sign in again.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 405,
                description: "`method_not_allowed`: the path exists under `/api/v1` but not with this method.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 500,
                description: "`internal`: a server fault, e.g. the database failed. The body is generic; the detail goes to the server log.",
                body: Content::Json(json::<ErrorBody>),
            },
        ],
    },
    Endpoint {
        method: Method::Post,
        route: route::MY_SHARE_DESTROY,
        prefixed: true,
        operation_id: "destroyMyShare",
        tag: "my shares",
        summary: "Destroy one of this account's shares",
        description: "Destroys a live share that this account created, without the management token. No body. Its summary stays listed with state `destroyed`. Needs the session cookie and `X-Coffer-CSRF`. No rate limit.",
        session: Session::Required,
        params: &[Param::ShareId, Param::Csrf],
        request: None,
        answers: &[
            Answer { status: 204, description: "Destroyed. No body.", body: Content::None },
            Answer {
                status: 400,
                description: "`invalid_id`: the path id is not valid UTF-8 after percent-decoding, or not 22 characters of canonical base64url (checked after the session and the CSRF header).",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 401,
                description: "`unauthenticated`: no session cookie, or its session ended, timed out or was signed out. Sign in again.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 403,
                description: "`csrf`: a live session, but the request lacks its `X-Coffer-CSRF` token or carries a wrong one. Nothing changed.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 404,
                description: "`not_found`: no live share with this id belongs to this account: it does not exist, has already ended (expired, used up or destroyed), or is another account's or anonymous. One answer for all.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 405,
                description: "`method_not_allowed`: the path exists under `/api/v1` but not with this method.",
                body: Content::Json(json::<ErrorBody>),
            },
            Answer {
                status: 500,
                description: "`internal`: a server fault, e.g. the database failed. The body is generic; the detail goes to the server log.",
                body: Content::Json(json::<ErrorBody>),
            },
        ],
    },
];
