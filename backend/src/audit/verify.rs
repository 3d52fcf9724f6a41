//! `audit verify`: walks each server's chain from `seq` 1 and reports the first break
//! (`docs/audit.md`, "`coffer-server audit verify`"): gaps, undecodable records, versions the
//! switch to keyed hashes does not allow, broken links, heads that do not match, and heads from
//! outside the database (`--expect`, the server's log) that the chain does not reach.
//!
//! A redb file holds one server chain (`""`), walked as it is read. A PostgreSQL database holds
//! one per server; an account's chain crosses them, so they are read whole and walked in an
//! order that keeps each account's events in the account's order.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::str::FromStr;

use coffer_shared::crypto::audit_chain::ChainKey;
use subtle::ConstantTimeEq;

use super::record::{GENESIS, UNKEYED_VERSION, decode, hash, hex, unhex};
use crate::store::audit_view::AuditView;
use crate::store::chain::Head;
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
    /// The `seq` of the first keyed event, as `<data-dir>/audit-keyed-from` records it (on
    /// PostgreSQL: 1, every event keyed).
    pub keyed_from: Option<u64>,
    /// Server chains whose first keyed event is another one than `keyed_from` says: a chain
    /// moved from a redb file whose log began unkeyed (`coffer-server migrate --from`). Each
    /// record must carry the server's tag, or verification stops at it.
    pub keyed_from_chains: Vec<KeyedFrom>,
    /// Heads from outside the database.
    pub anchors: Vec<Expect>,
}

/// The record that a server chain was keyed from event `seq` on, with the server's tag of it
/// (`ChainKey::keyed_from_tag`), as the database keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyedFrom {
    /// The server chain.
    pub chain: String,
    /// Its first keyed event.
    pub seq: u64,
    /// The server's tag of `chain` and `seq`.
    pub tag: [u8; 32],
}

impl Checks<'_> {
    /// The `seq` of the first keyed event of server chain `chain`.
    fn keyed_from_of(&self, chain: &str) -> Option<u64> {
        match self.keyed_from_chains.iter().find(|record| record.chain == chain) {
            Some(record) => Some(record.seq),
            None => self.keyed_from,
        }
    }

    /// A keyed-from record whose tag is not the server's: someone without the server secret
    /// moved a chain's switch to pass unkeyed events off as the server's.
    fn forged_keyed_from(&self) -> Option<Failure> {
        let forged = self.keyed_from_chains.iter().find(|record| {
            !bool::from(self.key.keyed_from_tag(&record.chain, record.seq).ct_eq(&record.tag))
        })?;
        Some(broken_in(
            &forged.chain,
            forged.seq,
            "the record that this chain was keyed from here on does not carry the server's tag",
        ))
    }
}

/// The first break found: the event it names and what is wrong there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Break {
    /// The server chain of the event named (`""` for a redb file's one chain).
    pub chain: String,
    /// The `seq` of the event named.
    pub at: u64,
    /// What was found.
    pub what: String,
}

impl fmt::Display for Break {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.chain.is_empty() {
            true => write!(f, "BROKEN at event {}: {}", self.at, self.what),
            false => write!(f, "BROKEN at event {} of server {}: {}", self.at, self.chain, self.what),
        }
    }
}

/// What a verification that found no break saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Events in the server chains together.
    pub events: u64,
    /// Accounts with a chain.
    pub accounts: usize,
    /// The head of the one server chain (of the last, by name, when there are several).
    pub head: Head,
    /// Every server chain's name and head, by name.
    pub chains: Vec<(String, Head)>,
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

fn broken_in(chain: &str, at: u64, what: impl Into<String>) -> Failure {
    Failure::Broken(Break { chain: chain.to_owned(), at, what: what.into() })
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Chain {
    count: u64,
    last_seq: u64,
    hash: [u8; 32],
    /// The server chain of the last event (an account chain's may be any).
    last_server: String,
}

impl Default for Chain {
    fn default() -> Self {
        Self { count: 0, last_seq: 0, hash: GENESIS, last_server: String::new() }
    }
}

/// A server chain's walk so far.
#[derive(Debug, Clone, Default)]
struct ServerWalk {
    chain: Chain,
    keyed: bool,
    first_keyed: Option<u64>,
}

/// The walk's state: the server chain being walked (`current`), the others walked so far, each
/// account's chain, the `(server, seq)` of each account's events in order (checked against the
/// account index at the end, in one sequential read), and where the keyed events began.
struct Walk<'a> {
    checks: &'a Checks<'a>,
    current: String,
    server: ServerWalk,
    servers: BTreeMap<String, ServerWalk>,
    accounts: HashMap<String, Chain>,
    seqs: HashMap<String, Vec<(String, u64)>>,
}

