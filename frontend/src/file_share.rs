//! Shares that carry files: every file is sealed under a key derived from the share's key (and
//! password) and uploaded chunk by chunk, then the share is created naming them
//! (docs/envelope.md, "File id and file key"; docs/api.md, "File shares"). A signed-in
//! account's share is sealed for its key at the start and signed over the files' metadata at
//! the end, once every file is finished (docs/envelope.md, "Signing").
//!
//! Before anything is sent, the whole plan (sealed create request, keys, file ids) is saved as
//! a [`draft`] in local storage, and each file's hash chain is saved before each of its chunks
//! leaves. So a broken upload continues with [`resume`] once the user selects the same files.
//! Every tab of the browser sees the draft: whoever creates, resumes or discards it holds its
//! [`tab_lock`] meanwhile, so a second tab neither seals its chunks nor rewrites it.

use coffer_shared::api::{CreateShareRequest, ShareFileRef};
use coffer_shared::b64;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::{Header, Kind};
use coffer_shared::crypto::file_meta::{FileId, share_file_key, upload_token};
use coffer_shared::crypto::resume::SealedChain;
use coffer_shared::crypto::share::{SharePayload, manage_token, seal_to_sign, seal_with_header};
use coffer_shared::crypto::signature::SignedFile;
use coffer_shared::crypto::stream::ChunkSize;
use coffer_shared::id::ShareId;
use coffer_shared::token::{AccessToken, ManageToken, StatusToken, UploadToken};
use zeroize::Zeroizing;

use crate::api;
use crate::files::draft::{self, Draft, DraftFile};
use crate::files::tab_lock::{self, HeldLock, LockError};
use crate::files::upload::{self, Cancel, Checkpoint, Stage, UploadError, UploadJob, file_size, mime_type};
use crate::link;
use crate::share::{self, CreateError, Created, NewShare, Phase};
use crate::signer::{About, AccountSigner, SignFailure};

/// What the page hears while files upload: the file's position, the stage and its bytes.
pub type FileProgress<'a> = &'a dyn Fn(usize, Stage, u64);

/// Why a file share could not be created.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileShareError {
    /// A file's upload stopped (the message says why; the draft stays for a resume).
    Upload {
        /// Which file.
        name: String,
        /// Why.
        error: UploadError,
    },
    /// The selected files are not those of the draft.
    NotTheDraftFiles,
    /// The share itself could not be created.
    Create(CreateError),
    /// This browser's storage refused the draft, so nothing was sent.
    Storage,
    /// The draft is to be signed by an account that is not the one unlocked here.
    Sign(SignFailure),
    /// Another tab holds the draft (or this browser cannot tell): nothing was done.
    Lock(LockError),
    /// The draft went (finished or discarded in another tab) before this tab could continue it.
    Gone,
}

impl std::fmt::Display for FileShareError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileShareError::Upload { name, error } => write!(f, "{name}: {error}"),
            FileShareError::NotTheDraftFiles => f.write_str(
                "Select the same files as before (same names, sizes and dates) to continue the upload.",
            ),
            FileShareError::Create(error) => error.fmt(f),
            FileShareError::Storage => f.write_str("This browser refused to store the upload's progress."),
            FileShareError::Sign(failure) => failure.fmt(f),
            FileShareError::Lock(error) => UploadError::from(*error).fmt(f),
            FileShareError::Gone => f.write_str("This upload was finished or discarded in another tab."),
        }
    }
}

