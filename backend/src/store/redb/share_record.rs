//! A share as stored in [`super::schema::SHARES`]: its counters, token hashes and (up to
//! [`INLINE_MAX`] bytes) its envelope in one value, in the binary layout of `docs/storage.md`
//! ("A share's record"). One value per share means a new share dirties one page at a random place
//! in the file instead of two, and pages are what a durable commit pays for (about 25 µs of
//! `fdatasync` each here). A larger envelope waits in [`super::schema::ENVELOPES`]: every view
//! counted rewrites the record, and that must stay a small write however large the envelope.

use coffer_shared::api::ShareState;
use coffer_shared::id::AccountId;

use super::StoreError;
use super::shares::StoredStatus;

/// The layout's first byte.
const FORMAT: u8 = 1;
/// `read_receipt` in the flags byte.
const READ_RECEIPT: u8 = 1;
/// In the flags byte: the envelope is in [`super::schema::ENVELOPES`], not in the record.
const APART: u8 = 2;
/// Envelopes up to this many bytes are kept in the record (a text secret's are a few hundred).
pub(super) const INLINE_MAX: usize = 2048;
/// The bytes before the owner: format, three hashes, two times, four counters, flags, owner length.
const FIXED_LEN: usize = 1 + 3 * 32 + 2 * 8 + 4 * 4 + 1 + 1;

/// A stored share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ShareRecord {
    pub header: Vec<u8>,
    pub access_hash: [u8; 32],
    pub status_hash: [u8; 32],
    pub manage_hash: [u8; 32],
    pub created_at: u64,
    pub expires_at: u64,
    pub max_views: u32,
    pub views_used: u32,
    pub max_wrong_claims: u32,
    pub wrong_claims: u32,
    pub owner: Option<AccountId>,
    pub read_receipt: bool,
    pub envelope: Envelope,
}

/// Where a share's envelope is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Envelope {
    /// In the record: at most [`INLINE_MAX`] bytes.
    Inline(Vec<u8>),
    /// In [`super::schema::ENVELOPES`], under the share's id.
    Apart,
}

impl Envelope {
    /// Where an envelope of these bytes is kept: the bytes to store apart, if any, come back.
    pub fn place(bytes: &[u8]) -> (Self, Option<&[u8]>) {
        match bytes.len() <= INLINE_MAX {
            true => (Envelope::Inline(bytes.to_vec()), None),
            false => (Envelope::Apart, Some(bytes)),
        }
    }
}

impl ShareRecord {
    /// Why a share that is no longer live ended.
    pub fn end_state(&self, now: u64) -> ShareState {
        if self.views_used >= self.max_views {
            ShareState::UsedUp
        } else if self.wrong_claims >= self.max_wrong_claims {
            ShareState::Destroyed
        } else if now >= self.expires_at {
            ShareState::Expired
        } else {
            ShareState::Active
        }
    }

    pub fn is_live(&self, now: u64) -> bool {
        now < self.expires_at && self.views_used < self.max_views && self.wrong_claims < self.max_wrong_claims
    }

    pub fn status(&self) -> StoredStatus {
        StoredStatus {
            header: self.header.clone(),
            expires_at: self.expires_at,
            views_left: self.max_views - self.views_used,
            max_views: self.max_views,
            wrong_claims_left: self.max_wrong_claims - self.wrong_claims,
            file_count: 0,
            file_bytes: 0,
            owner: self.owner.clone(),
            signer: None,
            by_manager: false,
        }
    }

