//! What `coffer vault add` and `edit` change in a record: the flags, the secrets read by
//! [`input`](super::input), and the login's password history (docs/accounts.md, "Vault
//! records", `password_history`): an edit that replaces a non-empty password keeps the old one
//! first, with the time of the edit, as the browser does. Members the record has and this build
//! does not know are left as they are (`coffer_shared::crypto::vault`).

use coffer_shared::crypto::otpauth::OtpAuth;
use coffer_shared::crypto::vault::{PASSWORD_HISTORY_LEN, PasswordChange, RecordFields, VaultRecord};

use crate::exit::{Failure, Outcome};

use super::args::{RecordArgs, RecordType};
use super::input::Secrets;

/// Refuses an authenticator secret that does not parse, as the browser's form does.
fn check_totp(totp: &str) -> Outcome {
    if totp.is_empty() {
        return Ok(());
    }
    OtpAuth::parse(totp)
        .map(drop)
        .map_err(|error| Failure::usage(format!("That is not an authenticator secret: {error}.")))
}

/// A new record of `args` and `secrets`: `--name` is needed.
pub fn new_record(args: &RecordArgs, secrets: Secrets) -> Outcome<VaultRecord> {
    let name = args.name.as_deref().map(str::trim).unwrap_or_default();
    if name.is_empty() {
        return Err(Failure::usage("A record needs a name: pass --name."));
    }
    let fields = match args.record_type {
        RecordType::Login => RecordFields::Login {
            username: String::new(),
            password: String::new(),
            urls: Vec::new(),
            url: String::new(),
            totp: String::new(),
            password_history: Vec::new(),
        },
        RecordType::Note => RecordFields::Note,
    };
    let mut record = VaultRecord::new(fields);
    apply(&mut record, args, secrets, 0)?;
    Ok(record)
}

/// Applies the flags of `args` and `secrets` to `record`; `now` dates a replaced password.
pub fn apply(record: &mut VaultRecord, args: &RecordArgs, secrets: Secrets, now: u64) -> Outcome {
    let Secrets { password: new_password, totp: new_totp, notes } = secrets;
    if let Some(name) = &args.name {
        let name = name.trim();
        if name.is_empty() {
            return Err(Failure::usage("--name cannot be empty."));
        }
        name.clone_into(&mut record.name);
    }
    if let Some(notes) = notes {
        notes.as_str().clone_into(&mut record.notes);
    }
    if let Some(folder) = &args.folder {
        folder.trim().clone_into(&mut record.folder);
    }
    let login_flags =
        args.username.is_some() || args.url.is_some() || new_totp.is_some() || new_password.is_some();
    let RecordFields::Login { username, password, urls, totp, password_history, .. } = &mut record.fields
    else {
        if login_flags {
            return Err(Failure::usage(
                "--username, --url, the --totp and the password flags are for logins; this record is not one.",
            ));
        }
        return Ok(());
    };
    if let Some(new) = &args.username {
        new.clone_into(username);
    }
    if let Some(url) = &args.url {
        match urls.first_mut() {
            Some(first) => url.trim().clone_into(first),
            None => urls.push(url.trim().to_owned()),
        }
    }
    if let Some(new) = new_totp {
        check_totp(new.trim())?;
        new.trim().clone_into(totp);
    }
    if let Some(new) = new_password {
        if !password.is_empty() && *password != *new {
            let previous = std::mem::take(password);
            password_history.insert(0, PasswordChange { password: previous, changed_at: now });
            password_history.truncate(PASSWORD_HISTORY_LEN);
        }
        new.as_str().clone_into(password);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use clap::Parser;
    use zeroize::Zeroizing;

    use super::super::input;
    use super::*;

    #[derive(Parser)]
    struct Test {
        #[command(flatten)]
        args: RecordArgs,
    }

    fn args(flags: &[&str]) -> RecordArgs {
        Test::parse_from(std::iter::once("test").chain(flags.iter().copied())).args
    }

    /// The flags and the secrets they give (none read from stdin).
    fn given(flags: &[&str]) -> (RecordArgs, Secrets) {
        let args = args(flags);
        let secrets = input::secrets(&args).unwrap();
        (args, secrets)
    }

    fn password(password: &str) -> Secrets {
        Secrets { password: Some(Zeroizing::new(password.into())), ..Secrets::default() }
    }

    fn login_password(record: &VaultRecord) -> (&str, Vec<(&str, u64)>) {
        let RecordFields::Login { password, password_history, .. } = &record.fields else {
            panic!("a login")
        };
        (
            password,
            password_history.iter().map(|change| (change.password.as_str(), change.changed_at)).collect(),
        )
    }

    #[test]
    fn a_new_login_takes_its_flags_and_needs_a_name() {
        let record = new_record(
            &args(&["--name", " Bank ", "--username", "alice", "--url", "https://b.example"]),
            password("pw"),
        )
        .unwrap();
        assert_eq!(record.name, "Bank");
        assert_eq!(login_password(&record), ("pw", vec![]));
        assert!(new_record(&args(&["--username", "alice"]), Secrets::default()).is_err());
    }

    #[test]
    fn a_replaced_password_goes_first_into_the_history() {
        let mut record = new_record(&args(&["--name", "Bank"]), password("one")).unwrap();
        apply(&mut record, &args(&[]), password("two"), 100).unwrap();
        apply(&mut record, &args(&[]), password("two"), 200).unwrap();
        assert_eq!(login_password(&record), ("two", vec![("one", 100)]));
    }

    #[test]
    fn login_flags_on_a_note_are_refused_and_a_bad_totp_too() {
        let (args_note, secrets) = given(&["--type", "note", "--name", "N", "--notes", "hi"]);
        let mut note = new_record(&args_note, secrets).unwrap();
        assert_eq!(note.notes, "hi");
        assert!(apply(&mut note, &args(&["--username", "x"]), Secrets::default(), 0).is_err());
        let (args_totp, secrets) = given(&["--totp", "JBSWY3DPEHPK3PXP"]);
        assert!(apply(&mut note, &args_totp, secrets, 0).is_err());
        let mut login = new_record(&args(&["--name", "L"]), Secrets::default()).unwrap();
        let (args_totp, secrets) = given(&["--totp", "not base32!"]);
        assert!(apply(&mut login, &args_totp, secrets, 0).is_err());
        let (args_totp, secrets) = given(&["--totp", " JBSWY3DPEHPK3PXP "]);
        apply(&mut login, &args_totp, secrets, 0).unwrap();
        let RecordFields::Login { totp, .. } = &login.fields else { panic!("a login") };
        assert_eq!(totp, "JBSWY3DPEHPK3PXP");
    }
}
