//! The endpoints of vault records, vault files and My shares, as the OpenAPI document describes them.

use coffer_shared::api::paths::route;
use coffer_shared::api::{
    ConflictBody, CreateRecordRequest, MyShareList, RecordPage, StoredRecord, UpdateRecordRequest,
    VaultFileList,
};

use super::super::answers::{
    INVALID_ID_AFTER_CSRF, INVALID_ID_OR_BODY, INVALID_RANGE, SIGNED_IN, SIGNED_IN_CHANGE,
    UNSUPPORTED_MEDIA_TYPE, error,
};
use super::super::model::{Answer, Content, Endpoint, Method, Param, Session, json};

/// 404 for a record the account does not have.
const RECORD_NOT_FOUND: Answer = error(
    404,
    "`not_found`: the vault has no record with this id (another account's record counts as none).",
);

/// 404 for an attachment the account does not have.
const ATTACHMENT_NOT_FOUND: Answer = error(404, "`not_found`: this account has no attachment with this id.");

/// 413 for a body or an envelope over its limit.
const ENVELOPE_TOO_LARGE: Answer =
    error(413, "`too_large`: the body is over the request limit, or the envelope is over 65536 bytes.");

/// 422 for a record body that cannot be stored.
const INVALID_RECORD: Answer = error(
    422,
    "Nothing was stored. `invalid_field`: a member is missing, unknown or mistyped, or the body's `id` is not 22 characters of canonical base64url. `invalid_envelope`: the envelope does not parse as v1, or is not a `vault-record` without flags. ",
);

/// 507 when the vault would go over its record count or size.
const VAULT_FULL: Answer = error(
    507,
    "`vault_full`: the create, or the edit that makes its record larger, would take the vault over 10000 records or over the server's `--vault-max-bytes` of envelopes (default 67108864). Nothing was stored; deleting records frees their bytes at once.",
);

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
            error(
                422,
                "`invalid_field`: `after` is not a record id, `limit` is not from 1 to 1000, or a parameter is unknown or given twice. The message names the parameter.",
            ),
        ],
        errors: SIGNED_IN,
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
            error(
                400,
                "`malformed_json`: the body is not JSON. `unreadable_body`: the body could not be read. `invalid_envelope`: `envelope` is not canonical base64url.",
            ),
            error(409, "`id_taken`: this vault has a record with this id. Make a new id and seal again."),
            ENVELOPE_TOO_LARGE,
            UNSUPPORTED_MEDIA_TYPE,
            INVALID_RECORD,
            VAULT_FULL,
        ],
        errors: SIGNED_IN_CHANGE,
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
            error(
                400,
                "`invalid_id`: the path id is not valid UTF-8 after percent-decoding, or not 22 characters of canonical base64url. `malformed_json`: the body is not JSON. `unreadable_body`: the body could not be read. `invalid_envelope`: `envelope` is not canonical base64url.",
            ),
            RECORD_NOT_FOUND,
            Answer {
                status: 409,
                description: "`conflict`: the stored revision is not `revision`: the record was changed elsewhere. Nothing was stored; `current` is the stored record.",
                body: Content::Json(json::<ConflictBody>),
            },
            ENVELOPE_TOO_LARGE,
            UNSUPPORTED_MEDIA_TYPE,
            INVALID_RECORD,
            VAULT_FULL,
        ],
        errors: SIGNED_IN_CHANGE,
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
            error(
                400,
                "`invalid_id`: the path id is not valid UTF-8 after percent-decoding, or not 22 characters of canonical base64url.",
            ),
            RECORD_NOT_FOUND,
        ],
        errors: SIGNED_IN_CHANGE,
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
        answers: &[Answer {
            status: 200,
            description: "The attachments.",
            body: Content::Json(json::<VaultFileList>),
        }],
        errors: SIGNED_IN,
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
            INVALID_ID_OR_BODY,
            ATTACHMENT_NOT_FOUND,
            INVALID_RANGE,
        ],
        errors: SIGNED_IN,
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
            INVALID_ID_OR_BODY,
            ATTACHMENT_NOT_FOUND,
        ],
        errors: SIGNED_IN_CHANGE,
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
        answers: &[Answer {
            status: 200,
            description: "The account's shares.",
            body: Content::Json(json::<MyShareList>),
        }],
        errors: SIGNED_IN,
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
            INVALID_ID_AFTER_CSRF,
            error(
                404,
                "`not_found`: no live share with this id belongs to this account: it does not exist, has already ended (expired, used up or destroyed), or is another account's or anonymous. One answer for all.",
            ),
        ],
        errors: SIGNED_IN_CHANGE,
    },
];