    /// The record's stored bytes.
    pub fn encode(&self) -> Result<Vec<u8>, StoreError> {
        let owner = self.owner.as_ref().map_or("", |owner| owner.as_str());
        let header_len = u16::try_from(self.header.len())
            .map_err(|_| StoreError::Corrupt(format!("a share header of {} bytes", self.header.len())))?;
        let (inline, flags) = match &self.envelope {
            Envelope::Inline(bytes) if bytes.len() <= INLINE_MAX => (bytes.as_slice(), 0),
            Envelope::Inline(bytes) => {
                return Err(StoreError::Corrupt(format!("an envelope of {} bytes in a record", bytes.len())));
            }
            Envelope::Apart => (&[][..], APART),
        };
        let mut out = Vec::with_capacity(FIXED_LEN + owner.len() + 2 + self.header.len() + inline.len());
        out.push(FORMAT);
        for hash in [&self.access_hash, &self.status_hash, &self.manage_hash] {
            out.extend_from_slice(hash);
        }
        out.extend_from_slice(&self.created_at.to_be_bytes());
        out.extend_from_slice(&self.expires_at.to_be_bytes());
        for counter in [self.max_views, self.views_used, self.max_wrong_claims, self.wrong_claims] {
            out.extend_from_slice(&counter.to_be_bytes());
        }
        out.push(flags | if self.read_receipt { READ_RECEIPT } else { 0 });
        out.push(owner.len() as u8); // an id is 22 characters
        out.extend_from_slice(owner.as_bytes());
        out.extend_from_slice(&header_len.to_be_bytes());
        out.extend_from_slice(&self.header);
        out.extend_from_slice(inline);
        Ok(out)
    }

    /// Reads stored bytes; anything but this layout is [`StoreError::Corrupt`].
    pub fn decode(bytes: &[u8]) -> Result<Self, StoreError> {
        let corrupt = || StoreError::Corrupt("a share record that does not parse".into());
        let mut reader = Reader(bytes);
        if reader.take(1).ok_or_else(corrupt)? != [FORMAT] {
            return Err(corrupt());
        }
        let access_hash = reader.array().ok_or_else(corrupt)?;
        let status_hash = reader.array().ok_or_else(corrupt)?;
        let manage_hash = reader.array().ok_or_else(corrupt)?;
        let created_at = u64::from_be_bytes(reader.array().ok_or_else(corrupt)?);
        let expires_at = u64::from_be_bytes(reader.array().ok_or_else(corrupt)?);
        let mut counters = [0u32; 4];
        for counter in &mut counters {
            *counter = u32::from_be_bytes(reader.array().ok_or_else(corrupt)?);
        }
        let [max_views, views_used, max_wrong_claims, wrong_claims] = counters;
        let [flags] = reader.array().ok_or_else(corrupt)?;
        if flags & !(READ_RECEIPT | APART) != 0 {
            return Err(corrupt());
        }
        let [owner_len] = reader.array().ok_or_else(corrupt)?;
        let owner = match owner_len {
            0 => None,
            len => {
                let text = std::str::from_utf8(reader.take(usize::from(len)).ok_or_else(corrupt)?);
                Some(text.ok().and_then(|text| text.parse().ok()).ok_or_else(corrupt)?)
            }
        };
        let header_len = u16::from_be_bytes(reader.array().ok_or_else(corrupt)?);
        let header = reader.take(usize::from(header_len)).ok_or_else(corrupt)?.to_vec();
        let envelope = match (flags & APART != 0, reader.0) {
            (false, inline) if inline.len() <= INLINE_MAX => Envelope::Inline(inline.to_vec()),
            (true, []) => Envelope::Apart,
            _ => return Err(corrupt()),
        };
        Ok(Self {
            header,
            access_hash,
            status_hash,
            manage_hash,
            created_at,
            expires_at,
            max_views,
            views_used,
            max_wrong_claims,
            wrong_claims,
            owner,
            read_receipt: flags & READ_RECEIPT != 0,
            envelope,
        })
    }
}

