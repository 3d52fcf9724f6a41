//! Small reusable pieces of the pages.

pub mod copy_button;
pub mod error_banner;
pub mod kdf_progress;
pub mod password_field;
pub mod qr_code;
pub mod secret_view;
pub mod share_gone;
pub mod share_loader;
pub mod status_line;
