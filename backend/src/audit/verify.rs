//! `audit verify`: walks the server's chain from `seq` 1 and reports the first break
//! (`docs/audit.md`, "`coffer-server audit verify`"): gaps, undecodable records, versions the
//! switch to keyed hashes does not allow, broken links, heads that do not match, and heads from
//! outside the database (`--expect`, the server's log) that the chain does not reach.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use coffer_shared::crypto::audit_chain::ChainKey;

use super::record::{GENESIS, UNKEYED_VERSION, decode, hash, hex, unhex};
use crate::store::audit::{AuditSnapshot, Head, SERVER_CHAIN};
use crate::store::{Store, StoreError};

/// Where a head from outside the database came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Typed by the operator (`--expect`).
    Expect,
    /// The last head seen in the server's log (`--log`).
    Log,
}

/// A head from outside the database: event `seq` must hash to `hash`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expect {
    /// The event.
    pub seq: u64,
    /// Its hash.
    pub hash: [u8; 32],
    /// Where it came from.
    pub source: Source,
}

impl FromStr for Expect {
    type Err = String;

    /// `SEQ:HASH`, as `verify` prints a head and the server's log writes `chain`.
    fn from_str(text: &str) -> Result<Self, String> {
        let refuse = || format!("{text:?} is not SEQ:HASH (a number, a colon, 64 hex digits)");
        let (seq, hash) = text.split_once(':').ok_or_else(refuse)?;
        Ok(Self {
            seq: seq.parse().ok().filter(|&seq: &u64| seq > 0).ok_or_else(refuse)?,
            hash: unhex(&hash.to_ascii_lowercase()).ok_or_else(refuse)?,
            source: Source::Expect,
        })
    }
}

impl Source {
    /// How a break names the source.
    fn name(self) -> &'static str {
        match self {
            Self::Expect => "the one recorded out of band (--expect)",
            Self::Log => "the one in the server's log (--log)",
        }
    }
}

/// What `verify` checks the log against, besides itself.
pub struct Checks<'a> {
    /// The key of the keyed hashes.
    pub key: &'a ChainKey,
    /// The `seq` of the first keyed event, as `<data-dir>/audit-keyed-from` records it.
    pub keyed_from: Option<u64>,
    /// Heads from outside the database.
    pub anchors: Vec<Expect>,
}

/// The first break found: the event it names and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The `seq` of the event named.
    pub at: u64,
    /// What was found.
    pub what: String,
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BROKEN at event {}: {}", self.at, self.what)
    }
}

/// What a verification that found no break saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Events in the server's chain.
    pub events: u64,
    /// Accounts with a chain.
    pub accounts: usize,
    /// The server chain's head.
    pub head: Head,
    /// The `seq` of the first keyed event, if any.
    pub first_keyed: Option<u64>,
    /// Whether the switch to keyed hashes is on record (`audit-keyed-from`).
    pub switch_recorded: bool,
    /// The heads from outside that matched.
    pub anchors: Vec<Expect>,
}

/// Why verification did not finish: a break, or a database that could not be read.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The log is broken.
    #[error("{0}")]
    Broken(Break),
    /// The database failed.
    #[error("{0}")]
    Store(#[from] StoreError),
}

fn broken(at: u64, what: impl Into<String>) -> Failure {
    Failure::Broken(Break { at, what: what.into() })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Chain {
    count: u64,
    last_seq: u64,
    hash: [u8; 32],
}

impl Default for Chain {
    fn default() -> Self {
        Self { count: 0, last_seq: 0, hash: GENESIS }
    }
}

/// The walk's state: the server chain so far, each account's, the `seq` of each account's
/// events in order (checked against the account index at the end, in one sequential read), and
/// where the keyed events began.
struct Walk<'a> {
    checks: &'a Checks<'a>,
    server: Chain,
    server_keyed: bool,
    first_keyed: Option<u64>,
    accounts: HashMap<String, Chain>,
    seqs: HashMap<String, Vec<u64>>,
}

impl<'a> Walk<'a> {
    fn new(checks: &'a Checks<'a>) -> Self {
        Self {
            checks,
            server: Chain::default(),
            server_keyed: false,
            first_keyed: None,
            accounts: HashMap::new(),
            seqs: HashMap::new(),
        }
    }

