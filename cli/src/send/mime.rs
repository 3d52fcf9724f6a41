//! A file's MIME type from its extension, for the reader's browser to show or save it; the
//! browser's `File.type` does the same from the same table of common types.

use std::path::Path;

/// The type of `path` by its extension, `application/octet-stream` when unknown.
pub fn of(path: &Path) -> &'static str {
    let extension = path.extension().and_then(|ext| ext.to_str()).map(str::to_ascii_lowercase);
    match extension.as_deref() {
        Some("txt" | "log" | "md") => "text/plain",
        Some("csv") => "text/csv",
        Some("html" | "htm") => "text/html",
        Some("json") => "application/json",
        Some("pdf") => "application/pdf",
        Some("zip") => "application/zip",
        Some("gz" | "tgz") => "application/gzip",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gif") => "image/gif",
        Some("webp") => "image/webp",
        Some("svg") => "image/svg+xml",
        Some("mp4") => "video/mp4",
        Some("mp3") => "audio/mpeg",
        Some("doc") => "application/msword",
        Some("docx") => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some("xlsx") => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_extensions_get_their_type_in_any_case() {
        assert_eq!(of(Path::new("a/Report.PDF")), "application/pdf");
        assert_eq!(of(Path::new("notes.txt")), "text/plain");
        assert_eq!(of(Path::new("disk.iso")), "application/octet-stream");
        assert_eq!(of(Path::new("Makefile")), "application/octet-stream");
    }
}
