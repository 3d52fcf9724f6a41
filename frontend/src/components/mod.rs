//! Small reusable pieces of the pages.

pub mod backup_panel;
pub mod clip_button;
pub mod conflict_view;
pub mod copy_button;
pub mod delete_account;
pub mod error_banner;
pub mod field_view;
pub mod kdf_progress;
pub mod notice_bar;
pub mod passphrase_change;
pub mod password_field;
pub mod password_generator;
pub mod qr_code;
pub mod record_form;
pub mod record_view;
pub mod reprompt;
pub mod require_unlocked;
pub mod secret_view;
pub mod sessions_list;
pub mod share_gone;
pub mod share_loader;
pub mod status_line;
pub mod strength_meter;
pub mod totp_panel;
pub mod vault_loader;
