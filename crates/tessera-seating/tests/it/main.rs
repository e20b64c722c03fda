//! One integration-test binary for the crate: formats, generators, the
//! allocator by example, and property tests against a brute-force oracle.

mod alloc_props;
mod allocate;
mod format_props;
mod formats;
mod generators;
