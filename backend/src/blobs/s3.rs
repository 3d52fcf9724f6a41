//! [`S3Blobs`]: blobs in an S3-compatible bucket (AWS S3, SeaweedFS, MinIO, R2, …), one object
//! per chunk at `<prefix>/<file id>/<offset, 20 digits>`, so that any server of a cluster can
//! write any chunk of any upload and read any file.
//!
//! An object appears whole or not at all (an S3 PUT is atomic), and only once its chunk's body
//! has arrived complete and passed its checksum: the body is held in memory first, so a chunk
//! never stands half-written. Memory for bodies in flight is capped ([`S3Blobs::open`]), counted
//! as bytes arrive; past the cap a chunk is refused as busy (503) and the client tries again
//! after `Retry-After`.
//!
//! Two servers can both be writing one chunk only if one client sends it twice at once (its
//! lock is per server). An honest client's chunk is the same bytes every time (the chunk nonces
//! are deterministic), so whichever PUT lands last stores what the record says.

use std::io;
use std::ops::Range;
use std::sync::Arc;

use bytes::BytesMut;
use futures_util::{StreamExt, TryStreamExt, stream};
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path;
use object_store::{ObjectStore, PutPayload};
use tokio::sync::Semaphore;

use super::url::BlobStoreUrl;
use super::{BlobFuture, BlobStore, ByteStream, ChunkBody, MARK};

/// Digits of an object's offset in its name: names sort in offset order.
const OFFSET_DIGITS: usize = 20;

/// Blob chunks as objects in one bucket.
pub struct S3Blobs {
    objects: Arc<dyn ObjectStore>,
    /// The folder of the bucket that holds every blob.
    root: Path,
    /// Bytes of chunk bodies that may be held in memory at once.
    buffer: Arc<Semaphore>,
}

/// One chunk object: where it starts in its blob and how long it is.
struct Piece {
    location: Path,
    start: u64,
    size: u64,
}

/// The store's error without the response body it may quote: an AWS signature error's body
/// names the access key and the request signed (a session token with it).
fn other(error: object_store::Error) -> io::Error {
    let mut message = error.to_string();
    if let Some(body) = message.find('<') {
        message.truncate(body);
        message.push_str("[response body not shown]");
    }
    match error {
        object_store::Error::NotFound { .. } => io::Error::new(io::ErrorKind::NotFound, message),
        _ => io::Error::other(message),
    }
}

impl S3Blobs {
    /// Connects to the bucket of `url` (credentials from the URL or the `AWS_*` variables),
    /// holding at most `buffer_bytes` of chunk bodies in memory at once. Plain `http://`
    /// endpoints are allowed (a store on loopback or a private network).
    pub fn open(url: &BlobStoreUrl, buffer_bytes: usize) -> Result<Self, String> {
        let location = url.location()?;
        let mut builder = AmazonS3Builder::from_env().with_bucket_name(&location.bucket);
        for (key, value) in &location.settings {
            let config: AmazonS3ConfigKey =
                key.parse().map_err(|_| format!("--blob-store: unknown setting `{key}`"))?;
            if config == AmazonS3ConfigKey::Endpoint && value.starts_with("http://") {
                builder = builder.with_allow_http(true);
            }
            builder = builder.with_config(config, value);
        }
        let objects = builder.build().map_err(|error| format!("--blob-store: {error}"))?;
        let buffer = Arc::new(Semaphore::new(buffer_bytes.min(Semaphore::MAX_PERMITS)));
        Ok(Self { objects: Arc::new(objects), root: Path::from(location.prefix), buffer })
    }

    /// Checks that the bucket answers, so that a wrong endpoint or key stops the start.
    pub async fn check(&self) -> io::Result<()> {
        self.objects.list_with_delimiter(Some(&self.root)).await.map(drop).map_err(other)
    }

    /// The bytes the chunk objects of blob `id` hold together (`coffer-server migrate --from`
    /// checks a copied blob with it).
    pub async fn stored_bytes(&self, id: &str) -> io::Result<u64> {
        Ok(self.pieces(id).await?.iter().map(|piece| piece.size).sum())
    }

    fn folder(&self, id: &str) -> Path {
        self.root.child(id)
    }

    fn object(&self, id: &str, offset: u64) -> Path {
        self.folder(id).child(format!("{offset:0OFFSET_DIGITS$}"))
    }

    /// The chunk objects of blob `id`, in offset order.
    async fn pieces(&self, id: &str) -> io::Result<Vec<Piece>> {
        let folder = self.folder(id);
        let listed: Vec<_> = self.objects.list(Some(&folder)).try_collect().await.map_err(other)?;
        let mut pieces: Vec<Piece> = listed
            .into_iter()
            .filter_map(|meta| {
                let start = meta.location.filename()?.parse().ok()?;
                Some(Piece { location: meta.location, start, size: meta.size })
            })
            .collect();
        pieces.sort_unstable_by_key(|piece| piece.start);
        Ok(pieces)
    }

