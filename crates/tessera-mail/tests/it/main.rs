//! tessera-mail's integration tests: one binary (see STYLE.md).

mod compose;
mod fixtures;
mod send;
