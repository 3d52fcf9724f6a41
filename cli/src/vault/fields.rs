//! A record's fields by name, for `coffer vault get --field` and for showing a record: the
//! login's, the card's and the identity's members, `notes`, `name`, `totp` as its current code,
//! and the user's custom fields.

use coffer_shared::crypto::otpauth::OtpAuth;
use coffer_shared::crypto::vault::{RecordFields, VaultRecord};
use zeroize::Zeroizing;

use crate::exit::{Failure, Kind, Outcome};
use crate::time;

/// The value of `field` in `record`; `totp` is the code at `now` (Unix seconds). Member names
/// first (in any case), then custom fields (exact name, else in any case).
pub fn value(record: &VaultRecord, field: &str, now: u64) -> Outcome<Zeroizing<String>> {
    let wanted = field.to_lowercase();
    if wanted == "totp" {
        return totp(record, now);
    }
    let member = members(record).into_iter().find(|(name, _)| *name == wanted).map(|(_, value)| value);
    if let Some(value) = member {
        return Ok(Zeroizing::new(value.to_owned()));
    }
    let custom = record
        .custom_fields
        .iter()
        .find(|custom| custom.name == field)
        .or_else(|| record.custom_fields.iter().find(|custom| custom.name.to_lowercase() == wanted));
    match custom {
        Some(custom) => Ok(Zeroizing::new(custom.value.clone())),
        None => {
            Err(Failure::new(Kind::NotFound, format!("The record {:?} has no field {field:?}.", record.name)))
        }
    }
}

/// The current code of a login's authenticator.
fn totp(record: &VaultRecord, now: u64) -> Outcome<Zeroizing<String>> {
    let secret = match &record.fields {
        RecordFields::Login { totp, .. } if !totp.is_empty() => totp,
        _ => {
            return Err(Failure::new(
                Kind::NotFound,
                format!("The record {:?} has no authenticator.", record.name),
            ));
        }
    };
    let auth = OtpAuth::parse(secret).map_err(|error| {
        Failure::new(Kind::Other, format!("The record's authenticator secret is not usable: {error}."))
    })?;
    Ok(Zeroizing::new(auth.code_at(now)))
}

/// The named members of `record`'s type, with `name` and `notes`, in display order.
pub fn members(record: &VaultRecord) -> Vec<(&'static str, &str)> {
    let mut members = vec![("name", record.name.as_str())];
    match &record.fields {
        RecordFields::Login { username, password, urls, .. } => {
            members.push(("username", username));
            members.push(("password", password));
            members.push(("url", urls.first().map_or("", String::as_str)));
        }
        RecordFields::Card { holder, number, expiry, cvv } => {
            members.extend([
                ("holder", holder.as_str()),
                ("number", number),
                ("expiry", expiry),
                ("cvv", cvv),
            ]);
        }
        RecordFields::Identity { full_name, email, phone, birth_date, company, address, .. } => {
            members.extend([
                ("full_name", full_name.as_str()),
                ("email", email),
                ("phone", phone),
                ("birth_date", birth_date),
                ("company", company),
                ("address", address),
            ]);
        }
        RecordFields::Note => {}
    }
    members.push(("notes", record.notes.as_str()));
    members.push(("folder", record.folder.as_str()));
    members
}

/// Whether a member holds a secret that `vault get` without `--field` masks.
pub fn is_secret(name: &str) -> bool {
    matches!(name, "password" | "number" | "cvv")
}

/// The current Unix time, for `totp`.
pub fn now() -> u64 {
    time::now()
}

#[cfg(test)]
mod tests {
    use coffer_shared::crypto::vault::{CustomField, FieldKind};

    use super::*;

    fn login() -> VaultRecord {
        let mut record = VaultRecord::new(RecordFields::Login {
            username: "alice".into(),
            password: "hunter2".into(),
            urls: vec!["https://bank.example".into(), "https://other.example".into()],
            url: String::new(),
            // RFC 6238's SHA-1 secret, "12345678901234567890", in base32.
            totp: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ".into(),
            password_history: Vec::new(),
        });
        record.name = "Bank".into();
        record.custom_fields =
            vec![CustomField { name: "PIN".into(), value: "4711".into(), kind: FieldKind::Hidden }];
        record
    }

    #[test]
    fn members_then_custom_fields_by_name_in_any_case() {
        let record = login();
        assert_eq!(*value(&record, "password", 0).unwrap(), "hunter2");
        assert_eq!(*value(&record, "Username", 0).unwrap(), "alice");
        assert_eq!(*value(&record, "url", 0).unwrap(), "https://bank.example");
        assert_eq!(*value(&record, "pin", 0).unwrap(), "4711");
        assert_eq!(value(&record, "cvv", 0).unwrap_err().kind, Kind::NotFound);
    }

    #[test]
    fn totp_is_the_current_code() {
        // RFC 6238, appendix B: at 59 s the SHA-1 code is 94287082, of which 6 digits: 287082.
        assert_eq!(*value(&login(), "totp", 59).unwrap(), "287082");
        let mut plain = login();
        plain.fields = RecordFields::Note;
        assert_eq!(value(&plain, "totp", 59).unwrap_err().kind, Kind::NotFound);
    }
}
