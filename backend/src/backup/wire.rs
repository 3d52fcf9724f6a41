//! The frames of a backup stream (`docs/backup.md`, "How it is taken"), big-endian.

use std::collections::BTreeMap;
use std::io::{self, Read, Write};

use serde::{Deserialize, Serialize};

/// What the command sends first.
pub const REQUEST: &[u8] = b"coffer-backup 1\n";

/// The longest key or value of a row a reader takes: far above any the server writes (a
/// vault record's envelope is capped well below it), low enough that a bad length cannot
/// make it allocate gigabytes.
const MAX_ROW_PART: u32 = 64 << 20;
/// The longest chunk: 16 MiB of plaintext and its tag.
const MAX_CHUNK: u32 = (16 << 20) + 16;
/// The longest small file, end summary or error message.
const MAX_SMALL: u32 = 1 << 20;

/// What the `E` frame tells: what the server sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Rows sent, by table.
    pub tables: BTreeMap<String, u64>,
    /// Chunks sent.
    pub chunks: u64,
    /// Their bytes.
    pub bytes: u64,
    /// When the read transaction began, Unix seconds.
    pub taken_at: u64,
}

/// One frame.
#[derive(Debug, PartialEq, Eq)]
pub enum Frame {
    /// `T`: the rows that follow are of this table.
    Table(String),
    /// `R`: one row, redb's bytes of its key and value.
    Row(Vec<u8>, Vec<u8>),
    /// `F`: a small file of the data folder.
    File(String, Vec<u8>),
    /// `C`: a recorded chunk of a blob, at its offset.
    Chunk {
        /// The blob's file id.
        file: String,
        /// Where the chunk starts in the blob.
        offset: u64,
        /// Its ciphertext.
        body: Vec<u8>,
    },
    /// `E`: the end.
    End(Summary),
    /// `X`: the server could not finish.
    Failed(String),
}

/// Writes a `T` frame.
pub fn table(out: &mut impl Write, name: &str) -> io::Result<()> {
    out.write_all(b"T")?;
    name_field(out, name)
}

/// Writes an `R` frame.
pub fn row(out: &mut impl Write, key: &[u8], value: &[u8]) -> io::Result<()> {
    out.write_all(b"R")?;
    bytes_field(out, key)?;
    bytes_field(out, value)
}

/// Writes an `F` frame.
pub fn file(out: &mut impl Write, name: &str, bytes: &[u8]) -> io::Result<()> {
    out.write_all(b"F")?;
    name_field(out, name)?;
    bytes_field(out, bytes)
}

/// Writes a `C` frame.
pub fn chunk(out: &mut impl Write, file: &str, offset: u64, body: &[u8]) -> io::Result<()> {
    out.write_all(b"C")?;
    name_field(out, file)?;
    out.write_all(&offset.to_be_bytes())?;
    bytes_field(out, body)
}

/// Writes an `E` frame.
pub fn end(out: &mut impl Write, summary: &Summary) -> io::Result<()> {
    out.write_all(b"E")?;
    bytes_field(out, &serde_json::to_vec(summary).map_err(io::Error::other)?)
}

/// Writes an `X` frame.
pub fn failed(out: &mut impl Write, message: &str) -> io::Result<()> {
    out.write_all(b"X")?;
    bytes_field(out, message.as_bytes())
}

fn name_field(out: &mut impl Write, name: &str) -> io::Result<()> {
    let len = u16::try_from(name.len()).map_err(|_| invalid("a name longer than 65535 bytes"))?;
    out.write_all(&len.to_be_bytes())?;
    out.write_all(name.as_bytes())
}

fn bytes_field(out: &mut impl Write, bytes: &[u8]) -> io::Result<()> {
    let len = u32::try_from(bytes.len()).map_err(|_| invalid("a field longer than 4 GiB"))?;
    out.write_all(&len.to_be_bytes())?;
    out.write_all(bytes)
}