impl<'a> Walk<'a> {
    fn new(checks: &'a Checks<'a>) -> Self {
        Self {
            checks,
            current: String::new(),
            server: ServerWalk::default(),
            servers: BTreeMap::new(),
            accounts: HashMap::new(),
            seqs: HashMap::new(),
        }
    }

    /// Goes on walking server chain `name` where it was left.
    fn switch(&mut self, name: &str) {
        if name != self.current {
            let left = std::mem::replace(&mut self.server, self.servers.remove(name).unwrap_or_default());
            self.servers.insert(std::mem::replace(&mut self.current, name.to_owned()), left);
        }
    }

    fn broken(&self, at: u64, what: impl Into<String>) -> Failure {
        broken_in(&self.current, at, what)
    }

    /// A keyed event before the recorded switch, or an unkeyed one after it (or, without a
    /// record, after a keyed one), is a break: a downgrade or a forgery.
    fn check_version(&self, key: u64, version: u32) -> Result<(), Failure> {
        let unkeyed = version == UNKEYED_VERSION;
        match self.checks.keyed_from_of(&self.current) {
            Some(from) if unkeyed && key >= from => Err(self.broken(
                key,
                format!(
                    "it is unkeyed (version 1), but every event from {from} on is keyed (audit-keyed-from)"
                ),
            )),
            Some(from) if !unkeyed && key < from => Err(self.broken(
                key,
                format!("it is keyed, but the chain was keyed from event {from} on (audit-keyed-from)"),
            )),
            None if unkeyed && self.server.first_keyed.is_some() => Err(self.broken(
                key,
                format!(
                    "it is unkeyed (version 1) but follows keyed event {}",
                    self.server.first_keyed.unwrap_or_default()
                ),
            )),
            _ => Ok(()),
        }
    }

