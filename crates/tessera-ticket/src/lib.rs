//! Tessera's ticket code, version 1: what a ticket's QR code carries, how it
//! is signed, and how a scanner checks it with nothing but public keys.
//!
//! The byte layout, the text encoding and the signature input are specified
//! in `docs/ticket-format.md`, with golden vectors that this crate's tests
//! check. In short: a fixed-size binary payload (version, key id, ticket,
//! event and ticket type ids, issued-at and validity as Unix seconds, a short
//! seat or zone label) followed by an Ed25519 signature, written as `TK1-`
//! and RFC 4648 Base32 without padding, so the whole code is in QR
//! alphanumeric mode.
//!
//! This crate must stay usable alone by a scanner or an independent
//! verifier: it depends on no other tessera crate, does no IO and keeps no
//! state beyond the [`KeyRing`] it is given. Decoding never panics, whatever
//! the input (a property test and a fuzz target feed it arbitrary strings).

use data_encoding::{BASE32_NOPAD, HEXLOWER};
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};
use std::collections::{BTreeSet, HashMap};
use std::fmt;
use uuid::Uuid;

/// Every version-1 code starts with this; the rest is Base32.
pub const PREFIX: &str = "TK1-";
/// The first payload byte of a version-1 code.
pub const VERSION: u8 = 1;
/// Signed before the payload bytes, so that a ticket signature can never be
/// mistaken for a signature made for another purpose with the same key.
pub const SIGNATURE_CONTEXT: &[u8] = b"tessera-ticket-v1";
/// Longest seat or zone label, in bytes of UTF-8.
pub const MAX_LABEL_BYTES: usize = 48;
/// Payload bytes before the label.
const FIXED_BYTES: usize = 70;
const SIGNATURE_BYTES: usize = 64;
/// Shortest and longest possible code, in bytes and in characters.
pub const MIN_CODE_BYTES: usize = FIXED_BYTES + SIGNATURE_BYTES;
pub const MAX_CODE_BYTES: usize = MIN_CODE_BYTES + MAX_LABEL_BYTES;
pub const MAX_CODE_CHARS: usize = PREFIX.len() + (MAX_CODE_BYTES * 8).div_ceil(5);

/// Identifies a signing key: the first 8 bytes of SHA-256 of its 32-byte
/// public key, shown as 16 lowercase hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; 8]);

impl KeyId {
    pub fn of(public: &VerifyingKey) -> Self {
        let digest = Sha256::digest(public.as_bytes());
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest[..8]);
        KeyId(id)
    }

    pub fn parse(hex: &str) -> Result<Self, CodeError> {
        let bytes = HEXLOWER.decode(hex.as_bytes()).map_err(|_| CodeError::Malformed("key id is not lowercase hex"))?;
        let id: [u8; 8] = bytes.try_into().map_err(|_| CodeError::Malformed("key id is not 8 bytes"))?;
        Ok(KeyId(id))
    }
}

impl fmt::Display for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&HEXLOWER.encode(&self.0))
    }
}

impl fmt::Debug for KeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KeyId({self})")
    }
}

/// What a code says about its ticket. Times are Unix seconds (UTC); a
/// validity bound of `None` is open.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Claims {
    pub ticket_id: Uuid,
    pub event_id: Uuid,
    pub ticket_type_id: Uuid,
    pub issued_at: u32,
    pub valid_from: Option<u32>,
    pub valid_until: Option<u32>,
    /// Seat or zone, as printed; empty when the ticket has none.
    pub label: String,
}

/// Where a verified code stands against a given instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    Valid,
    NotYetValid,
    Expired,
}

impl Claims {
    pub fn validity_at(&self, unix_secs: i64) -> Validity {
        if self.valid_from.is_some_and(|from| unix_secs < i64::from(from)) {
            Validity::NotYetValid
        } else if self.valid_until.is_some_and(|until| unix_secs >= i64::from(until)) {
            Validity::Expired
        } else {
            Validity::Valid
        }
    }
}

