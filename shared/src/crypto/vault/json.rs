//! A record's JSON beyond what serde derives: the top-level members this build does not know,
//! kept as read and written back after the known ones (docs/accounts.md, "Vault records":
//! readers keep members they do not know), and the writer that never writes a key twice.
//!
//! Reading is serde's: the record's own members are matched by name; `fields` (flattened,
//! internally tagged) reads the rest without taking any of them, `type` included; then
//! [`Unknown::decode`] sees that same rest and keeps what neither `type` nor the type names.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};
use zeroize::Zeroize;

use super::{Attachment, CustomField, RecordFields, VaultRecord};

/// Members this build does not know, by name, their values as serde_json reads them (nested
/// objects and lists whole; an integer beyond 64 bits comes back as a float). Strings, names
/// included, are wiped on [`Zeroize`]; numbers and booleans are not.
#[derive(Clone, Default, PartialEq, Eq)]
pub(super) struct Unknown(Map<String, Value>);

impl Unknown {
    /// Keeps, of the members left after the record's own, those that are not `type` nor a
    /// member of the record's type; the values of the others are wiped.
    pub(super) fn decode<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut left = Unknown(Map::deserialize(deserializer)?);
        let type_name = match left.0.get("type") {
            Some(Value::String(name)) => name.clone(),
            _ => String::new(),
        };
        let known = RecordFields::members_of(&type_name);
        let mut kept = Map::new();
        for (name, mut value) in std::mem::take(&mut left.0) {
            if name == "type" || known.contains(&name.as_str()) {
                wipe(&mut value);
            } else {
                kept.insert(name, value);
            }
        }
        Ok(Unknown(kept))
    }
}

impl Zeroize for Unknown {
    fn zeroize(&mut self) {
        for (mut name, mut value) in std::mem::take(&mut self.0) {
            name.zeroize();
            wipe(&mut value);
        }
    }
}

/// Wipes every string in `value`, at any depth (serde_json nests at most 128 deep), and leaves
/// `null`.
fn wipe(value: &mut Value) {
    match value {
        Value::String(text) => text.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(wipe),
        Value::Object(members) => Unknown(std::mem::take(members)).zeroize(),
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    *value = Value::Null;
}

/// `skip_serializing_if` for members left out while `false`.
fn is_false(value: &bool) -> bool {
    !value
}

/// The record as written: its type's members, its own, then the unknown ones.
#[derive(Serialize)]
struct Written<'a> {
    #[serde(flatten)]
    fields: &'a RecordFields,
    name: &'a str,
    notes: &'a str,
    sensitive: bool,
    #[serde(skip_serializing_if = "str::is_empty")]
    folder: &'a str,
    #[serde(skip_serializing_if = "is_false")]
    favorite: bool,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    custom_fields: &'a [CustomField],
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    attachments: &'a [Attachment],
    #[serde(flatten)]
    unknown: Beside<'a>,
}

/// The unknown members, less any that the record's type (changed since reading) now writes.
struct Beside<'a> {
    unknown: &'a Unknown,
    fields: &'a RecordFields,
}

impl Serialize for Beside<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let written = RecordFields::members_of(self.fields.type_name());
        serializer.collect_map(
            self.unknown.0.iter().filter(|(name, _)| *name != "type" && !written.contains(&name.as_str())),
        )
    }
}

impl Serialize for VaultRecord {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Every member named, so that one added to the record cannot be left out of `Written`.
        let VaultRecord {
            fields,
            name,
            notes,
            sensitive,
            folder,
            favorite,
            custom_fields,
            attachments,
            unknown,
        } = self;
        Written {
            fields,
            name,
            notes,
            sensitive: *sensitive,
            folder,
            favorite: *favorite,
            custom_fields,
            attachments,
            unknown: Beside { unknown, fields },
        }
        .serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use serde::de::{MapAccess, Visitor};
    use serde_json::json;

    use super::super::{Document, PasswordChange, open_record, seal_record};
    use super::*;
    use crate::crypto::Key32;
    use crate::crypto::envelope::Envelope;
    use crate::id::RecordId;

    /// A JSON object's members in order, a repeated name included.
    struct Entries(Vec<(String, Value)>);

