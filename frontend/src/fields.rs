//! The text members of a record, named, so forms, views and the conflict view treat every
//! member the same way (docs/accounts.md, "Vault records"). Lists (URLs, custom fields,
//! documents, password history) have their own editors and views.

use coffer_shared::crypto::vault::{RecordFields, VaultRecord};

use crate::vault::RecordType;

/// One text member of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKey {
    /// `name`.
    Name,
    /// `username` (login).
    Username,
    /// `password` (login).
    Password,
    /// `folder`.
    Folder,
    /// `totp` (login): the authenticator key.
    Totp,
    /// `holder` (card).
    Holder,
    /// `number` (card).
    Number,
    /// `expiry` (card).
    Expiry,
    /// `cvv` (card).
    Cvv,
    /// `full_name` (identity).
    FullName,
    /// `email` (identity).
    Email,
    /// `company` (identity).
    Company,
    /// `birth_date` (identity).
    BirthDate,
    /// `phone` (identity).
    Phone,
    /// `address` (identity).
    Address,
    /// `notes`.
    Notes,
}

impl FieldKey {
    /// The members of a type, in the order forms show them (`name` first, `notes` last).
    /// `folder` is shared by every type and shown apart.
    pub fn of(kind: RecordType) -> &'static [FieldKey] {
        use FieldKey::*;
        match kind {
            RecordType::Login => &[Name, Username, Password, Totp, Notes],
            RecordType::Card => &[Name, Holder, Number, Expiry, Cvv, Notes],
            RecordType::Identity => &[Name, FullName, Email, Company, BirthDate, Phone, Address, Notes],
            RecordType::Note => &[Name, Notes],
        }
    }

    /// The label above the field.
    pub fn label(self, kind: RecordType) -> &'static str {
        match self {
            FieldKey::Name => "Name",
            FieldKey::Username => "Username",
            FieldKey::Password => "Password",
            FieldKey::Folder => "Folder",
            FieldKey::Totp => "Authenticator key (TOTP)",
            FieldKey::Holder => "Cardholder name",
            FieldKey::Number => "Card number",
            FieldKey::Expiry => "Expiry (MM/YY)",
            FieldKey::Cvv => "Security code (CVV)",
            FieldKey::FullName => "Full name",
            FieldKey::Email => "E-mail",
            FieldKey::Company => "Company",
            FieldKey::BirthDate => "Date of birth",
            FieldKey::Phone => "Phone",
            FieldKey::Address => "Address",
            FieldKey::Notes if kind == RecordType::Note => "Note",
            FieldKey::Notes => "Notes",
        }
    }

    /// The member's name, used in `data-testid`s (`field-password`, `input-password`).
    pub fn slug(self) -> &'static str {
        match self {
            FieldKey::Name => "name",
            FieldKey::Username => "username",
            FieldKey::Password => "password",
            FieldKey::Folder => "folder",
            FieldKey::Totp => "totp",
            FieldKey::Holder => "holder",
            FieldKey::Number => "number",
            FieldKey::Expiry => "expiry",
            FieldKey::Cvv => "cvv",
            FieldKey::FullName => "full-name",
            FieldKey::Email => "email",
            FieldKey::Company => "company",
            FieldKey::BirthDate => "birth-date",
            FieldKey::Phone => "phone",
            FieldKey::Address => "address",
            FieldKey::Notes => "notes",
        }
    }

    /// Masked and blurred until revealed.
    pub fn is_secret(self) -> bool {
        matches!(self, FieldKey::Password | FieldKey::Number | FieldKey::Cvv | FieldKey::Totp)
    }

    /// Shown as a text area.
    pub fn is_multiline(self) -> bool {
        matches!(self, FieldKey::Notes | FieldKey::Address)
    }

    /// The `type` and `autocomplete` of its input.
    pub fn input_type(self) -> (&'static str, &'static str) {
        match self {
            FieldKey::Email => ("email", "off"),
            FieldKey::Phone => ("tel", "off"),
            FieldKey::BirthDate => ("date", "off"),
            FieldKey::Password => ("password", "new-password"),
            FieldKey::Number | FieldKey::Cvv | FieldKey::Totp => ("password", "off"),
            _ => ("text", "off"),
        }
    }

    /// The `inputmode` of its input: a digit keyboard on phones for card numbers, expiry and CVV.
    pub fn input_mode(self) -> Option<&'static str> {
        matches!(self, FieldKey::Number | FieldKey::Expiry | FieldKey::Cvv).then_some("numeric")
    }

    /// The member's value in `record` (`""` if the record's type has no such member).
    pub fn get(self, record: &VaultRecord) -> &str {
        match (self, &record.fields) {
            (FieldKey::Name, _) => &record.name,
            (FieldKey::Notes, _) => &record.notes,
            (FieldKey::Folder, _) => &record.folder,
            (FieldKey::Username, RecordFields::Login { username, .. }) => username,
            (FieldKey::Password, RecordFields::Login { password, .. }) => password,
            (FieldKey::Totp, RecordFields::Login { totp, .. }) => totp,
            (FieldKey::Holder, RecordFields::Card { holder, .. }) => holder,
            (FieldKey::Number, RecordFields::Card { number, .. }) => number,
            (FieldKey::Expiry, RecordFields::Card { expiry, .. }) => expiry,
            (FieldKey::Cvv, RecordFields::Card { cvv, .. }) => cvv,
            (FieldKey::FullName, RecordFields::Identity { full_name, .. }) => full_name,
            (FieldKey::Email, RecordFields::Identity { email, .. }) => email,
            (FieldKey::Company, RecordFields::Identity { company, .. }) => company,
            (FieldKey::BirthDate, RecordFields::Identity { birth_date, .. }) => birth_date,
            (FieldKey::Phone, RecordFields::Identity { phone, .. }) => phone,
            (FieldKey::Address, RecordFields::Identity { address, .. }) => address,
            _ => "",
        }
    }

    /// The member in `record`, to edit; `None` if the record's type has no such member.
    pub fn get_mut(self, record: &mut VaultRecord) -> Option<&mut String> {
        Some(match (self, &mut record.fields) {
            (FieldKey::Name, _) => &mut record.name,
            (FieldKey::Notes, _) => &mut record.notes,
            (FieldKey::Folder, _) => &mut record.folder,
            (FieldKey::Username, RecordFields::Login { username, .. }) => username,
            (FieldKey::Password, RecordFields::Login { password, .. }) => password,
            (FieldKey::Totp, RecordFields::Login { totp, .. }) => totp,
            (FieldKey::Holder, RecordFields::Card { holder, .. }) => holder,
            (FieldKey::Number, RecordFields::Card { number, .. }) => number,
            (FieldKey::Expiry, RecordFields::Card { expiry, .. }) => expiry,
            (FieldKey::Cvv, RecordFields::Card { cvv, .. }) => cvv,
            (FieldKey::FullName, RecordFields::Identity { full_name, .. }) => full_name,
            (FieldKey::Email, RecordFields::Identity { email, .. }) => email,
            (FieldKey::Company, RecordFields::Identity { company, .. }) => company,
            (FieldKey::BirthDate, RecordFields::Identity { birth_date, .. }) => birth_date,
            (FieldKey::Phone, RecordFields::Identity { phone, .. }) => phone,
            (FieldKey::Address, RecordFields::Identity { address, .. }) => address,
            _ => return None,
        })
    }
}