/// Why a code was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    /// Not a well-formed version-1 code at all (wrong prefix, bad Base32,
    /// wrong length, bad label...).
    #[error("malformed code: {0}")]
    Malformed(&'static str),
    #[error("unsupported code version {0}")]
    UnsupportedVersion(u8),
    /// Well formed, but signed with a key this key ring does not hold.
    #[error("unknown signing key {0}")]
    UnknownKey(KeyId),
    #[error("the signature does not verify")]
    BadSignature,
    /// Only from [`encode`]: the claims cannot be written as a code.
    #[error("cannot encode: {0}")]
    Unencodable(&'static str),
}

/// A code taken apart but not yet verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub key_id: KeyId,
    pub claims: Claims,
    /// The bytes the signature covers (after the context string).
    signed: Vec<u8>,
    signature: [u8; SIGNATURE_BYTES],
}

fn payload(key_id: KeyId, c: &Claims) -> Result<Vec<u8>, CodeError> {
    let label = c.label.as_bytes();
    if label.len() > MAX_LABEL_BYTES {
        return Err(CodeError::Unencodable("label longer than 48 bytes"));
    }
    if c.valid_from == Some(0) || c.valid_until == Some(0) {
        return Err(CodeError::Unencodable("a validity bound of 0 means 'none': use None"));
    }
    if let (Some(from), Some(until)) = (c.valid_from, c.valid_until)
        && from >= until
    {
        return Err(CodeError::Unencodable("valid_from must be before valid_until"));
    }
    let mut out = Vec::with_capacity(FIXED_BYTES + label.len() + SIGNATURE_BYTES);
    out.push(VERSION);
    out.extend_from_slice(&key_id.0);
    out.extend_from_slice(c.ticket_id.as_bytes());
    out.extend_from_slice(c.event_id.as_bytes());
    out.extend_from_slice(c.ticket_type_id.as_bytes());
    out.extend_from_slice(&c.issued_at.to_be_bytes());
    out.extend_from_slice(&c.valid_from.unwrap_or(0).to_be_bytes());
    out.extend_from_slice(&c.valid_until.unwrap_or(0).to_be_bytes());
    out.push(label.len() as u8);
    out.extend_from_slice(label);
    Ok(out)
}

fn signature_input(signed: &[u8]) -> Vec<u8> {
    let mut msg = Vec::with_capacity(SIGNATURE_CONTEXT.len() + signed.len());
    msg.extend_from_slice(SIGNATURE_CONTEXT);
    msg.extend_from_slice(signed);
    msg
}

/// Signs the claims and writes the code.
pub fn encode(key: &SigningKey, claims: &Claims) -> Result<String, CodeError> {
    let mut bytes = payload(KeyId::of(&key.verifying_key()), claims)?;
    let signature = key.sign(&signature_input(&bytes));
    bytes.extend_from_slice(&signature.to_bytes());
    let mut code = String::with_capacity(MAX_CODE_CHARS);
    code.push_str(PREFIX);
    code.push_str(&BASE32_NOPAD.encode(&bytes));
    Ok(code)
}

fn be_u32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

fn uuid_at(b: &[u8], at: usize) -> Uuid {
    let mut id = [0u8; 16];
    id.copy_from_slice(&b[at..at + 16]);
    Uuid::from_bytes(id)
}

