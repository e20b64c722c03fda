//! Random secrets, their hashes, and constant-time comparison.

use data_encoding::BASE64URL_NOPAD;
use sha2::{Digest, Sha256};

/// `n` bytes from the operating system's CSPRNG.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut b = [0u8; N];
    // The OS RNG failing leaves no safe way to continue issuing secrets.
    getrandom::fill(&mut b).expect("operating system random number generator failed");
    b
}

/// A URL-safe random token with 256 bits of entropy.
pub(crate) fn random_token() -> String {
    BASE64URL_NOPAD.encode(&random_bytes::<32>())
}

/// How tokens are stored: SHA-256, hex. Tokens are random with 256 bits of
/// entropy, so a fast hash is enough (unlike passwords).
pub fn hash_token(token: &str) -> String {
    data_encoding::HEXLOWER.encode(&Sha256::digest(token.as_bytes()))
}

pub(crate) fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}
