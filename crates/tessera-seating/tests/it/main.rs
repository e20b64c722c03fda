//! One integration-test binary for the crate: formats, generators, the
//! allocator by example, and property tests against a brute-force oracle.

mod format_props;
mod formats;
mod generators;
