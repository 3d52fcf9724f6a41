//! Between Rust values and PostgreSQL columns: Unix times, sizes and counters are `u64` here and
//! `bigint` there; hashes are `[u8; 32]` here and `bytea` there.

use crate::store::StoreError;

/// A `u64` as a `bigint`. Every stored time, size and counter is far below 2^63.
pub(in crate::store) fn big(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{value} does not fit a bigint")))
}

/// A `bigint` column as a `u64`.
pub(super) fn unsigned(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative value {value}")))
}

/// A `u32` limit or counter as an `integer`.
pub(in crate::store) fn int(value: u32) -> Result<i32, StoreError> {
    i32::try_from(value).map_err(|_| StoreError::Corrupt(format!("{value} does not fit an integer")))
}

/// An `integer` column as a `u32`.
pub(super) fn count(value: i32) -> Result<u32, StoreError> {
    u32::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative count {value}")))
}

/// A `bytea` column that holds a SHA-256 hash.
pub(super) fn hash(bytes: &[u8]) -> Result<[u8; 32], StoreError> {
    bytes.try_into().map_err(|_| StoreError::Corrupt(format!("a hash of {} bytes", bytes.len())))
}

/// The answer of a method the PostgreSQL backend does not have yet.
pub(super) fn not_yet(method: &str) -> StoreError {
    StoreError::Database(format!("{method} is not yet implemented on PostgreSQL"))
}