/// Takes a code apart without checking its signature. Strict: only the
/// canonical form is accepted (upper-case Base32, no padding, zero trailing
/// bits, exact length), so one ticket has exactly one valid code text.
pub fn decode(code: &str) -> Result<Decoded, CodeError> {
    if code.len() > MAX_CODE_CHARS {
        return Err(CodeError::Malformed("too long"));
    }
    let Some(body) = code.strip_prefix(PREFIX) else {
        // `TK<digit>-` is this format's family; another digit is a later version.
        return match code.as_bytes() {
            [b'T', b'K', d @ b'0'..=b'9', b'-', ..] => Err(CodeError::UnsupportedVersion(d - b'0')),
            _ => Err(CodeError::Malformed("does not start with TK1-")),
        };
    };
    let bytes = BASE32_NOPAD.decode(body.as_bytes()).map_err(|_| CodeError::Malformed("not canonical Base32"))?;
    if bytes.len() < MIN_CODE_BYTES {
        return Err(CodeError::Malformed("too short"));
    }
    if bytes[0] != VERSION {
        return Err(CodeError::UnsupportedVersion(bytes[0]));
    }
    let label_len = usize::from(bytes[FIXED_BYTES - 1]);
    if label_len > MAX_LABEL_BYTES {
        return Err(CodeError::Malformed("label longer than 48 bytes"));
    }
    if bytes.len() != MIN_CODE_BYTES + label_len {
        return Err(CodeError::Malformed("length does not match the label length"));
    }
    let label = std::str::from_utf8(&bytes[FIXED_BYTES..FIXED_BYTES + label_len])
        .map_err(|_| CodeError::Malformed("label is not UTF-8"))?
        .to_string();
    let mut key_id = [0u8; 8];
    key_id.copy_from_slice(&bytes[1..9]);
    let nonzero = |v: u32| (v != 0).then_some(v);
    let claims = Claims {
        ticket_id: uuid_at(&bytes, 9),
        event_id: uuid_at(&bytes, 25),
        ticket_type_id: uuid_at(&bytes, 41),
        issued_at: be_u32(&bytes, 57),
        valid_from: nonzero(be_u32(&bytes, 61)),
        valid_until: nonzero(be_u32(&bytes, 65)),
        label,
    };
    if let (Some(from), Some(until)) = (claims.valid_from, claims.valid_until)
        && from >= until
    {
        return Err(CodeError::Malformed("valid_from is not before valid_until"));
    }
    let split = FIXED_BYTES + label_len;
    let mut signature = [0u8; SIGNATURE_BYTES];
    signature.copy_from_slice(&bytes[split..]);
    let mut signed = bytes;
    signed.truncate(split);
    Ok(Decoded { key_id: KeyId(key_id), claims, signed, signature })
}

/// Why a public key is not fit to verify with: `None` when it is. Refused:
/// small-order ("weak") points, which verify forged signatures under the
/// lax equation, and non-canonical encodings (a y coordinate of p or more,
/// or the sign bit set on x = 0), which give one key two key ids.
pub fn key_unfit(key: &VerifyingKey) -> Option<&'static str> {
    if key.is_weak() {
        Some("is a small-order point")
    } else if key.to_edwards().compress().to_bytes() != key.to_bytes() {
        Some("is not the canonical encoding of its point")
    } else {
        None
    }
}

impl Decoded {
    /// Checks the signature with `key`, which must be the key the code names,
    /// by the strict rules: canonical S (< L), R and the key canonical and
    /// not of small order (ed25519-dalek's `verify_strict`, plus the key's
    /// canonical encoding).
    pub fn verify_with(&self, key: &VerifyingKey) -> Result<(), CodeError> {
        if KeyId::of(key) != self.key_id {
            return Err(CodeError::UnknownKey(self.key_id));
        }
        if key_unfit(key).is_some() {
            return Err(CodeError::BadSignature);
        }
        let signature = Signature::from_bytes(&self.signature);
        key.verify_strict(&signature_input(&self.signed), &signature).map_err(|_| CodeError::BadSignature)
    }
}

/// The public keys a verifier trusts, by key id.
#[derive(Debug, Clone, Default)]
pub struct KeyRing {
    keys: HashMap<KeyId, VerifyingKey>,
}

/// One public key as it travels in JSON (the sync API's `keys`, the key file
/// of `tessera ticket verify`). Other fields are ignored.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PublicKeyEntry {
    /// 16 lowercase hex digits; must match the public key.
    pub key_id: String,
    /// The 32-byte Ed25519 public key, 64 lowercase hex digits.
    pub public_key: String,
}

impl PublicKeyEntry {
    pub fn of(key: &VerifyingKey) -> Self {
        Self { key_id: KeyId::of(key).to_string(), public_key: HEXLOWER.encode(key.as_bytes()) }
    }
}

/// One key entry checked: lower-case hex of the right length, a canonical
/// point not of small order, and the key id its hash.
fn entry_key(entry: &PublicKeyEntry) -> Result<(KeyId, VerifyingKey), String> {
    let lower_hex = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !lower_hex(&entry.key_id, 16) {
        return Err(format!("key_id {:?} is not 16 lower-case hex digits", entry.key_id));
    }
    if !lower_hex(&entry.public_key, 64) {
        return Err(format!("public_key of {} is not 64 lower-case hex digits", entry.key_id));
    }
    let mut bytes = [0u8; 32];
    HEXLOWER
        .decode_mut(entry.public_key.as_bytes(), &mut bytes)
        .map_err(|_| format!("public_key of {} is not lower-case hex", entry.key_id))?;
    let key = VerifyingKey::from_bytes(&bytes)
        .map_err(|_| format!("public_key of {} is not an Ed25519 point", entry.key_id))?;
    if let Some(why) = key_unfit(&key) {
        return Err(format!("public_key of {} {why}", entry.key_id));
    }
    let id = KeyId::of(&key);
    if id.to_string() != entry.key_id {
        return Err(format!("key_id {} does not match its public key (expected {id})", entry.key_id));
    }
    Ok((id, key))
}

