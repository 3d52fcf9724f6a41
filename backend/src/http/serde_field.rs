//! The request member a serde error names. serde reports the path of a body that does not fit
//! only in its message (`keys: missing field `auth_proof``, `files[3].id: invalid type …`), so
//! this one place reads it from there, and keeps it only if it is one of the API's known field
//! names (`audit::refusal::FIELDS`): a member the client made up never comes out.

use crate::audit::refusal::known_field;

/// The field serde's explanation `detail` names, if it is one of the known names. serde writes
/// `path: explanation` or ``missing field `name` ``.
pub fn field_of(detail: &str) -> Option<&'static str> {
    let (path, rest) = match detail.split_once(": ") {
        Some((head, rest)) if !head.contains(' ') => (Some(head), rest),
        _ => (None, detail),
    };
    let missing = rest.strip_prefix("missing field `").and_then(|rest| rest.split('`').next());
    let candidate = match (path, missing) {
        (Some(path), Some(name)) => format!("{path}.{name}"),
        (None, Some(name)) => name.to_owned(),
        (Some(path), None) => path.to_owned(),
        (None, None) => return None,
    };
    known_field(&without_indexes(&candidate))
}

/// `files[3].upload_token` -> `files[].upload_token`.
fn without_indexes(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push('[');
            }
            ']' => {
                in_index = false;
                out.push(']');
            }
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_come_from_the_list_only() {
        assert_eq!(field_of("missing field `id` at line 1 column 2"), Some("id"));
        assert_eq!(field_of("keys: missing field `auth_proof` at line 1 column 9"), Some("keys.auth_proof"));
        assert_eq!(field_of("max_views: invalid type: string \"hunter2\", expected u32"), Some("max_views"));
        assert_eq!(field_of("files[7].upload_token: invalid type: null"), Some("files[].upload_token"));
        // A member the client made up, or a sentence, names no field.
        assert_eq!(field_of("unknown field `hunter2`, expected `id`"), None);
        assert_eq!(field_of("hunter2: invalid type: null"), None);
        assert_eq!(field_of("The body is not valid JSON."), None);
    }
}
