//! Files and folders only the server's user may read. The data folder holds the database (the
//! security log among it), the server secret and, without an SMTP relay, the outbox of
//! sign-in codes: on a machine shared with other users, none of it may be readable by them.

use std::fs::{DirBuilder, File, OpenOptions};
use std::io;
use std::os::unix::fs::{DirBuilderExt, MetadataExt, OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// `O_NOFOLLOW`, for `OpenOptionsExt::custom_flags`.
pub const NOFOLLOW: i32 = rustix::fs::OFlags::NOFOLLOW.bits() as i32;

/// Creates folder `path` and the parents it lacks, each made with mode 0700; an existing one
/// is left as it is.
pub fn dir(path: &Path) -> io::Result<()> {
    DirBuilder::new().recursive(true).mode(0o700).create(path)
}

/// Creates `path` for writing with mode 0600; fails if anything, a link included, is there.
pub fn file(path: &Path) -> io::Result<File> {
    OpenOptions::new().write(true).create_new(true).custom_flags(NOFOLLOW).mode(0o600).open(path)
}

/// Creates the data folder as [`dir`] does, or closes an existing one of this user's that
/// others may enter (made before the server made it 0700, or by hand) and says so in the log.
pub fn data_dir(path: &Path) -> io::Result<()> {
    dir(path)?;
    let meta = std::fs::metadata(path)?;
    let own = rustix::process::geteuid().as_raw();
    if meta.uid() == own && meta.mode() & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
        tracing::warn!(
            event = "data_dir_closed",
            path = %path.display(),
            was = format!("{:o}", meta.mode() & 0o777),
            "other users could enter the data folder: it is now 0700"
        );
    }
    Ok(())
}
