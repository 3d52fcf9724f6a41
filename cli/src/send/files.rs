//! A share that carries files: the whole plan (sealed create request, keys, file ids) is saved
//! as a draft before anything is sent; each file is sealed and uploaded chunk by chunk with its
//! hash chain recorded as it goes; then the share is signed (signed in) over the files'
//! metadata and created. A broken upload continues with `--resume` (docs/cli.md, "Resuming").

use coffer_shared::api::ErrorCode;
use coffer_shared::api::paths;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use coffer_shared::api::{
    CreateShareRequest, CreateShareResponse, MAX_FILES_PER_SHARE, ShareFileRef, ShareStatus, TokenRequest,
    UploadTokenRequest,
};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::{Header, Kind as EnvelopeKind};
use coffer_shared::crypto::file_meta::{FileId, share_file_key, upload_token};
use coffer_shared::crypto::resume::SealedChain;
use coffer_shared::crypto::share::{SharePayload, seal_to_sign, seal_with_header, status_token};
use coffer_shared::crypto::signature::SignedFile;
use coffer_shared::crypto::stream::ChunkSize;
use coffer_shared::id::ShareId;
use coffer_shared::token::Token;
use coffer_shared::upload_draft::{Draft, DraftFile};
use zeroize::Zeroizing;

use super::draft::{Saved, Store};
use super::upload::{self, Checkpoint, Job, UploadError};
use super::{Created, Order, mime};
use crate::exit::{Failure, Kind, Outcome};
use crate::http::Client;
use crate::signer::Signer;
use crate::ui::Ui;

/// The chunk size of the CLI's uploads: fewer, larger requests than the browser's 1 MiB, well
/// inside the format's 16 MiB.
pub const CHUNK_SIZE: u32 = 4 << 20;

/// A file named on the command line, checked.
struct Picked {
    path: PathBuf,
    name: String,
    size: u64,
    modified_ms: f64,
}

/// Seals a new file share and uploads it. A draft of the same files for this server, left by
/// an earlier broken send, is discarded first.
pub async fn create(
    client: &Client,
    order: &Order,
    paths: &[PathBuf],
    signer: Option<&Signer>,
    max_file_size: u64,
    ui: Ui,
) -> Outcome<Created> {
    let picked = pick(paths, max_file_size)?;
    let store = Store::open()?;
    let canonical: Vec<PathBuf> = picked.iter().map(|file| file.path.clone()).collect();
    if let Some(old) = store.find(&client.origin(), &canonical) {
        let _lock = store.lock(old.draft.request.id.as_str())?;
        ui.note("Discarding the unfinished upload of these files (use --resume to continue one).");
        discard(client, &store, &old.draft).await;
    }
    let share_key = Key32::random();
    let manage_secret = Key32::random();
    let id = ShareId::random();
    let password_key = order.password.as_ref().map(|(_, key)| key);
    let mut refs = Vec::new();
    let mut files = Vec::new();
    for file in &picked {
        let file_id = FileId::random();
        let file_key = share_file_key(&share_key, &id, password_key, &file_id);
        refs.push(ShareFileRef {
            id: file_id.clone(),
            upload_token: Token::from_key(&upload_token(&file_key, &file_id)),
        });
        files.push(DraftFile {
            file_id: file_id.to_string(),
            file_key: file_key.to_b64(),
            name: file.name.clone(),
            size: file.size,
            last_modified: file.modified_ms,
            mime_type: mime::of(&file.path).to_owned(),
            chunk_size: CHUNK_SIZE,
            sealed: 0,
            chain: b64::encode(SealedChain::new().value()),
            finished: false,
            metadata: None,
        });
    }
    let payload = SharePayload {
        text: order.text.to_string(),
        blur: false,
        files: files.iter().map(|file| file.file_id.clone()).collect(),
    };
    let header = Header::new(EnvelopeKind::ShareText, order.password.as_ref().map(|(params, _)| *params));
    let sealed = match signer {
        Some(signer) => seal_to_sign(&share_key, &id, &payload, header, password_key, signer.public_key()),
        None => seal_with_header(&share_key, &id, &payload, header, password_key),
    };
    let (link, _) = Created::links(client, &id, &share_key, &manage_secret);
    let link = Zeroizing::new(link);
    let request = order.request(&id, &sealed, &manage_secret, refs, signer, &link);
    let draft = Draft {
        request,
        share_key: share_key.to_b64(),
        manage_secret: manage_secret.to_b64(),
        has_password: order.password.is_some(),
        signer: signer.map(|signer| b64::encode(signer.public_key())),
        files,
    };
    let saved = Saved { version: 1, server: client.origin(), paths: canonical, draft };
    // A fresh id: the lock is free, and taken before the draft is visible to other processes.
    let _lock = store.lock(saved.draft.request.id.as_str())?;
    store.save(&saved)?;
    finish(client, store, saved, signer, ui).await
}