/// Seals the share (for `signer`'s key, when signed in), saves the draft, uploads every file
/// and creates the share.
pub async fn create(
    input: &NewShare,
    files: &[web_sys::File],
    signer: Option<&AccountSigner>,
    phase: impl Fn(Phase),
    progress: FileProgress<'_>,
    cancel: &Cancel,
) -> Result<Created, FileShareError> {
    // One draft at a time: a new share replaces an unfinished one, whose uploads go, unless
    // another tab is still sending it.
    if let Some(old) = draft::load() {
        discard(&old).await?;
    }
    let share_key = Key32::random();
    let manage_secret = Key32::random();
    let password = share::strengthen(&input.password, &phase).await;
    phase(Phase::Working);
    let id = ShareId::random();
    let password_key = password.as_ref().map(|(_, key)| key);
    let mut draft_files = Vec::new();
    let mut refs = Vec::new();
    for file in files {
        let file_id = FileId::random();
        let file_key = share_file_key(&share_key, &id, password_key, &file_id);
        refs.push(ShareFileRef {
            id: file_id.clone(),
            upload_token: UploadToken::from_key(&upload_token(&file_key, &file_id)),
        });
        draft_files.push(DraftFile {
            file_id: file_id.to_string(),
            file_key: file_key.to_b64(),
            name: file.name(),
            size: file_size(file),
            last_modified: file.last_modified(),
            mime_type: mime_type(file),
            chunk_size: ChunkSize::DEFAULT.get(),
            sealed: 0,
            chain: b64::encode(SealedChain::new().value()),
            finished: false,
            metadata: None,
        });
    }
    let payload = SharePayload {
        text: input.text.clone(),
        blur: input.blur,
        files: draft_files.iter().map(|file| file.file_id.clone()).collect(),
    };
    let header = Header::new(Kind::ShareText, password.as_ref().map(|(params, _)| *params));
    let sealed = match signer {
        Some(signer) => seal_to_sign(&share_key, &id, &payload, header, password_key, signer.public_key()),
        None => seal_with_header(&share_key, &id, &payload, header, password_key),
    };
    let notes = match signer {
        Some(signer) => {
            let link = Zeroizing::new(link::share_link(&id, &share_key));
            let files = u32::try_from(files.len()).unwrap_or(u32::MAX);
            let about = About { label: &input.label, files, password: password.is_some() };
            Some(signer.seal_notes(&id, &about, &link).map_err(FileShareError::Sign)?)
        }
        None => None,
    };
    let request = CreateShareRequest {
        id,
        envelope: b64::encode(&sealed.envelope),
        access_token: AccessToken::from_key(&sealed.access_token),
        status_token: StatusToken::from_key(&sealed.status_token),
        manage_token: ManageToken::from_key(&manage_token(&manage_secret)),
        expires_in: input.expires_in,
        max_views: input.max_views,
        read_receipt: input.read_receipt && signer.is_some(),
        files: refs,
        note: notes.as_ref().map(|notes| notes.note.clone()),
        link: notes.map(|notes| notes.link),
    };
    let draft = Draft {
        request,
        share_key: share_key.to_b64(),
        manage_secret: manage_secret.to_b64(),
        has_password: password.is_some(),
        signer: signer.map(|signer| b64::encode(signer.public_key())),
        files: draft_files,
    };
    // A fresh id: the lock is free, and taken before any other tab can see the draft.
    let lock = lock_draft(&draft).await?;
    if !draft::save(&draft) {
        return Err(FileShareError::Storage);
    }
    let selection: Vec<&web_sys::File> = files.iter().collect();
    let csrf = signer.map(AccountSigner::csrf);
    finish_draft(draft, &selection, csrf, signer, progress, cancel, &lock).await
}

/// Takes the draft's tab lock, without waiting.
async fn lock_draft(draft: &Draft) -> Result<HeldLock, FileShareError> {
    tab_lock::try_lock(&tab_lock::draft_name(draft.request.id.as_str())).await.map_err(FileShareError::Lock)
}

/// Continues the draft with the files the user selected again (in any order). `csrf` is any
/// live session's (uploads need it beside the cookie); a signed draft needs its `signer` back.
pub async fn resume(
    draft: Draft,
    files: &[web_sys::File],
    csrf: Option<&str>,
    signer: Option<&AccountSigner>,
    progress: FileProgress<'_>,
    cancel: &Cancel,
) -> Result<Created, FileShareError> {
    let lock = lock_draft(&draft).await?;
    // Read again under the lock: another tab may have moved it on, or finished it, meanwhile.
    let draft =
        draft::load().filter(|stored| stored.request.id == draft.request.id).ok_or(FileShareError::Gone)?;
    let mut selection = Vec::new();
    for planned in &draft.files {
        let found =
            files.iter().find(|file| planned.looks_like(&file.name(), file_size(file), file.last_modified()));
        selection.push(found.ok_or(FileShareError::NotTheDraftFiles)?);
    }
    finish_draft(draft, &selection, csrf, signer, progress, cancel, &lock).await
}