    impl<'de> Deserialize<'de> for Entries {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Each;
            impl<'de> Visitor<'de> for Each {
                type Value = Entries;
                fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                    f.write_str("an object")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Entries, A::Error> {
                    let mut entries = Vec::new();
                    while let Some(entry) = map.next_entry()? {
                        entries.push(entry);
                    }
                    Ok(Entries(entries))
                }
            }
            deserializer.deserialize_map(Each)
        }
    }

    /// The members of `json` in order; fails the test if a name appears twice.
    fn members_once(json: &str) -> Map<String, Value> {
        let Entries(entries) = serde_json::from_str(json).unwrap();
        let mut members = Map::new();
        for (name, value) in entries {
            assert!(members.insert(name.clone(), value).is_none(), "{name} written twice: {json}");
        }
        members
    }

    const NEWER_LOGIN: &str = r#"{"type":"login","username":"alice","password":"hunter2",
        "passkeys":[{"rp":"bank.example","key":"s3cret","counter":7}],"urls":["https://bank.example"],
        "totp":"","name":"Bank","colour":"teal","notes":"","sensitive":false,
        "layout":{"columns":2,"hidden":["totp"],"deep":{"flag":true,"none":null}}}"#;

    #[test]
    fn unknown_members_survive_an_edit_unchanged_and_no_name_is_written_twice() {
        let mut record: VaultRecord = serde_json::from_str(NEWER_LOGIN).unwrap();
        assert_eq!(record.unknown.0.keys().collect::<Vec<_>>(), ["colour", "layout", "passkeys"]);
        record.name = "Bank (old)".into();
        let written = members_once(&serde_json::to_string(&record).unwrap());
        let read = members_once(NEWER_LOGIN);
        for unknown in ["passkeys", "colour", "layout"] {
            assert_eq!(written[unknown], read[unknown], "{unknown}");
        }
        assert_eq!(written["name"], "Bank (old)");
        assert_eq!(written["password"], "hunter2");
        // Sealed and opened, the record is the same, unknown members included.
        let (vault_key, id) = (Key32::random(), RecordId::random());
        let envelope = Envelope::parse(&seal_record(&vault_key, &id, &record)).unwrap();
        assert_eq!(open_record(&vault_key, &id, &envelope).unwrap(), record);
    }

    #[test]
    fn a_member_of_another_type_is_kept_but_never_written_beside_the_type_that_has_it() {
        let mut note: VaultRecord =
            serde_json::from_str(r#"{"type":"note","name":"N","username":"kept","url":"kept too"}"#).unwrap();
        let written = members_once(&serde_json::to_string(&note).unwrap());
        assert_eq!((&written["username"], &written["url"]), (&json!("kept"), &json!("kept too")));
        note.fields = RecordFields::Login {
            username: "new".into(),
            password: String::new(),
            urls: Vec::new(),
            url: String::new(),
            totp: String::new(),
            password_history: Vec::new(),
        };
        let written = members_once(&serde_json::to_string(&note).unwrap());
        assert_eq!(written["username"], "new");
        assert!(!written.contains_key("url"), "a login never writes url");
    }

    #[test]
    fn a_record_without_unknown_members_writes_what_it_read() {
        let old = r#"{"type":"login","username":"a","password":"p","urls":["https://a.example"],"totp":"","password_history":[{"password":"o","changed_at":5}],"name":"A","notes":"n","sensitive":true,"folder":"F","favorite":true,"custom_fields":[{"name":"PIN","value":"1","kind":"hidden"}]}"#;
        let record: VaultRecord = serde_json::from_str(old).unwrap();
        assert!(record.unknown.0.is_empty());
        assert_eq!(serde_json::to_string(&record).unwrap(), old);
    }

    #[test]
    fn each_type_lists_exactly_the_members_it_writes() {
        let login = RecordFields::Login {
            username: "u".into(),
            password: "p".into(),
            urls: vec!["https://a.example".into()],
            url: String::new(),
            totp: "t".into(),
            password_history: vec![PasswordChange { password: "o".into(), changed_at: 1 }],
        };
        let card = RecordFields::Card {
            holder: "h".into(),
            number: "n".into(),
            expiry: "e".into(),
            cvv: "c".into(),
        };
        let identity = RecordFields::Identity {
            full_name: "f".into(),
            email: "e".into(),
            phone: "p".into(),
            birth_date: "b".into(),
            company: "c".into(),
            address: "a".into(),
            documents: vec![Document { label: "l".into(), number: "n".into() }],
        };
        for fields in [login, card, identity, RecordFields::Note] {
            let json = serde_json::to_value(VaultRecord::new(fields.clone())).unwrap();
            let mut written: Vec<&str> = json.as_object().unwrap().keys().map(String::as_str).collect();
            written.retain(|name| !["type", "name", "notes", "sensitive"].contains(name));
            let mut listed = RecordFields::members_of(fields.type_name()).to_vec();
            listed.retain(|name| *name != "url");
            written.sort_unstable();
            listed.sort_unstable();
            assert_eq!(written, listed, "{}", fields.type_name());
        }
    }

    #[test]
    fn zeroize_wipes_the_unknown_members() {
        let mut record: VaultRecord = serde_json::from_str(NEWER_LOGIN).unwrap();
        record.zeroize();
        assert!(record.unknown.0.is_empty());
        let written = serde_json::to_string(&record).unwrap();
        assert!(!written.contains("s3cret") && !written.contains("teal"), "{written}");
        let mut nested = json!({"a": ["x", {"b": "y"}], "n": 1});
        wipe(&mut nested);
        assert_eq!(nested, Value::Null);
    }
}
