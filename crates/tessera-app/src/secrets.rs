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

/// The server's master key: encrypts signing keys at rest and derives the
/// unguessable links of ticket pages. 32 bytes from configuration (or a file
/// the binary creates); never logged (its `Debug` is redacted).
#[derive(Clone)]
pub struct MasterKey([u8; 32]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(<redacted>)")
    }
}

impl Default for MasterKey {
    /// A fresh random key: right for tests, wrong for a server that must
    /// read yesterday's keys (the binary always passes one in).
    fn default() -> Self {
        Self(random_bytes())
    }
}

impl MasterKey {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Parses base64 (standard or URL-safe, padded or not) of exactly 32 bytes.
    pub fn from_base64(s: &str) -> Result<Self, String> {
        let s = s.trim();
        let bytes = data_encoding::BASE64
            .decode(s.as_bytes())
            .or_else(|_| data_encoding::BASE64_NOPAD.decode(s.as_bytes()))
            .or_else(|_| data_encoding::BASE64URL_NOPAD.decode(s.as_bytes()))
            .map_err(|_| "must be base64".to_string())?;
        let bytes: [u8; 32] = bytes.try_into().map_err(|_| "must be 32 bytes (44 base64 characters)".to_string())?;
        Ok(Self(bytes))
    }

    pub fn to_base64(&self) -> String {
        data_encoding::BASE64.encode(&self.0)
    }

    fn subkey(&self, purpose: &[u8]) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(b"tessera-master-key/");
        h.update(purpose);
        h.update(self.0);
        h.finalize().into()
    }

    /// ChaCha20-Poly1305 with a random nonce; `aad` binds the ciphertext to
    /// its owner so it cannot be moved to another row. Base64 of nonce || ciphertext.
    pub fn seal(&self, plaintext: &[u8], aad: &[u8]) -> String {
        seal_with(&self.subkey(b"seal"), plaintext, aad)
    }

    pub fn open(&self, sealed: &str, aad: &[u8]) -> Result<Vec<u8>, String> {
        open_with(&self.subkey(b"seal"), sealed, aad)
    }

    /// For an Idempotency-Key sent with credentials `scope`: the name it is
    /// stored under (a keyed hash, so the table never holds the key) and the
    /// key that seals its stored response (derived from the key itself, so
    /// the table and the master key alone cannot open it).
    pub(crate) fn idempotency_secrets(&self, scope: &str, key: &str) -> (String, [u8; 32]) {
        use hmac::{KeyInit, Mac};
        let mac = |purpose: &[u8]| {
            let mut m = hmac::Hmac::<Sha256>::new_from_slice(&self.subkey(purpose)).expect("HMAC takes any key size");
            m.update(scope.as_bytes());
            m.update(&[0]);
            m.update(key.as_bytes());
            let out: [u8; 32] = m.finalize().into_bytes().into();
            out
        };
        (data_encoding::HEXLOWER.encode(&mac(b"idempotency-name")), mac(b"idempotency-seal"))
    }

    /// The secret part of a ticket page's link: HMAC-SHA256 of the ticket id,
    /// 130 bits in lower-case Base32. Stateless, so a link never needs storing.
    pub fn link_token(&self, id: &str) -> String {
        self.link_token_for(b"ticket-link", id)
    }

    /// The secret part of an order's link (`/o/{order_id}/{token}`), for the
    /// e-mails and "find my order": like a ticket link, under its own subkey,
    /// so a ticket's link never opens its order.
    pub fn order_link_token(&self, id: &str) -> String {
        self.link_token_for(b"order-link", id)
    }

    fn link_token_for(&self, purpose: &[u8], id: &str) -> String {
        use hmac::{KeyInit, Mac};
        let mut mac = hmac::Hmac::<Sha256>::new_from_slice(&self.subkey(purpose)).expect("HMAC takes any key size");
        mac.update(id.as_bytes());
        let tag = mac.finalize().into_bytes();
        let mut s = data_encoding::BASE32_NOPAD.encode(&tag).to_lowercase();
        s.truncate(26);
        s
    }
}

/// ChaCha20-Poly1305 with a random nonce under `key`; `aad` binds the
/// ciphertext to its owner so it cannot be moved to another row. Base64 of
/// nonce || ciphertext.
pub(crate) fn seal_with(key: &[u8; 32], plaintext: &[u8], aad: &[u8]) -> String {
    use chacha20poly1305::aead::{Aead, Payload};
    use chacha20poly1305::{ChaCha20Poly1305, KeyInit};
    let cipher = ChaCha20Poly1305::new(key.into());
    let nonce: [u8; 12] = random_bytes();
    let ct = cipher
        .encrypt(&nonce.into(), Payload { msg: plaintext, aad })
        // Only fails for inputs beyond 256 GiB.
        .expect("ChaCha20-Poly1305 encryption of a small input");
    let mut out = nonce.to_vec();
    out.extend_from_slice(&ct);
    data_encoding::BASE64.encode(&out)
}

pub(crate) fn open_with(key: &[u8; 32], sealed: &str, aad: &[u8]) -> Result<Vec<u8>, String> {
    use chacha20poly1305::aead::{Aead, Payload};
    use chacha20poly1305::{ChaCha20Poly1305, KeyInit};
    let bytes = data_encoding::BASE64.decode(sealed.as_bytes()).map_err(|_| "sealed value is not base64")?;
    if bytes.len() < 12 + 16 {
        return Err("sealed value is too short".into());
    }
    let (nonce, ct) = bytes.split_at(12);
    let nonce: [u8; 12] = nonce.try_into().map_err(|_| "bad nonce")?;
    ChaCha20Poly1305::new(key.into())
        .decrypt(&nonce.into(), Payload { msg: ct, aad })
        .map_err(|_| "cannot decrypt: wrong master key, or the value was altered".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sealed_values_open_only_with_the_same_key_and_owner() {
        let k = MasterKey::default();
        let sealed = k.seal(b"secret", b"org-1");
        assert_eq!(k.open(&sealed, b"org-1").unwrap(), b"secret");
        assert!(k.open(&sealed, b"org-2").is_err());
        assert!(MasterKey::default().open(&sealed, b"org-1").is_err());
        let mut tampered = data_encoding::BASE64.decode(sealed.as_bytes()).unwrap();
        *tampered.last_mut().unwrap() ^= 1;
        assert!(k.open(&data_encoding::BASE64.encode(&tampered), b"org-1").is_err());
        assert_eq!(format!("{k:?}"), "MasterKey(<redacted>)");
    }

    #[test]
    fn link_tokens_depend_on_key_and_id() {
        let k = MasterKey::from_bytes([1; 32]);
        assert_eq!(k.link_token("a"), k.link_token("a"));
        assert_ne!(k.link_token("a"), k.link_token("b"));
        assert_ne!(k.link_token("a"), MasterKey::from_bytes([2; 32]).link_token("a"));
        assert_eq!(k.link_token("a").len(), 26);
        assert_eq!(MasterKey::from_base64(&k.to_base64()).unwrap().0, k.0);
        assert!(MasterKey::from_base64("c2hvcnQ=").is_err());
    }
}