/// A key file as `tessera ticket verify --keys` reads it (the scanner sync
/// answer is one): the keys, and the revoked ticket ids. The rules are those
/// of docs/ticket-format.md, "Key files": any bad entry, in `keys` or in
/// `revoked`, refuses the whole file, naming the entry; a key id listed
/// twice is refused; hex and ticket ids are lower case only; other fields
/// are ignored.
#[derive(Debug, Clone, Default)]
pub struct KeyFile {
    pub ring: KeyRing,
    pub revoked: BTreeSet<Uuid>,
}

impl KeyFile {
    pub fn from_json(json: &str) -> Result<Self, String> {
        let doc: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("key file: {e}"))?;
        let Some(doc) = doc.as_object() else { return Err("key file: not a JSON object".into()) };
        let keys = match doc.get("keys") {
            Some(serde_json::Value::Array(keys)) => keys,
            Some(_) => return Err("keys: not an array".into()),
            None => return Err("keys: missing".into()),
        };
        let mut ring = KeyRing::new();
        for (i, entry) in keys.iter().enumerate() {
            let entry: PublicKeyEntry = serde_json::from_value(entry.clone()).map_err(|e| format!("keys[{i}]: {e}"))?;
            let (id, key) = entry_key(&entry).map_err(|e| format!("keys[{i}]: {e}"))?;
            if ring.keys.insert(id, key).is_some() {
                return Err(format!("keys[{i}]: key_id {id} is listed twice"));
            }
        }
        let mut revoked = BTreeSet::new();
        match doc.get("revoked") {
            None => {}
            Some(serde_json::Value::Array(ids)) => {
                for (i, id) in ids.iter().enumerate() {
                    let parsed = id
                        .as_str()
                        .and_then(|s| Uuid::try_parse(s).ok().filter(|u| u.hyphenated().to_string() == s))
                        .ok_or_else(|| format!("revoked[{i}]: not a ticket id (a lower-case hyphenated UUID)"))?;
                    revoked.insert(parsed);
                }
            }
            Some(_) => return Err("revoked: not an array".into()),
        }
        Ok(Self { ring, revoked })
    }
}

impl KeyRing {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, key: VerifyingKey) -> KeyId {
        let id = KeyId::of(&key);
        self.keys.insert(id, key);
        id
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn contains(&self, id: KeyId) -> bool {
        self.keys.contains_key(&id)
    }

    /// Adds a key given as hex, checking that it is lower case, a canonical
    /// point not of small order, and that its id matches.
    pub fn insert_entry(&mut self, entry: &PublicKeyEntry) -> Result<KeyId, String> {
        let id = entry_key(entry)?;
        self.keys.insert(id.0, id.1);
        Ok(id.0)
    }

    /// Reads a key file (docs/ticket-format.md, "Key files"): every entry
    /// must be good, or the whole file is refused; `revoked` is ignored here
    /// (see [`KeyFile`]).
    pub fn from_json(json: &str) -> Result<Self, String> {
        Ok(KeyFile::from_json(json)?.ring)
    }

    /// Decodes the code and checks its signature with the key it names.
    pub fn verify(&self, code: &str) -> Result<Verified, CodeError> {
        let decoded = decode(code)?;
        let key = self.keys.get(&decoded.key_id).ok_or(CodeError::UnknownKey(decoded.key_id))?;
        decoded.verify_with(key)?;
        Ok(Verified { key_id: decoded.key_id, claims: decoded.claims })
    }
}

/// A code whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub key_id: KeyId,
    pub claims: Claims,
}

/// Makes a signing key from 32 secret bytes (e.g. from the OS's random source).
pub fn signing_key(secret: &[u8; 32]) -> SigningKey {
    SigningKey::from_bytes(secret)
}

pub use ed25519_dalek::{SigningKey as Ed25519SigningKey, VerifyingKey as Ed25519VerifyingKey};