/// The bytes not read yet.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Option<&'a [u8]> {
        let (taken, rest) = self.0.split_at_checked(len)?;
        self.0 = rest;
        Some(taken)
    }

    fn array<const N: usize>(&mut self) -> Option<[u8; N]> {
        self.take(N)?.try_into().ok()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)] // a failed unwrap is a failed test

    use super::*;

    fn record(owner: Option<AccountId>, envelope: Envelope) -> ShareRecord {
        ShareRecord {
            header: vec![7; 40],
            access_hash: [1; 32],
            status_hash: [2; 32],
            manage_hash: [3; 32],
            created_at: 1_700_000_000,
            expires_at: u64::MAX - 1,
            max_views: 100,
            views_used: 99,
            max_wrong_claims: 10,
            wrong_claims: 3,
            read_receipt: owner.is_some(),
            owner,
            envelope,
        }
    }

    fn inline(len: usize) -> Envelope {
        Envelope::Inline((0..len).map(|i| i as u8).collect())
    }

    #[test]
    fn a_record_reads_back_as_written_with_or_without_an_owner_and_its_envelope() {
        for owner in [None, Some(AccountId::from_bytes([9; 16]))] {
            for (envelope, inline_len) in
                [(inline(256), 256), (inline(INLINE_MAX), INLINE_MAX), (Envelope::Apart, 0)]
            {
                let record = record(owner.clone(), envelope);
                let bytes = record.encode().unwrap();
                let owner_len = record.owner.as_ref().map_or(0, |_| 22);
                assert_eq!(bytes.len(), FIXED_LEN + owner_len + 2 + 40 + inline_len);
                assert_eq!(ShareRecord::decode(&bytes).unwrap(), record);
            }
        }
    }

    #[test]
    fn an_envelope_is_kept_in_the_record_up_to_the_limit_and_apart_above_it() {
        let small = vec![1; INLINE_MAX];
        assert_eq!(Envelope::place(&small), (Envelope::Inline(small.clone()), None));
        let large = vec![1; INLINE_MAX + 1];
        assert_eq!(Envelope::place(&large), (Envelope::Apart, Some(&large[..])));
        assert!(record(None, Envelope::Inline(large)).encode().is_err());
    }

    #[test]
    fn every_cut_short_or_altered_layout_is_corrupt() {
        let bytes = record(Some(AccountId::from_bytes([9; 16])), inline(256)).encode().unwrap();
        // Cut anywhere before the envelope, the record is refused (within it, the envelope is
        // shorter: the envelope's own parser refuses that when it is claimed).
        let envelope_at = bytes.len() - 256;
        for len in 0..envelope_at {
            assert!(ShareRecord::decode(&bytes[..len]).is_err(), "cut at {len}");
        }
        let flags_at = FIXED_LEN - 2;
        let altered = |at: usize, value: u8| {
            let mut altered = bytes.clone();
            altered[at] = value;
            ShareRecord::decode(&altered)
        };
        assert!(altered(0, 2).is_err(), "another format");
        assert!(altered(flags_at, bytes[flags_at] | 0x80).is_err(), "an unknown flag");
        assert!(altered(flags_at, bytes[flags_at] | APART).is_err(), "apart, with bytes in the record");
        assert!(altered(FIXED_LEN, b'!').is_err(), "an owner that is no account id");
        assert!(altered(FIXED_LEN - 1, 21).is_err(), "an owner id of the wrong length");
        let mut too_long = bytes.clone();
        too_long.resize(bytes.len() - 256 + INLINE_MAX + 1, 0);
        assert!(ShareRecord::decode(&too_long).is_err(), "an inline envelope past the limit");
    }

    #[test]
    fn no_byte_string_makes_decoding_panic() {
        let valid = record(Some(AccountId::from_bytes([9; 16])), inline(64)).encode().unwrap();
        // Every byte of a valid record set to values that matter to lengths and flags.
        for at in 0..valid.len() {
            for value in [0, 1, 2, 3, 21, 22, 23, 0x7f, 0x80, 0xfe, 0xff] {
                let mut bytes = valid.clone();
                bytes[at] = value;
                let _ = ShareRecord::decode(&bytes);
            }
        }
        // And pseudo-random strings of every length up to 600, with and without the format byte.
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        for len in 0..600 {
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    state as u8
                })
                .collect();
            let _ = ShareRecord::decode(&bytes);
            let _ = ShareRecord::decode(&[&[FORMAT][..], &bytes].concat());
        }
    }
}