    async fn write(&self, id: &str, offset: u64, len: u64, body: ChunkBody<'_>) -> io::Result<()> {
        let busy = || io::Error::new(io::ErrorKind::ResourceBusy, "chunk buffers are full");
        // Room is taken as bytes arrive, not for the length announced: a client that sends a
        // byte and stalls holds a byte (until the route drops its body), not a chunk's room.
        let mut room = Arc::clone(&self.buffer).try_acquire_many_owned(0).map_err(|_| busy())?;
        let mut held = BytesMut::new();
        // The body ends in an error if it is too long, too short, stalls or fails its checksum.
        while let Some(bytes) = body.next().await {
            let bytes = bytes?;
            let more = u32::try_from(bytes.len()).map_err(|_| busy())?;
            room.merge(Arc::clone(&self.buffer).try_acquire_many_owned(more).map_err(|_| busy())?);
            if held.is_empty() {
                held.reserve(usize::try_from(len).map_err(|_| busy())?);
            }
            held.extend_from_slice(&bytes);
        }
        let payload = PutPayload::from(held.freeze());
        self.objects.put(&self.object(id, offset), payload).await.map(drop).map_err(other)
    }

    async fn stream_range(&self, id: &str, from: u64, len: u64) -> io::Result<ByteStream> {
        let end = from + len;
        let mut reads: Vec<(Path, Range<u64>)> = Vec::new();
        let mut next = from;
        for piece in self.pieces(id).await? {
            let piece_end = piece.start + piece.size;
            if piece_end <= next || next >= end {
                continue;
            }
            if piece.start > next {
                break;
            }
            reads.push((piece.location, next - piece.start..piece_end.min(end) - piece.start));
            next = piece_end.min(end);
        }
        if next < end {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("blob {id} lacks bytes from {next}"),
            ));
        }
        let objects = Arc::clone(&self.objects);
        // One object at a time, each fetched only when the previous one is sent.
        let stream = stream::iter(reads)
            .then(move |(location, range)| {
                let objects = Arc::clone(&objects);
                async move {
                    let options =
                        object_store::GetOptions { range: Some(range.into()), ..Default::default() };
                    let got = objects.get_opts(&location, options).await.map_err(other)?;
                    Ok::<_, io::Error>(got.into_stream().map_err(other))
                }
            })
            .try_flatten();
        Ok(Box::pin(stream))
    }

    async fn remove(&self, id: &str) -> io::Result<()> {
        let locations = self.pieces(id).await?.into_iter().map(|piece| Ok(piece.location));
        let deleted = self.objects.delete_stream(stream::iter(locations).boxed());
        deleted.try_for_each(|_| async { Ok(()) }).await.or_else(|error| match error {
            object_store::Error::NotFound { .. } => Ok(()),
            error => Err(other(error)),
        })
    }

    /// Every object is listed, not the folders: a store with real folders (SeaweedFS) may keep
    /// one after its last object is deleted. Only objects in a blob's folder count (not the
    /// store's mark).
    async fn ids(&self) -> io::Result<Vec<String>> {
        let depth = self.root.parts().count();
        let mut ids: Vec<String> = self
            .objects
            .list(Some(&self.root))
            .try_filter_map(|meta| async move {
                let mut parts = meta.location.parts().skip(depth);
                Ok(match (parts.next(), parts.next()) {
                    (Some(id), Some(_)) => Some(id.as_ref().to_owned()),
                    _ => None,
                })
            })
            .try_collect()
            .await
            .map_err(other)?;
        ids.dedup();
        Ok(ids)
    }
}

impl BlobStore for S3Blobs {
    fn write_at<'a>(&'a self, id: &'a str, offset: u64, len: u64, body: ChunkBody<'a>) -> BlobFuture<'a, ()> {
        Box::pin(self.write(id, offset, len, body))
    }

    fn read(&self, id: &str, from: u64, len: u64) -> BlobFuture<'_, ByteStream> {
        let id = id.to_owned();
        Box::pin(async move { self.stream_range(&id, from, len).await })
    }

    fn delete<'a>(&'a self, id: &'a str) -> BlobFuture<'a, ()> {
        Box::pin(self.remove(id))
    }

    fn list(&self) -> BlobFuture<'_, Vec<String>> {
        Box::pin(self.ids())
    }

    fn mark(&self) -> BlobFuture<'_, Option<String>> {
        Box::pin(async move {
            match self.objects.get(&self.root.child(MARK)).await {
                Ok(got) => {
                    let bytes = got.bytes().await.map_err(other)?;
                    Ok(Some(String::from_utf8_lossy(&bytes).into_owned()))
                }
                Err(object_store::Error::NotFound { .. }) => Ok(None),
                Err(error) => Err(other(error)),
            }
        })
    }

    fn set_mark<'a>(&'a self, mark: &'a str) -> BlobFuture<'a, ()> {
        let payload = PutPayload::from(mark.to_owned());
        Box::pin(
            async move { self.objects.put(&self.root.child(MARK), payload).await.map(drop).map_err(other) },
        )
    }

    /// A bucket has no free-space floor of this server's to keep: its room is the operator's
    /// quota, and what each account may hold is counted in the database.
    fn free_bytes(&self) -> io::Result<u64> {
        Ok(u64::MAX / 4)
    }
}