/// Reads the next frame. A stream that ends between frames, a kind, a length or a name this
/// reader does not take, is an error.
pub fn read(input: &mut impl Read) -> io::Result<Frame> {
    let mut kind = [0; 1];
    input.read_exact(&mut kind)?;
    Ok(match &kind {
        b"T" => Frame::Table(read_name(input)?),
        b"R" => Frame::Row(read_bytes(input, MAX_ROW_PART)?, read_bytes(input, MAX_ROW_PART)?),
        b"F" => Frame::File(read_name(input)?, read_bytes(input, MAX_SMALL)?),
        b"C" => {
            let file = read_name(input)?;
            let mut offset = [0; 8];
            input.read_exact(&mut offset)?;
            Frame::Chunk { file, offset: u64::from_be_bytes(offset), body: read_bytes(input, MAX_CHUNK)? }
        }
        b"E" => Frame::End(serde_json::from_slice(&read_bytes(input, MAX_SMALL)?).map_err(io::Error::other)?),
        b"X" => Frame::Failed(String::from_utf8_lossy(&read_bytes(input, MAX_SMALL)?).into_owned()),
        other => return Err(invalid(&format!("a frame of unknown kind {:#04x}", other[0]))),
    })
}

fn read_name(input: &mut impl Read) -> io::Result<String> {
    let mut len = [0; 2];
    input.read_exact(&mut len)?;
    let mut name = vec![0; usize::from(u16::from_be_bytes(len))];
    input.read_exact(&mut name)?;
    String::from_utf8(name).map_err(|_| invalid("a name that is not UTF-8"))
}

fn read_bytes(input: &mut impl Read, max: u32) -> io::Result<Vec<u8>> {
    let mut len = [0; 4];
    input.read_exact(&mut len)?;
    let len = u32::from_be_bytes(len);
    if len > max {
        return Err(invalid(&format!("a field of {len} bytes, above the {max} a frame may hold")));
    }
    let mut bytes = vec![0; len as usize];
    input.read_exact(&mut bytes)?;
    Ok(bytes)
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, format!("backup stream: {what}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_frame_reads_back_as_written() {
        let summary = Summary { tables: [("shares".to_owned(), 2)].into(), chunks: 1, bytes: 3, taken_at: 9 };
        let mut stream = Vec::new();
        table(&mut stream, "shares").unwrap();
        row(&mut stream, b"key", b"").unwrap();
        file(&mut stream, "server-secret", &[7; 32]).unwrap();
        chunk(&mut stream, "abc", 1 << 40, b"xyz").unwrap();
        end(&mut stream, &summary).unwrap();
        failed(&mut stream, "disk").unwrap();
        let mut input = stream.as_slice();
        assert_eq!(read(&mut input).unwrap(), Frame::Table("shares".into()));
        assert_eq!(read(&mut input).unwrap(), Frame::Row(b"key".to_vec(), Vec::new()));
        assert_eq!(read(&mut input).unwrap(), Frame::File("server-secret".into(), vec![7; 32]));
        assert_eq!(
            read(&mut input).unwrap(),
            Frame::Chunk { file: "abc".into(), offset: 1 << 40, body: b"xyz".to_vec() }
        );
        assert_eq!(read(&mut input).unwrap(), Frame::End(summary));
        assert_eq!(read(&mut input).unwrap(), Frame::Failed("disk".into()));
        assert_eq!(read(&mut input).unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn a_bad_kind_a_huge_length_or_a_cut_frame_is_an_error() {
        assert!(read(&mut &b"Z"[..]).is_err());
        let mut huge = b"R".to_vec();
        huge.extend(u32::MAX.to_be_bytes());
        assert_eq!(read(&mut huge.as_slice()).unwrap_err().kind(), io::ErrorKind::InvalidData);
        let mut cut = Vec::new();
        row(&mut cut, b"key", b"value").unwrap();
        cut.pop();
        assert_eq!(read(&mut cut.as_slice()).unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
    }
}
