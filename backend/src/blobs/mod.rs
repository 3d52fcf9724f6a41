//! Where file ciphertext lives: outside the database, one blob per file id
//! (docs/api.md, "Limits and storage"). The database says what a blob holds and whether it may
//! be read; a blob store only writes bytes at offsets, streams them back and deletes them. The
//! blobs are in the data folder ([`DiskBlobs`]) or in an S3-compatible bucket ([`S3Blobs`],
//! `--blob-store`), which every server of a cluster shares.

pub mod agreement;
pub mod disk;
pub mod locks;
pub mod s3;
pub mod url;

use std::future::Future;
use std::io;
use std::pin::Pin;

use bytes::Bytes;
use futures_util::Stream;

pub use disk::DiskBlobs;
pub use locks::ChunkLocks;
pub use s3::S3Blobs;
pub use url::BlobStoreUrl;

/// A boxed future of a blob operation.
pub type BlobFuture<'a, T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send + 'a>>;
/// Bytes flowing into or out of a blob.
pub type ByteStream = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>;
/// A chunk body borrowed from its request, so the caller keeps its hasher afterwards.
pub type ChunkBody<'a> = &'a mut (dyn Stream<Item = io::Result<Bytes>> + Send + Unpin);

/// Storage for file ciphertext.
pub trait BlobStore: Send + Sync + 'static {
    /// Writes `body` (`len` bytes) into blob `id` from `offset` on, creating the blob if
    /// needed, and returns only once the bytes are durable. Fails with `StorageFull` before
    /// writing anything if `len` more bytes would leave the file system below the free-space
    /// floor, and with `ResourceBusy` if the store has no room to take the chunk now. A body
    /// that ends in an error (too long, too short, a failed checksum) fails the write. The
    /// caller counts a chunk only after this returns `Ok`; after a failure the range holds
    /// nothing the caller may read.
    fn write_at<'a>(&'a self, id: &'a str, offset: u64, len: u64, body: ChunkBody<'a>) -> BlobFuture<'a, ()>;

    /// Streams `len` bytes of blob `id` from `from`.
    fn read(&self, id: &str, from: u64, len: u64) -> BlobFuture<'_, ByteStream>;

    /// Deletes blob `id`; a missing blob is not an error.
    fn delete<'a>(&'a self, id: &'a str) -> BlobFuture<'a, ()>;

    /// The ids of every stored blob (to find blobs that no record names).
    fn list(&self) -> BlobFuture<'_, Vec<String>>;

    /// Bytes still free for new blobs (and the database) on the file system.
    fn free_bytes(&self) -> io::Result<u64>;

    /// The mark that names this store among others (`None` for a store never marked): the
    /// servers of one database check that they all keep blobs in the same store.
    fn mark(&self) -> BlobFuture<'_, Option<String>>;

    /// Marks the store with `mark`, durably.
    fn set_mark<'a>(&'a self, mark: &'a str) -> BlobFuture<'a, ()>;
}

/// The name of the mark in a store: not a blob id (those are 22 characters of base64url).
const MARK: &str = "store-mark";
