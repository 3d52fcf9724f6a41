//! Where a received file goes: a name made safe from what the sender sealed (never a path, so
//! a share cannot write outside the chosen folder), a temporary file beside the target while
//! it downloads, and the rename once it passed its checks. An existing file is overwritten only
//! with `--force`; otherwise the file is kept under a free numbered name, since the view that
//! brought it is spent.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use tempfile::NamedTempFile;

use crate::exit::{Failure, Outcome};

/// The longest name kept, in bytes.
const MAX_NAME: usize = 200;

/// `name` made safe as one file name: separators, control characters and invisible formatting
/// characters become `_`, leading dots and spaces go, an empty name becomes `file` and a
/// Windows device name gets a `_` in front.
pub fn safe_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_control()
                || crate::text::is_invisible(c)
                || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
            {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut trimmed = cleaned.trim().trim_start_matches(['.', ' ']).trim_end_matches(['.', ' ']).to_owned();
    if trimmed.len() > MAX_NAME {
        let mut end = MAX_NAME;
        while !trimmed.is_char_boundary(end) {
            end -= 1;
        }
        trimmed.truncate(end);
    }
    if trimmed.is_empty() {
        return "file".to_owned();
    }
    if is_reserved(&trimmed) { format!("_{trimmed}") } else { trimmed }
}

/// Windows' device names (`CON`, `NUL`, `COM1`, …), with or without an extension.
fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end().to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || (stem.len() == 4
            && (stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.as_bytes()[3].is_ascii_digit())
}

/// A file being received into `dir`.
pub struct Incoming {
    temporary: NamedTempFile,
}

impl Incoming {
    /// A temporary file in `dir` (readable by the user alone).
    pub fn create(dir: &Path) -> Outcome<Self> {
        let temporary = tempfile::Builder::new()
            .prefix(".coffer-")
            .suffix(".part")
            .tempfile_in(dir)
            .map_err(|error| Failure::file(dir, error))?;
        Ok(Self { temporary })
    }

    /// A buffered writer into it.
    pub fn writer(&self) -> Outcome<BufWriter<File>> {
        let file = self.temporary.reopen().map_err(|error| Failure::file(self.temporary.path(), error))?;
        Ok(BufWriter::with_capacity(1 << 20, file))
    }

    /// Moves the checked file to `dir/name`: over an existing file with `force`, else to the
    /// first free `name (2)`, `name (3)`… Returns where it went.
    pub fn keep(self, dir: &Path, name: &str, force: bool) -> Outcome<PathBuf> {
        let target = dir.join(name);
        if force {
            self.temporary.persist(&target).map_err(|error| Failure::file(&target, error.error))?;
            return Ok(target);
        }
        let mut temporary = self.temporary;
        for number in 1..=1000 {
            let candidate = if number == 1 { target.clone() } else { dir.join(numbered(name, number)) };
            match temporary.persist_noclobber(&candidate) {
                Ok(_) => return Ok(candidate),
                Err(error) if error.error.kind() == std::io::ErrorKind::AlreadyExists => {
                    temporary = error.file
                }
                Err(error) => return Err(Failure::file(&candidate, error.error)),
            }
        }
        Err(Failure::file(&target, "exists, and so do 999 numbered copies"))
    }
}

/// `report (2).pdf` for `report.pdf` and 2.
fn numbered(name: &str, number: u32) -> String {
    match name.rsplit_once('.') {
        Some((stem, extension)) if !stem.is_empty() => format!("{stem} ({number}).{extension}"),
        _ => format!("{name} ({number})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_name_can_never_leave_the_folder() {
        assert_eq!(safe_name("../../etc/passwd"), "_.._etc_passwd");
        assert_eq!(safe_name("..\\evil.exe"), "_evil.exe");
        assert_eq!(safe_name(".bashrc"), "bashrc");
        assert_eq!(safe_name(".."), "file");
        assert_eq!(safe_name("a\u{0}b\nc"), "a_b_c");
        assert_eq!(safe_name("report.pdf"), "report.pdf");
        assert!(safe_name(&"é".repeat(300)).len() <= MAX_NAME);
        assert_eq!(safe_name("invoice\u{202e}fdp.exe"), "invoice_fdp.exe");
        assert_eq!(safe_name("nul.txt"), "_nul.txt");
        assert_eq!(safe_name("COM1"), "_COM1");
        assert_eq!(safe_name("console.log"), "console.log");
    }

    #[test]
    fn an_existing_file_is_kept_and_the_new_one_numbered_unless_forced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.txt"), "old").unwrap();
        let write = |text: &str| {
            let incoming = Incoming::create(dir.path()).unwrap();
            std::fs::write(incoming.temporary.path(), text).unwrap();
            incoming
        };
        let kept = write("new").keep(dir.path(), "a.txt", false).unwrap();
        assert_eq!(kept, dir.path().join("a (2).txt"));
        assert_eq!(std::fs::read_to_string(dir.path().join("a.txt")).unwrap(), "old");
        let forced = write("forced").keep(dir.path(), "a.txt", true).unwrap();
        assert_eq!(std::fs::read_to_string(forced).unwrap(), "forced");
    }
}