/// Continues the saved draft of these files: checks each file against its recorded chain,
/// sends what the server lacks and creates the share.
pub async fn resume(client: &Client, paths: &[PathBuf], signer: Option<&Signer>, ui: Ui) -> Outcome<Created> {
    let picked = pick(paths, u64::MAX)?;
    let store = Store::open()?;
    let canonical: Vec<PathBuf> = picked.iter().map(|file| file.path.clone()).collect();
    let none = || {
        Failure::usage(
            "There is no unfinished upload of these files (same files, same order, same server) to resume.",
        )
    };
    let found = store.find(&client.origin(), &canonical).ok_or_else(none)?;
    let _lock = store.lock(found.draft.request.id.as_str())?;
    // Read again under the lock: another process may have finished or discarded it meanwhile.
    let saved = store
        .find(&client.origin(), &canonical)
        .filter(|saved| saved.draft.request.id == found.draft.request.id)
        .ok_or_else(none)?;
    for (file, planned) in picked.iter().zip(&saved.draft.files) {
        if !planned.looks_like(&file.name, file.size, file.modified_ms) {
            return Err(Failure::new(
                Kind::LocalFile,
                format!(
                    "{} changed since the upload began: send it again without --resume.",
                    file.path.display()
                ),
            ));
        }
    }
    finish(client, store, saved, signer, ui).await
}

/// Uploads the draft's unfinished files, signs the share if it is an account's, creates it and
/// deletes the draft.
async fn finish(
    client: &Client,
    store: Store,
    saved: Saved,
    signer: Option<&Signer>,
    ui: Ui,
) -> Outcome<Created> {
    let signer = match &saved.draft.signer {
        Some(key) => {
            Some(signer.filter(|signer| b64::encode(signer.public_key()) == *key).ok_or_else(|| {
                Failure::new(
                    Kind::SignedOut,
                    "This upload was begun signed in to another account: sign in to it to continue.",
                )
            })?)
        }
        None => None,
    };
    let password = saved
        .draft
        .has_password
        .then(|| b64::decode(&saved.draft.request.envelope).ok().and_then(|bytes| Header::parse(&bytes).ok()))
        .flatten()
        .and_then(|(header, _)| header.password);
    let corrupt = || {
        Failure::new(Kind::LocalFile, "The saved upload is damaged: send the files again without --resume.")
    };
    let shared = Arc::new(Mutex::new(saved));
    let files = lock(&shared).draft.files.clone();
    let paths = lock(&shared).paths.clone();
    for (position, (planned, path)) in files.iter().zip(&paths).enumerate() {
        if planned.finished {
            continue;
        }
        let job = Job {
            path: path.clone(),
            name: planned.name.clone(),
            mime_type: planned.mime_type.clone(),
            size: planned.size,
            file_id: planned.file_id.parse().map_err(|_| corrupt())?,
            file_key: Key32::from_b64(&planned.file_key).map_err(|_| corrupt())?,
            chunk_size: ChunkSize::new(planned.chunk_size).map_err(|_| corrupt())?,
            password,
            vault: false,
            recorded: planned.chain().ok_or_else(corrupt)?,
        };
        let recorder = {
            let (shared, store) = (shared.clone(), store.clone());
            Box::new(move |checkpoint: Checkpoint| {
                let mut saved = lock(&shared);
                match checkpoint {
                    Checkpoint::Chain(chain) => saved.draft.files[position].set_chain(&chain),
                    Checkpoint::Metadata(metadata) => {
                        saved.draft.files[position].metadata = Some(b64::encode(metadata))
                    }
                }
                store.save(&saved)
            })
        };
        let bar = ui.bytes_bar(planned.size, &planned.name);
        let result = upload::upload(client, job, recorder, &bar).await;
        bar.finish_and_clear();
        match result {
            Ok(_) => {}
            Err(UploadError::Changed) => {
                // The sealed request names this file id: the file cannot start over alone.
                let draft = lock(&shared).draft.clone();
                discard(client, &store, &draft).await;
                return Err(UploadError::Changed.into());
            }
            Err(UploadError::Failed(failure)) => return Err(with_resume_hint(failure, &paths)),
        }
        let mut saved = lock(&shared);
        saved.draft.files[position].finished = true;
        store.save(&saved)?;
    }
    let draft = lock(&shared).draft.clone();
    let draft = &draft;
    let manage_secret = Key32::from_b64(&draft.manage_secret).map_err(|_| corrupt())?;
    let share_key = Key32::from_b64(&draft.share_key).map_err(|_| corrupt())?;
    let mut request = draft.request.clone();
    if let Some(signer) = signer {
        request.envelope = sign(draft, signer).ok_or_else(corrupt)??;
    }
    let response = create_once(client, &request, &share_key).await?;
    store.remove(draft.request.id.as_str());
    let (link, manage_link) = Created::links(client, &draft.request.id, &share_key, &manage_secret);
    Ok(Created {
        id: draft.request.id.clone(),
        link,
        manage_link,
        expires_at: response.expires_at,
        max_views: response.max_views,
        password: draft.has_password,
        files: draft.files.len(),
        signed: signer.is_some(),
    })
}

