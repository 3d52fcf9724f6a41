//! The endpoints of uploads and file downloads, as the OpenAPI document describes them.

use coffer_shared::api::paths::route;
use coffer_shared::api::{
    ChunkReceipt, FinishUploadRequest, FinishUploadResponse, StartUploadRequest, StartUploadResponse,
    UploadIncompleteBody, UploadStatus, UploadTokenRequest,
};

use super::super::answers::{
    COMMON, INVALID_ID_OR_BODY, INVALID_RANGE, INVALID_TOKEN_BODY, MALFORMED_JSON, RATE_LIMITED,
    SIGNED_IN_CHANGE, TOO_LARGE, UNSUPPORTED_MEDIA_TYPE, error,
};
use super::super::model::{Answer, Content, Endpoint, Method, Param, Session, json};

/// 404 for an upload that is not there, or a wrong upload token.
const UPLOAD_NOT_FOUND: Answer =
    error(404, "`not_found`: no such upload, a wrong upload token, or an upload that is gone.");

/// 507 when an upload would go over the storage quota or the disk's floor.
const STORAGE_FULL: Answer = error(
    507,
    "`storage_full`: a start over the storage quota or, with every unfinished upload's unwritten bytes, the disk's free-space floor; a start by a client not signed in past the share of the room above the floor that such clients may reserve together (`COFFER_UPLOAD_ROOM_ANONYMOUS`); a chunk that would eat into the floor or met a full disk; nothing partial is kept.",
);

/// In the order the document lists them.
pub(in crate::openapi) const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: Method::Post,
        route: route::UPLOADS,
        prefixed: true,
        operation_id: "startUpload",
        tag: "files",
        summary: "Start an upload",
        description: "Reserves the whole ciphertext size (`size + 16 n`) against the quota, the disk (free space less every unfinished upload's unwritten bytes must stay above the free-space floor, checked and reserved in one transaction) and the client's cap (per client network when not signed in, per account when signed in). Rate limited per client (`upload` bucket). The server keeps `SHA-256(upload_token)`. `vault: true` needs the session cookie and `X-Coffer-CSRF`; otherwise a live session cookie still needs `X-Coffer-CSRF`, as for share creation.",
        session: Session::None,
        params: &[Param::Csrf],
        request: Some(Content::Json(json::<StartUploadRequest>)),
        answers: &[
            Answer { status: 201, description: "Started.", body: Content::Json(json::<StartUploadResponse>) },
            MALFORMED_JSON,
            error(409, "`id_taken`: a file with this id exists."),
            error(413, "`file_too_large`: `size` is over `max_file_size`."),
            UNSUPPORTED_MEDIA_TYPE,
            error(422, "`invalid_field` (bad `chunk_size` or member), `invalid_token`."),
            error(
                429,
                "`rate_limited` (with `Retry-After`): over the client's upload-start rate limit. `too_many_uploads` (no `Retry-After`): the client's unfinished uploads would reserve more than its cap; finish or cancel some first. Nothing is stored.",
            ),
            STORAGE_FULL,
        ],
        errors: SIGNED_IN_CHANGE,
    },
    Endpoint {
        method: Method::Put,
        route: route::UPLOAD_CHUNK,
        prefixed: true,
        operation_id: "putChunk",
        tag: "files",
        summary: "Upload a chunk",
        description: "The chunk's ciphertext, streamed to disk while hashed; it counts once its length and checksum match and its bytes are synced. Idempotent by index: the same bytes again are 200, other bytes are 409 `chunk_conflict`. Chunks may come in any order and in parallel. Moves the upload's expiry forward. Rate limited per client (`chunk` bucket). Refused whole with 507 `storage_full` if writing it would leave the disk below the free-space floor.",
        session: Session::None,
        params: &[Param::FileId, Param::ChunkIndex, Param::UploadToken, Param::ChunkSha256],
        request: Some(Content::Bytes),
        answers: &[
            Answer { status: 200, description: "Held.", body: Content::Json(json::<ChunkReceipt>) },
            INVALID_ID_OR_BODY,
            UPLOAD_NOT_FOUND,
            error(
                409,
                "`chunk_conflict`: other bytes for a chunk the server holds. `upload_finished`: the upload is finished.",
            ),
            error(
                422,
                "`invalid_token`, `invalid_chunk` (index past the end, wrong length, bad checksum header), `checksum_mismatch`.",
            ),
            RATE_LIMITED,
            STORAGE_FULL,
        ],
        errors: COMMON,
    },
    Endpoint {
        method: Method::Post,
        route: route::UPLOAD_STATUS,
        prefixed: true,
        operation_id: "uploadStatus",
        tag: "files",
        summary: "Read an upload's progress",
        description: "What the server holds, so a browser resumes with only the missing chunks.",
        session: Session::None,
        params: &[Param::FileId],
        request: Some(Content::Json(json::<UploadTokenRequest>)),
        answers: &[
            Answer { status: 200, description: "The upload.", body: Content::Json(json::<UploadStatus>) },
            INVALID_ID_OR_BODY,
            UPLOAD_NOT_FOUND,
            UNSUPPORTED_MEDIA_TYPE,
            INVALID_TOKEN_BODY,
        ],
        errors: COMMON,
    },
    Endpoint {
        method: Method::Post,
        route: route::UPLOAD_FINISH,
        prefixed: true,
        operation_id: "finishUpload",
        tag: "files",
        summary: "Finish an upload",
        description: "Stores the metadata envelope once every chunk is held. A vault upload becomes an attachment. Finishing again with the same metadata is 200.",
        session: Session::None,
        params: &[Param::FileId],
        request: Some(Content::Json(json::<FinishUploadRequest>)),
        answers: &[
            Answer {
                status: 200,
                description: "Finished.",
                body: Content::Json(json::<FinishUploadResponse>),
            },
            INVALID_ID_OR_BODY,
            UPLOAD_NOT_FOUND,
            Answer {
                status: 409,
                description: "`upload_incomplete` (body adds `missing`), or `upload_finished` with other metadata.",
                body: Content::Json(json::<UploadIncompleteBody>),
            },
            TOO_LARGE,
            UNSUPPORTED_MEDIA_TYPE,
            error(
                422,
                "`invalid_token`, `invalid_envelope` (not a `file-metadata` envelope without `SIGNED`).",
            ),
        ],
        errors: COMMON,
    },
    Endpoint {
        method: Method::Post,
        route: route::UPLOAD_CANCEL,
        prefixed: true,
        operation_id: "cancelUpload",
        tag: "files",
        summary: "Cancel an upload",
        description: "Deletes the upload and its bytes, unless the file is attached to a share or the vault (404).",
        session: Session::None,
        params: &[Param::FileId],
        request: Some(Content::Json(json::<UploadTokenRequest>)),
        answers: &[
            Answer { status: 204, description: "Deleted.", body: Content::None },
            INVALID_ID_OR_BODY,
            UPLOAD_NOT_FOUND,
            UNSUPPORTED_MEDIA_TYPE,
            INVALID_TOKEN_BODY,
        ],
        errors: COMMON,
    },
    Endpoint {
        method: Method::Get,
        route: route::FILE,
        prefixed: true,
        operation_id: "downloadFile",
        tag: "files",
        summary: "Download a share's file",
        description: "Streams the ciphertext of a file of the share a claim opened. Downloads do not count views.",
        session: Session::None,
        params: &[Param::FileId, Param::DownloadToken, Param::Range],
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
            error(
                404,
                "`not_found`: a wrong or expired download token, or a file not in that claim's share.",
            ),
            INVALID_RANGE,
        ],
        errors: COMMON,
    },
];
