//! The lab's components, small and one concern each; state comes from the
//! [`Lab`](crate::lab::Lab) context.

pub mod canvas;
pub mod controls;
pub mod data_file;
pub mod embed_dialog;
pub mod export;
pub mod figures;
pub mod header;
pub mod notices;
pub mod runbar;
pub mod sweep;