/// How many times the create request is sent after a failure without an answer.
const CREATE_TRIES: u32 = 3;

/// Sends the create request, again after a failure without an answer. A share that exists with
/// this draft's id and answers to this draft's status token was created by an earlier try (or an
/// earlier run whose answer was lost): that is success, not a conflict.
async fn create_once(
    client: &Client,
    request: &CreateShareRequest,
    share_key: &Key32,
) -> Outcome<CreateShareResponse> {
    let mut tries = 0;
    loop {
        tries += 1;
        match client.post::<_, CreateShareResponse>(paths::SHARES, request).await {
            Ok(response) => return Ok(response),
            Err(error) if error.code() == ErrorCode::IdTaken => {
                let token = TokenRequest { token: Token::from_key(&status_token(share_key, &request.id)) };
                let status: ShareStatus = client
                    .post(&paths::share_status(&request.id), &token)
                    .await
                    .map_err(|_| Failure::from(error))?;
                return Ok(CreateShareResponse {
                    id: request.id.clone(),
                    expires_at: status.expires_at,
                    max_views: status.max_views,
                });
            }
            Err(error) if error.is_transient() && tries < CREATE_TRIES => {
                tokio::time::sleep(std::time::Duration::from_millis(500 << tries)).await;
            }
            Err(error) => return Err(error.into()),
        }
    }
}

/// A failure that left the draft in place, with the command that continues it.
fn with_resume_hint(failure: Failure, paths: &[PathBuf]) -> Failure {
    let files: Vec<String> = paths.iter().map(|path| shell_word(&path.to_string_lossy())).collect();
    let message =
        format!("{} The upload can continue: coffer send --resume {}", failure.message, files.join(" "));
    Failure { message, ..failure }
}

/// `word` quoted for a POSIX shell when it needs it.
fn shell_word(word: &str) -> String {
    if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "/._-+,:@".contains(c)) {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Signs the draft's envelope over its files' metadata, in the share's order; `None` if the
/// draft lacks what it needs.
fn sign(draft: &Draft, signer: &Signer) -> Option<Outcome<String>> {
    let metadata = draft
        .files
        .iter()
        .map(|file| Some((file.file_id.clone(), b64::decode(file.metadata.as_deref()?).ok()?)))
        .collect::<Option<Vec<_>>>()?;
    let files: Vec<SignedFile<'_>> =
        metadata.iter().map(|(id, metadata)| SignedFile { id, metadata }).collect();
    let envelope = b64::decode(&draft.request.envelope).ok()?;
    Some(signer.sign(&draft.request.id, &envelope, &files).map(b64::encode))
}

/// Cancels the draft's uploads on the server (best effort) and deletes it.
async fn discard(client: &Client, store: &Store, draft: &Draft) {
    for file in &draft.request.files {
        let request = UploadTokenRequest { upload_token: file.upload_token.clone() };
        let _ = client.post_only(&paths::upload_cancel(&file.id), &request).await;
    }
    store.remove(draft.request.id.as_str());
}

/// Checks the files: regular, readable, within the server's size and the share's count.
fn pick(paths: &[PathBuf], max_file_size: u64) -> Outcome<Vec<Picked>> {
    if paths.len() > MAX_FILES_PER_SHARE {
        return Err(Failure::usage(format!("A share holds at most {MAX_FILES_PER_SHARE} files.")));
    }
    paths
        .iter()
        .map(|path| {
            let canonical = path.canonicalize().map_err(|error| Failure::file(path, error))?;
            let meta = std::fs::metadata(&canonical).map_err(|error| Failure::file(path, error))?;
            if !meta.is_file() {
                return Err(Failure::file(path, "not a regular file (send a folder as an archive)"));
            }
            if meta.len() > max_file_size {
                return Err(Failure::new(
                    Kind::Refused,
                    format!(
                        "{}: {}, and this server takes files up to {}.",
                        path.display(),
                        crate::size::text(meta.len()),
                        crate::size::text(max_file_size)
                    ),
                ));
            }
            let modified_ms = meta
                .modified()
                .ok()
                .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
                .map_or(0.0, |elapsed| elapsed.as_millis() as f64);
            Ok(Picked { name: file_name(&canonical), path: canonical, size: meta.len(), modified_ms })
        })
        .collect()
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(|| "file".to_owned(), |name| name.to_string_lossy().into_owned())
}

fn lock(shared: &Mutex<Saved>) -> std::sync::MutexGuard<'_, Saved> {
    shared.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_resume_hint_quotes_paths_for_the_shell() {
        assert_eq!(shell_word("/tmp/a-b_c.iso"), "/tmp/a-b_c.iso");
        assert_eq!(shell_word("/tmp/my file's.iso"), "'/tmp/my file'\\''s.iso'");
        let hinted = with_resume_hint(Failure::new(Kind::Network, "Gone."), &[PathBuf::from("/x y")]);
        assert_eq!(hinted.message, "Gone. The upload can continue: coffer send --resume '/x y'");
        assert_eq!(hinted.kind, Kind::Network);
    }
}