/// Uploads the draft's unfinished files (`selection[i]` is file `i`), signs the share if it is
/// an account's, then creates it. The caller holds the draft's lock (`_lock`).
async fn finish_draft(
    mut draft: Draft,
    selection: &[&web_sys::File],
    csrf: Option<&str>,
    signer: Option<&AccountSigner>,
    progress: FileProgress<'_>,
    cancel: &Cancel,
    _lock: &HeldLock,
) -> Result<Created, FileShareError> {
    // Check before uploading anything that the account the draft was sealed for is here.
    let signer = match &draft.signer {
        Some(key) => {
            let same = signer.filter(|signer| b64::encode(signer.public_key()) == *key);
            Some(same.ok_or(FileShareError::Sign(SignFailure::NotTheSigner))?)
        }
        None => None,
    };
    let password = draft
        .has_password
        .then(|| b64::decode(&draft.request.envelope).ok().and_then(|bytes| Header::parse(&bytes).ok()))
        .flatten()
        .and_then(|(header, _)| header.password);
    for (position, file) in selection.iter().enumerate() {
        let planned = draft.files[position].clone();
        if planned.finished {
            progress(position, Stage::Sending, planned.size);
            continue;
        }
        let fail = |error| FileShareError::Upload { name: planned.name.clone(), error };
        let file_id: FileId = planned.file_id.parse().map_err(|_| FileShareError::NotTheDraftFiles)?;
        let file_key = Key32::from_b64(&planned.file_key).map_err(|_| FileShareError::NotTheDraftFiles)?;
        let job = UploadJob {
            file,
            file_id,
            file_key,
            chunk_size: ChunkSize::new(planned.chunk_size).map_err(|_| FileShareError::NotTheDraftFiles)?,
            password,
            vault: false,
            csrf: csrf.map(str::to_owned),
            recorded: planned.chain().ok_or(FileShareError::NotTheDraftFiles)?,
        };
        let result = {
            // The chain is written into the draft, and the draft saved, before each chunk leaves.
            let draft_cell = std::cell::RefCell::new(&mut draft);
            let record = |checkpoint: Checkpoint<'_>| {
                let mut draft = draft_cell.borrow_mut();
                match checkpoint {
                    Checkpoint::Chain(chain) => draft.files[position].set_chain(chain),
                    Checkpoint::Metadata(metadata) => {
                        draft.files[position].metadata = Some(b64::encode(metadata))
                    }
                }
                draft::save(&draft)
            };
            upload::upload(job, record, |stage, bytes| progress(position, stage, bytes), cancel).await
        };
        match result {
            Ok(()) => {
                draft.files[position].finished = true;
                let _ = draft::save(&draft);
            }
            Err(error @ (UploadError::NotTheSameFile | UploadError::Cancelled)) => {
                // Cancelled: the user wants none of it. Not the same file: the sealed request
                // names this file id, so the file cannot start over alone. Either way the
                // draft and what the server received go, and the user starts again.
                discard_locked(&draft).await;
                return Err(fail(error));
            }
            Err(error) => return Err(fail(error)),
        }
    }
    let manage_secret =
        Key32::from_b64(&draft.manage_secret).map_err(|_| FileShareError::NotTheDraftFiles)?;
    let mut request = draft.request.clone();
    // What the server is sent is always the secret's hash, also for a draft made before the hash
    // (whose request held the raw secret): docs/envelope.md, "Keys for a share".
    request.manage_token = ManageToken::from_key(&manage_token(&manage_secret));
    if let Some(signer) = signer {
        request.envelope = sign(&draft, signer)?;
    }
    // An anonymous draft stays anonymous even if someone signed in meanwhile.
    let response = api::create_share(&request, signer.map(AccountSigner::csrf))
        .await
        .map_err(|error| FileShareError::Create(CreateError::Api(error)))?;
    let share_key = Key32::from_b64(&draft.share_key).map_err(|_| FileShareError::NotTheDraftFiles)?;
    draft::clear();
    Ok(Created {
        link: link::share_link(&draft.request.id, &share_key),
        manage_link: link::manage_link(&draft.request.id, &manage_secret),
        expires_at: response.expires_at,
        max_views: response.max_views,
        has_password: draft.has_password,
        kept: draft.request.link.is_some(),
    })
}

/// Signs the draft's envelope over its files' metadata, in the share's order.
fn sign(draft: &Draft, signer: &AccountSigner) -> Result<String, FileShareError> {
    let unreadable = FileShareError::NotTheDraftFiles;
    let metadata = draft
        .files
        .iter()
        .map(|file| {
            let metadata = b64::decode(file.metadata.as_deref().ok_or(unreadable.clone())?);
            Ok((file.file_id.clone(), metadata.map_err(|_| unreadable.clone())?))
        })
        .collect::<Result<Vec<_>, FileShareError>>()?;
    let files: Vec<SignedFile<'_>> =
        metadata.iter().map(|(id, metadata)| SignedFile { id, metadata }).collect();
    let envelope = b64::decode(&draft.request.envelope).map_err(|_| unreadable.clone())?;
    let signed = signer.sign(&draft.request.id, &envelope, &files).map_err(FileShareError::Sign)?;
    Ok(b64::encode(signed))
}

/// Cancels the draft's uploads on the server (best effort) and forgets it, unless another tab
/// is sending it.
pub async fn discard(draft: &Draft) -> Result<(), FileShareError> {
    let _lock = lock_draft(draft).await?;
    discard_locked(draft).await;
    Ok(())
}

/// [`discard`], for a caller that holds the draft's lock.
async fn discard_locked(draft: &Draft) {
    for file in &draft.request.files {
        let _ = api::files::cancel(&file.id, file.upload_token.as_str()).await;
    }
    draft::clear();
}