    /// Checks one stored event against everything before it.
    fn visit(&mut self, key: u64, bytes: &[u8]) -> Result<(), Failure> {
        let expected = self.server.chain.last_seq + 1;
        if key != expected {
            return Err(self.broken(expected, format!("missing (the next event stored is {key})")));
        }
        let record = decode(bytes).map_err(|error| self.broken(key, format!("does not decode: {error}")))?;
        if record.seq != key {
            return Err(self.broken(key, format!("it is stored as event {key} but holds seq {}", record.seq)));
        }
        self.check_version(key, record.v)?;
        if unhex(&record.prev) != Some(self.server.chain.hash) {
            let forged =
                if self.server.keyed { ", or it was written without this server's secret" } else { "" };
            return Err(if key == 1 {
                self.broken(1, "its prev is not the genesis hash")
            } else {
                self.broken(
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
        if keyed && self.server.first_keyed.is_none() {
            self.server.first_keyed = Some(key);
        }
        let digest = hash(&record, bytes, self.checks.key);
        match (&record.account, record.account_seq, &record.account_prev) {
            (Some(account), Some(account_seq), Some(account_prev)) => {
                let chain = self.accounts.get(account).cloned().unwrap_or_default();
                if account_seq != chain.count + 1 {
                    return Err(self.broken(
                        key,
                        format!(
                            "it is event #{account_seq} of account {account}, whose previous event was #{}",
                            chain.count
                        ),
                    ));
                }
                if unhex(account_prev) != Some(chain.hash) {
                    return Err(self.broken(
                        key,
                        format!(
                            "its account_prev is not the hash of account {account}'s previous event ({})",
                            chain.last_seq
                        ),
                    ));
                }
                let last_server = self.current.clone();
                self.accounts.insert(
                    account.clone(),
                    Chain { count: account_seq, last_seq: key, hash: digest, last_server },
                );
                self.seqs.entry(account.clone()).or_default().push((self.current.clone(), key));
            }
            (None, None, None) => {}
            _ => return Err(self.broken(key, "its account, account_seq and account_prev do not go together")),
        }
        for anchor in self.checks.anchors.iter().filter(|anchor| anchor.seq == key) {
            if anchor.hash != digest {
                return Err(self.broken(key, format!("its hash is not {}", anchor.source.name())));
            }
        }
        self.server.chain =
            Chain { count: key, last_seq: key, hash: digest, last_server: self.current.clone() };
        self.server.keyed = keyed;
        Ok(())
    }

    /// Checks the end of the current server chain against its head and the heads from outside.
    fn end_chain(&self, head: &Head) -> Result<(), Failure> {
        let walked = &self.server.chain;
        let last = walked.last_seq;
        if head.last_seq > last {
            return Err(self.broken(
                last + 1,
                format!(
                    "missing (the log ends at event {last}, its head at event {}: the tail was cut)",
                    head.last_seq
                ),
            ));
        }
        if head.last_seq < last {
            return Err(self.broken(
                head.last_seq + 1,
                format!("not covered by the head, which ends at event {}", head.last_seq),
            ));
        }
        if head.hash != walked.hash || head.count != walked.count {
            return Err(self.broken(
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
            return Err(self.broken(anchor.seq, format!("missing (the log ends at event {last}; {named})")));
        }
        Ok(())
    }

    /// Checks every account chain against its head, and the account index.
    fn finish(mut self, view: &dyn AuditView, chains: Vec<(String, Head)>) -> Result<Report, Failure> {
        let heads: BTreeMap<String, Head> = view.account_heads()?.into_iter().collect();
        for (account, head) in &heads {
            let chain = self.accounts.get(account).cloned().unwrap_or_default();
            if (chain.count, chain.last_seq, chain.hash) != (head.count, head.last_seq, head.hash) {
                return Err(broken_in(
                    &chain.last_server,
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
            let what = format!("account {account} has events but no head");
            return Err(broken_in(&chain.last_server, chain.last_seq, what));
        }
        self.check_index(view)?;
        let current = std::mem::take(&mut self.current);
        let server = std::mem::take(&mut self.server);
        self.servers.insert(current, server);
        let first_keyed = match self.servers.len() {
            1 => self.servers.values().next().and_then(|server| server.first_keyed),
            _ => self.servers.values().filter_map(|server| server.first_keyed).min(),
        };
        Ok(Report {
            events: self.servers.values().map(|server| server.chain.count).sum(),
            accounts: self.accounts.len(),
            head: chains.last().map(|(_, head)| *head).unwrap_or_default(),
            chains,
            first_keyed,
            switch_recorded: self.checks.keyed_from.is_some(),
            anchors: self.checks.anchors.clone(),
        })
    }
}

impl Walk<'_> {
    /// Every index entry must name the account's event of that number, and every event must
    /// have its entry.
    fn check_index(&self, view: &dyn AuditView) -> Result<(), Failure> {
        let mut found = None;
        let mut entries: HashMap<&str, u64> = HashMap::new();
        view.account_index(&mut |account, account_seq, server, seq| {
            let walked = self.seqs.get_key_value(account);
            let expected = walked.and_then(|(_, seqs)| seqs.get((account_seq as usize).wrapping_sub(1)));
            match (walked, expected) {
                (Some((key, _)), Some((expected_server, expected)))
                    if *expected == seq && expected_server == server =>
                {
                    *entries.entry(key.as_str()).or_default() += 1;
                    true
                }
                _ => {
                    let (chain, at) = expected.cloned().unwrap_or_else(|| (server.to_owned(), seq));
                    let what =
                        format!("account {account}'s index maps its event #{account_seq} to event {seq}");
                    found = Some(broken_in(&chain, at, what));
                    false
                }
            }
        })?;
        if let Some(found) = found {
            return Err(found);
        }
        let mut short: Vec<(&String, &Vec<(String, u64)>)> = self
            .seqs
            .iter()
            .filter(|(account, seqs)| {
                entries.get(account.as_str()).copied().unwrap_or(0) != seqs.len() as u64
            })
            .collect();
        short.sort_by_key(|(_, seqs)| seqs.first().map(|(_, seq)| *seq));
        match short.first() {
            Some((account, seqs)) => {
                let (chain, at) = seqs.last().cloned().unwrap_or_default();
                let what = format!("account {account}'s index lacks entries of its {} events", seqs.len());
                Err(broken_in(&chain, at, what))
            }
            None => Ok(()),
        }
    }
}

/// Verifies the whole log in one consistent view. Blocking.
pub fn verify(store: &Store, checks: &Checks<'_>) -> Result<Report, Failure> {
    store.audit_snapshot(|view| Ok(verify_view(view, checks)))?
}

/// [`verify`] over any view of a log (`coffer-server migrate --from` checks its copy inside
/// its transaction with it). Blocking.
pub fn verify_view(view: &dyn AuditView, checks: &Checks<'_>) -> Result<Report, Failure> {
    if let Some(forged) = checks.forged_keyed_from() {
        return Err(forged);
    }
    let chains = view.server_heads()?;
    let mut walk = Walk::new(checks);
    if checks.anchors.is_empty() || chains.len() <= 1 {
        match chains.as_slice() {
            [] => {}
            [(name, head)] => {
                walk.switch(name);
                let mut failure = None;
                view.events(name, 1, &mut |key, bytes| match walk.visit(key, bytes) {
                    Ok(()) => true,
                    Err(error) => {
                        failure = Some(error);
                        false
                    }
                })?;
                if let Some(failure) = failure {
                    return Err(failure);
                }
                walk.end_chain(head)?;
            }
            _ => walk_interleaved(view, &chains, &mut walk)?,
        }
    } else {
        return Err(broken_in("", 0, "--expect and --log name one chain, and this log has one per server"));
    }
    walk.finish(view, chains)
}

/// Walks several server chains, read whole, in an order that visits each account's events in
/// the account's order: each chain as far as its next event's account predecessors have been
/// visited, round and round. An event no round can reach is visited anyway, and named broken.
fn walk_interleaved(
    view: &dyn AuditView,
    chains: &[(String, Head)],
    walk: &mut Walk<'_>,
) -> Result<(), Failure> {
    /// A chain read whole: its name, its `(seq, record)`s, and the next to visit.
    struct Loaded<'a> {
        name: &'a str,
        events: Vec<(u64, Vec<u8>)>,
        next: usize,
    }
    let mut loaded: Vec<Loaded<'_>> = Vec::with_capacity(chains.len());
    for (name, _) in chains {
        let mut events = Vec::new();
        view.events(name, 1, &mut |seq, bytes| {
            events.push((seq, bytes.to_vec()));
            true
        })?;
        loaded.push(Loaded { name: name.as_str(), events, next: 0 });
    }
    loop {
        let mut progressed = false;
        for chain in loaded.iter_mut() {
            walk.switch(chain.name);
            while let Some((seq, bytes)) = chain.events.get(chain.next) {
                if !ready(walk, bytes) {
                    break;
                }
                walk.visit(*seq, bytes)?;
                chain.next += 1;
                progressed = true;
            }
        }
        if !progressed {
            break;
        }
    }
    if let Some(chain) = loaded.iter().find(|chain| chain.next < chain.events.len()) {
        walk.switch(chain.name);
        let (seq, bytes) = &chain.events[chain.next];
        walk.visit(*seq, bytes)?;
        return Err(walk.broken(*seq, "it cannot be placed in its account's chain"));
    }
    for (name, head) in chains {
        walk.switch(name);
        walk.end_chain(head)?;
    }
    Ok(())
}

/// Whether an event can be visited now: it is no account's, or its account's events before it
/// have been visited (one that does not decode is visited, to be named broken).
fn ready(walk: &Walk<'_>, bytes: &[u8]) -> bool {
    let Ok(record) = decode(bytes) else { return true };
    match (&record.account, record.account_seq) {
        (Some(account), Some(account_seq)) => {
            account_seq <= walk.accounts.get(account).map_or(0, |chain| chain.count) + 1
        }
        _ => true,
    }
}

/// The head as `verify` prints it, for recording out of band.
pub fn head_line(head: &Head) -> String {
    format!("head: seq {} hash {}", head.last_seq, hex(&head.hash))
}
