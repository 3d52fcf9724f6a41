//! Stub.
use super::{Import, ImportError};
/// Stub.
pub fn parse(_bytes: &[u8]) -> Result<Import, ImportError> { Err(ImportError::Unrecognised) }
/// Stub.
pub fn looks_like(_bytes: &[u8]) -> bool { false }
