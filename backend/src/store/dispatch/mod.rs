//! [`Store`](super::Store)'s methods, a file per concern, each handing the call to the backend
//! the store was opened with.

/// Calls `method` with `args` on whichever backend `store` holds and awaits it.
macro_rules! dispatch {
    ($store:ident . $method:ident ( $($arg:expr),* )) => {
        match $store {
            crate::store::Store::Redb(backend) => backend.$method($($arg),*).await,
            crate::store::Store::Postgres(backend) => backend.$method($($arg),*).await,
        }
    };
}

mod accounts;
mod attempts;
mod audit;
mod downloads;
mod file_sweep;
mod notices;
mod owned_shares;
mod pending;
mod reservations;
mod sessions;
mod shares;
mod uploads;
mod vault;
