//! Log facts in words, the same in the browser app and in the server's e-mails: a device from
//! its `User-Agent`, and why a request was refused from its error code.

pub mod device;
pub mod refusal;
