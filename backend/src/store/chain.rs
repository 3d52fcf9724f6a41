//! Linking new security events into their chains (`docs/audit.md`, "Chains"), apart from where
//! they are stored: each backend reads the heads, locked, then writes what [`link`] returns.

use std::collections::HashMap;

use coffer_shared::crypto::audit_chain::ChainKey;

use crate::audit::record::{Appended, GENESIS, Link, NewEvent, seal};

/// The head of a chain: how many events it holds, the `seq` of its last, and that event's hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// Events in the chain.
    pub count: u64,
    /// `seq` of the last one (0 for an empty chain).
    pub last_seq: u64,
    /// Its hash ([`GENESIS`] for an empty chain).
    pub hash: [u8; 32],
}

impl Default for Head {
    fn default() -> Self {
        Self { count: 0, last_seq: 0, hash: GENESIS }
    }
}

/// New events, sealed and linked, with what to store for them.
#[derive(Debug, Default)]
pub struct Linked {
    /// Where each event went, in order.
    pub appended: Vec<Appended>,
    /// `(seq, stored record)` of each event.
    pub records: Vec<(u64, Vec<u8>)>,
    /// `(account, account_seq, seq)` of each account event.
    pub index: Vec<(String, u64, u64)>,
}

/// The accounts `events` name, each once, sorted (the order their heads are locked in).
pub fn accounts_of(events: &[NewEvent]) -> Vec<String> {
    let mut accounts: Vec<String> =
        events.iter().filter_map(|event| event.account.as_ref().map(|a| a.as_str().to_owned())).collect();
    accounts.sort_unstable();
    accounts.dedup();
    accounts
}

/// Seals `events` in order after `server` (the server chain's head) and, for account events,
/// after their account's head in `accounts` (which holds every account [`accounts_of`] names);
/// moves the heads on.
pub fn link(
    events: &[NewEvent],
    server: &mut Head,
    accounts: &mut HashMap<String, Head>,
    key: &ChainKey,
) -> Linked {
    let mut linked = Linked::default();
    for event in events {
        let seq = server.last_seq + 1;
        let mut account_head = event.account.as_ref().map(|account| {
            let head = accounts.entry(account.as_str().to_owned()).or_default();
            (account.as_str(), head)
        });
        let account_link = account_head.as_ref().map(|(_, head)| (head.count + 1, head.hash));
        let (_, bytes, hash) = seal(event, Link { seq, prev: server.hash, account: account_link }, key);
        *server = Head { count: server.count + 1, last_seq: seq, hash };
        let mut account_seq = None;
        if let Some((account, head)) = account_head.as_mut() {
            **head = Head { count: head.count + 1, last_seq: seq, hash };
            linked.index.push(((*account).to_owned(), head.count, seq));
            account_seq = Some(head.count);
        }
        linked.records.push((seq, bytes));
        linked.appended.push(Appended { seq, account_seq, hash });
    }
    linked
}
