//! `coffer-server precompress DIR`, run on the built web app (`dist/`) at build time: beside
//! each file that compresses well it writes a brotli copy (`NAME.br`, quality 11) and a gzip
//! copy (`NAME.gz`, level 9), which `routes::static_files` sends to browsers that accept them,
//! so no request pays for compression. A copy not smaller than its file is not kept.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use flate2::Compression;
use flate2::write::GzEncoder;

/// The file types worth compressing (the rest, like images, are compressed already or tiny).
const COMPRESSIBLE: [&str; 7] = ["wasm", "js", "mjs", "css", "html", "svg", "json"];

/// The sizes of one file and of its compressed copies (`None`: not kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compressed {
    /// The file, relative to the folder.
    pub path: PathBuf,
    /// Its size.
    pub size: u64,
    /// The brotli copy's size.
    pub brotli: Option<u64>,
    /// The gzip copy's size.
    pub gzip: Option<u64>,
}

/// Writes the compressed copies of every compressible file under `dir`, in its sub-folders
/// too, and returns their sizes, sorted by path.
pub fn precompress(dir: &Path) -> io::Result<Vec<Compressed>> {
    let mut files = Vec::new();
    collect(dir, &mut files)?;
    files.sort();
    files
        .iter()
        .map(|path| {
            let bytes = fs::read(path)?;
            Ok(Compressed {
                path: path.strip_prefix(dir).unwrap_or(path).to_path_buf(),
                size: bytes.len() as u64,
                brotli: keep(path, "br", &bytes, brotli(&bytes)?)?,
                gzip: keep(path, "gz", &bytes, gzip(&bytes)?)?,
            })
        })
        .collect()
}

/// The compressible files under `dir`.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, files)?;
        } else if path.extension().and_then(|ext| ext.to_str()).is_some_and(|ext| COMPRESSIBLE.contains(&ext))
        {
            files.push(path);
        }
    }
    Ok(())
}

fn brotli(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 24, ..Default::default() };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params)?;
    Ok(out)
}

fn gzip(bytes: &[u8]) -> io::Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// Writes `compressed` to `path.ext` if it is smaller than `original` (through a temporary
/// file, so a server never sends half a copy); otherwise removes an older copy. Returns the
/// size kept.
fn keep(path: &Path, ext: &str, original: &[u8], compressed: Vec<u8>) -> io::Result<Option<u64>> {
    let mut target = path.as_os_str().to_owned();
    target.push(format!(".{ext}"));
    let target = PathBuf::from(target);
    if compressed.len() >= original.len() {
        match fs::remove_file(&target) {
            Err(error) if error.kind() != io::ErrorKind::NotFound => return Err(error),
            _ => return Ok(None),
        }
    }
    let mut partial = target.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    fs::write(&partial, &compressed)?;
    fs::rename(&partial, &target)?;
    Ok(Some(compressed.len() as u64))
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn compressible_files_get_copies_that_decompress_to_them_and_others_none() {
        let dir = tempfile::tempdir().unwrap();
        let text = "fn main() { println!(\"coffer\"); }\n".repeat(200);
        fs::create_dir(dir.path().join("dl")).unwrap();
        fs::write(dir.path().join("app.js"), &text).unwrap();
        fs::write(dir.path().join("dl/worker.js"), &text).unwrap();
        fs::write(dir.path().join("tiny.css"), "a{}").unwrap();
        fs::write(dir.path().join("photo.png"), &text).unwrap();
        let sizes = precompress(dir.path()).unwrap();
        let paths: Vec<_> = sizes.iter().map(|file| file.path.to_str().unwrap()).collect();
        assert_eq!(paths, ["app.js", "dl/worker.js", "tiny.css"]);
        for name in ["app.js", "dl/worker.js"] {
            let mut from_br = Vec::new();
            brotli::Decompressor::new(fs::File::open(dir.path().join(format!("{name}.br"))).unwrap(), 4096)
                .read_to_end(&mut from_br)
                .unwrap();
            assert_eq!(from_br, text.as_bytes());
            let mut from_gz = Vec::new();
            flate2::read::GzDecoder::new(fs::File::open(dir.path().join(format!("{name}.gz"))).unwrap())
                .read_to_end(&mut from_gz)
                .unwrap();
            assert_eq!(from_gz, text.as_bytes());
        }
        assert!(sizes[0].brotli.unwrap() < sizes[0].gzip.unwrap());
        assert_eq!((sizes[2].brotli, sizes[2].gzip), (None, None), "no bigger copies");
        assert!(!dir.path().join("tiny.css.gz").exists());
        assert!(!dir.path().join("photo.png.br").exists());
    }
}
