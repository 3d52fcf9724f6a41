//! What `coffer vault add` and `edit` change in a record: the flags, the password from the
//! terminal, stdin or the generator, and the login's password history (docs/accounts.md, "Vault
//! records", `password_history`): an edit that replaces a non-empty password keeps the old one
//! first, with the time of the edit, as the browser does.

use coffer_shared::crypto::otpauth::OtpAuth;
use coffer_shared::crypto::vault::{PASSWORD_HISTORY_LEN, PasswordChange, RecordFields, VaultRecord};
use coffer_shared::generator::{self, PasswordOptions};
use zeroize::Zeroizing;

use crate::exit::{Failure, Outcome};
use crate::prompt;

use super::args::{RecordArgs, RecordType};

/// The password `args` asks for, if any: prompted, read from stdin or generated.
pub fn password(args: &RecordArgs) -> Outcome<Option<Zeroizing<String>>> {
    if args.password_prompt {
        return prompt::password("Password: ", true).map(Some);
    }
    if args.password_stdin {
        return prompt::password_from_stdin().map(Some);
    }
    if args.generate {
        let options = PasswordOptions { length: args.length, ..PasswordOptions::default() };
        return generator::password(&options)
            .map(|password| Some(Zeroizing::new(password)))
            .map_err(|error| Failure::usage(format!("--length: {error}")));
    }
    Ok(None)
}

/// Refuses an authenticator secret that does not parse, as the browser's form does.
fn check_totp(totp: &str) -> Outcome {
    if totp.is_empty() {
        return Ok(());
    }
    OtpAuth::parse(totp)
        .map(drop)
        .map_err(|error| Failure::usage(format!("--totp is not an authenticator secret: {error}.")))
}

/// A new record of `args`: `--name` is needed.
pub fn new_record(args: &RecordArgs, password: Option<Zeroizing<String>>) -> Outcome<VaultRecord> {
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
    apply(&mut record, args, password, 0)?;
    Ok(record)
}

/// Applies the flags of `args` to `record`; `now` dates a replaced password.
pub fn apply(
    record: &mut VaultRecord,
    args: &RecordArgs,
    new_password: Option<Zeroizing<String>>,
    now: u64,
) -> Outcome {
    if let Some(name) = &args.name {
        let name = name.trim();
        if name.is_empty() {
            return Err(Failure::usage("--name cannot be empty."));
        }
        name.clone_into(&mut record.name);
    }
    if let Some(notes) = &args.notes {
        notes.clone_into(&mut record.notes);
    }
    if let Some(folder) = &args.folder {
        folder.trim().clone_into(&mut record.folder);
    }
    let login_flags =
        args.username.is_some() || args.url.is_some() || args.totp.is_some() || new_password.is_some();
    let RecordFields::Login { username, password, urls, totp, password_history, .. } = &mut record.fields
    else {
        if login_flags {
            return Err(Failure::usage(
                "--username, --url, --totp and the password flags are for logins; this record is not one.",
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
    if let Some(new) = &args.totp {
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

    use super::*;

    #[derive(Parser)]
    struct Test {
        #[command(flatten)]
        args: RecordArgs,
    }

    fn args(flags: &[&str]) -> RecordArgs {
        Test::parse_from(std::iter::once("test").chain(flags.iter().copied())).args
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
            Some(Zeroizing::new("pw".into())),
        )
        .unwrap();
        assert_eq!(record.name, "Bank");
        assert_eq!(login_password(&record), ("pw", vec![]));
        assert!(new_record(&args(&["--username", "alice"]), None).is_err());
    }

    #[test]
    fn a_replaced_password_goes_first_into_the_history() {
        let mut record = new_record(&args(&["--name", "Bank"]), Some(Zeroizing::new("one".into()))).unwrap();
        apply(&mut record, &args(&[]), Some(Zeroizing::new("two".into())), 100).unwrap();
        apply(&mut record, &args(&[]), Some(Zeroizing::new("two".into())), 200).unwrap();
        assert_eq!(login_password(&record), ("two", vec![("one", 100)]));
    }

    #[test]
    fn login_flags_on_a_note_are_refused_and_a_bad_totp_too() {
        let mut note = new_record(&args(&["--type", "note", "--name", "N", "--notes", "hi"]), None).unwrap();
        assert_eq!(note.notes, "hi");
        assert!(apply(&mut note, &args(&["--username", "x"]), None, 0).is_err());
        let mut login = new_record(&args(&["--name", "L"]), None).unwrap();
        assert!(apply(&mut login, &args(&["--totp", "not base32!"]), None, 0).is_err());
    }

    #[test]
    fn generated_passwords_have_the_asked_length() {
        let password = password(&args(&["--generate", "--length", "32"])).unwrap().unwrap();
        assert_eq!(password.chars().count(), 32);
    }
}