    /// A keyed event before the recorded switch, or an unkeyed one after it (or, without a
    /// record, after a keyed one), is a break: a downgrade or a forgery.
    fn check_version(&self, key: u64, version: u32) -> Result<(), Failure> {
        let unkeyed = version == UNKEYED_VERSION;
        match self.checks.keyed_from {
            Some(from) if unkeyed && key >= from => Err(broken(
                key,
                format!(
                    "it is unkeyed (version 1), but every event from {from} on is keyed (audit-keyed-from)"
                ),
            )),
            Some(from) if !unkeyed && key < from => Err(broken(
                key,
                format!("it is keyed, but the chain was keyed from event {from} on (audit-keyed-from)"),
            )),
            None if unkeyed && self.first_keyed.is_some() => Err(broken(
                key,
                format!(
                    "it is unkeyed (version 1) but follows keyed event {}",
                    self.first_keyed.unwrap_or_default()
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Checks one stored event against everything before it.
    fn visit(&mut self, key: u64, bytes: &[u8]) -> Result<(), Failure> {
        let expected = self.server.last_seq + 1;
        if key != expected {
            return Err(broken(expected, format!("missing (the next event stored is {key})")));
        }
        let record = decode(bytes).map_err(|error| broken(key, format!("does not decode: {error}")))?;
        if record.seq != key {
            return Err(broken(key, format!("it is stored as event {key} but holds seq {}", record.seq)));
        }
        self.check_version(key, record.v)?;
        if unhex(&record.prev) != Some(self.server.hash) {
            let forged =
                if self.server_keyed { ", or it was written without this server's secret" } else { "" };
            return Err(if key == 1 {
                broken(1, "its prev is not the genesis hash")
            } else {
                broken(
                    key - 1,
                    format!(
                        "its hash does not match the prev stored in event {key} (event {} or event {key}'s \
                         prev was changed{forged})",
                        key - 1
                    ),
                )
            });
        }
        let keyed = record.v != UNKEYED_VERSION;
        if keyed && self.first_keyed.is_none() {
            self.first_keyed = Some(key);
        }
        let digest = hash(&record, bytes, self.checks.key);
        match (&record.account, record.account_seq, &record.account_prev) {
            (Some(account), Some(account_seq), Some(account_prev)) => {
                let chain = self.accounts.entry(account.clone()).or_default();
                if account_seq != chain.count + 1 {
                    return Err(broken(
                        key,
                        format!(
                            "it is event #{account_seq} of account {account}, whose previous event was #{}",
                            chain.count
                        ),
                    ));
                }
                if unhex(account_prev) != Some(chain.hash) {
                    return Err(broken(
                        key,
                        format!(
                            "its account_prev is not the hash of account {account}'s previous event ({})",
                            chain.last_seq
                        ),
                    ));
                }
                *chain = Chain { count: account_seq, last_seq: key, hash: digest };
                self.seqs.entry(account.clone()).or_default().push(key);
            }
            (None, None, None) => {}
            _ => return Err(broken(key, "its account, account_seq and account_prev do not go together")),
        }
        for anchor in self.checks.anchors.iter().filter(|anchor| anchor.seq == key) {
            if anchor.hash != digest {
                return Err(broken(key, format!("its hash is not {}", anchor.source.name())));
            }
        }
        self.server = Chain { count: key, last_seq: key, hash: digest };
        self.server_keyed = keyed;
        Ok(())
    }

    /// Checks the end of every chain against its head, and the account index's size.
    fn finish(self, snapshot: &AuditSnapshot<'_>) -> Result<Report, Failure> {
        let heads: BTreeMap<String, Head> = snapshot.heads()?.into_iter().collect();
        let head = heads.get(SERVER_CHAIN).copied().unwrap_or_default();
        let last = self.server.last_seq;
        if head.last_seq > last {
            return Err(broken(
                last + 1,
                format!(
                    "missing (the log ends at event {last}, its head at event {}: the tail was cut)",
                    head.last_seq
                ),
            ));
        }
        if head.last_seq < last {
            return Err(broken(
                head.last_seq + 1,
                format!("not covered by the head, which ends at event {}", head.last_seq),
            ));
        }
        if head.hash != self.server.hash || head.count != self.server.count {
            return Err(broken(
                last,
                "its hash does not match the head's (the last event or the head was changed)",
            ));
        }
        let mut beyond: Vec<&Expect> =
            self.checks.anchors.iter().filter(|anchor| anchor.seq > last).collect();
        beyond.sort_by_key(|anchor| anchor.seq);
        if let Some(anchor) = beyond.first() {
            let named = match anchor.source {
                Source::Expect => "--expect names it".to_owned(),
                Source::Log => "the server's log (--log) names it: the tail was cut".to_owned(),
            };
            return Err(broken(anchor.seq, format!("missing (the log ends at event {last}; {named})")));
        }
        for (account, head) in heads.iter().filter(|(key, _)| key.as_str() != SERVER_CHAIN) {
            let chain = self.accounts.get(account).copied().unwrap_or_default();
            if (chain.count, chain.last_seq, chain.hash) != (head.count, head.last_seq, head.hash) {
                return Err(broken(
                    head.last_seq.max(chain.last_seq),
                    format!(
                        "account {account}'s head names event {} (#{}), its chain ends at event {} (#{}): \
                         events of the account were removed or changed",
                        head.last_seq, head.count, chain.last_seq, chain.count
                    ),
                ));
            }
        }
        let mut without_head: Vec<(&String, &Chain)> =
            self.accounts.iter().filter(|(account, _)| !heads.contains_key(*account)).collect();
        without_head.sort_by_key(|(_, chain)| chain.last_seq);
        if let Some((account, chain)) = without_head.first() {
            return Err(broken(chain.last_seq, format!("account {account} has events but no head")));
        }
        self.check_index(snapshot)?;
        Ok(Report {
            events: self.server.count,
            accounts: self.accounts.len(),
            head,
            first_keyed: self.first_keyed,
            switch_recorded: self.checks.keyed_from.is_some(),
            anchors: self.checks.anchors.clone(),
        })
    }
}

impl Walk<'_> {
    /// Every index entry must name the account's event of that number, and every event must
    /// have its entry.
    fn check_index(&self, snapshot: &AuditSnapshot<'_>) -> Result<(), Failure> {
        let mut found = None;
        let mut entries: HashMap<&str, u64> = HashMap::new();
        snapshot.account_index(|account, account_seq, seq| {
            let walked = self.seqs.get_key_value(account);
            let expected = walked.and_then(|(_, seqs)| seqs.get((account_seq as usize).wrapping_sub(1)));
            match (walked, expected) {
                (Some((key, _)), Some(&expected)) if expected == seq => {
                    *entries.entry(key.as_str()).or_default() += 1;
                    true
                }
                _ => {
                    let at = expected.copied().unwrap_or(seq);
                    let what =
                        format!("account {account}'s index maps its event #{account_seq} to event {seq}");
                    found = Some(broken(at, what));
                    false
                }
            }
        })?;
        if let Some(found) = found {
            return Err(found);
        }
        let mut short: Vec<(&String, &Vec<u64>)> = self
            .seqs
            .iter()
            .filter(|(account, seqs)| {
                entries.get(account.as_str()).copied().unwrap_or(0) != seqs.len() as u64
            })
            .collect();
        short.sort_by_key(|(_, seqs)| seqs.first().copied());
        match short.first() {
            Some((account, seqs)) => Err(broken(
                seqs.last().copied().unwrap_or(0),
                format!("account {account}'s index lacks entries of its {} events", seqs.len()),
            )),
            None => Ok(()),
        }
    }
}

/// Verifies the whole log in one read transaction. Blocking.
pub fn verify(store: &Store, checks: &Checks<'_>) -> Result<Report, Failure> {
    store.audit_snapshot(|snapshot| {
        let mut walk = Walk::new(checks);
        let mut failure = None;
        snapshot.events(1, |key, bytes| match walk.visit(key, bytes) {
            Ok(()) => true,
            Err(error) => {
                failure = Some(error);
                false
            }
        })?;
        if let Some(failure) = failure {
            return Ok(Err(failure));
        }
        Ok(walk.finish(snapshot))
    })?
}

/// The head as `verify` prints it, for recording out of band.
pub fn head_line(head: &Head) -> String {
    format!("head: seq {} hash {}", head.last_seq, hex(&head.hash))
}
