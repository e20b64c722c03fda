//! Prints the invalid vectors of docs/ticket-format.md: codes (and keys) a
//! verifier must refuse, each with the verdict it must give. Built from the
//! golden vectors' keys and claims, so the output never changes unless the
//! format does.
//!
//! `cargo run -p tessera-ticket --example invalid_vectors`

use data_encoding::{BASE32_NOPAD, HEXLOWER};
use tessera_ticket::*;
use uuid::Uuid;

/// The order of the Ed25519 base point's group, little-endian.
const L: [u8; 32] = [
    0xed, 0xd3, 0xf5, 0x5c, 0x1a, 0x63, 0x12, 0x58, 0xd6, 0x9c, 0xf7, 0xa2, 0xde, 0xf9, 0xde, 0x14, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
];
/// The base point B, compressed.
const BASE_POINT: &str = "5866666666666666666666666666666666666666666666666666666666666666";
/// The identity point (0, 1), compressed: small order.
const IDENTITY: &str = "0100000000000000000000000000000000000000000000000000000000000000";

fn golden(i: usize) -> (Ed25519SigningKey, Claims) {
    let secrets = [[7u8; 32], [42u8; 32], [200u8; 32]];
    let bounds = [(None, None, ""), (Some(1_798_761_600), Some(1_798_848_000), "Block A, Row 12, Seat 7")];
    let (from, until, label) = bounds[i.min(1)];
    let claims = Claims {
        ticket_id: Uuid::from_u128(0x0193_5d2a_7c00_7000_8000_0000_0000_0001 + i as u128),
        event_id: Uuid::from_u128(0x0193_5d2a_7000_7000_8000_0000_0000_00e1),
        ticket_type_id: Uuid::from_u128(0x0193_5d2a_7100_7000_8000_0000_0000_0071),
        issued_at: 1_795_000_000 + i as u32,
        valid_from: from,
        valid_until: until,
        label: label.to_string(),
    };
    (signing_key(&secrets[i]), claims)
}

fn bytes_of(code: &str) -> Vec<u8> {
    BASE32_NOPAD.decode(&code.as_bytes()[4..]).unwrap()
}

fn code_of(bytes: &[u8]) -> String {
    format!("TK1-{}", BASE32_NOPAD.encode(bytes))
}

fn block(case: &str, keys: &str, code: &str, now: Option<u32>, verdict: &str) {
    println!("```invalid");
    println!("case: {case}");
    println!("{keys}");
    if code.trim() != code {
        // White space would be lost in a plain line: written as a JSON string.
        println!("code: {}", serde_json::to_string(code).unwrap());
    } else if !code.is_empty() {
        println!("code: {code}");
    }
    if let Some(now) = now {
        println!("now: {now}");
    }
    println!("verdict: {verdict}");
    println!("```\n");
}

fn main() {
    let (k1, c1) = golden(0);
    let (k2, c2) = golden(1);
    let code1 = encode(&k1, &c1).unwrap();
    let code2 = encode(&k2, &c2).unwrap();
    let b2 = bytes_of(&code2);
    let with = |f: &dyn Fn(&mut Vec<u8>)| {
        let mut b = b2.clone();
        f(&mut b);
        code_of(&b)
    };
    let n = b2.len();

    block("last signature byte flipped", "keys: 2", &with(&|b| b[n - 1] ^= 0x01), None, "invalid_signature");
    block("a ticket id byte flipped", "keys: 2", &with(&|b| b[20] ^= 0x01), None, "invalid_signature");
    block("valid_until changed (by 65536 seconds)", "keys: 2", &with(&|b| b[67] ^= 0x01), None, "invalid_signature");
    block("signed by a key the verifier does not hold", "keys: 1", &code2, None, "unknown_key");
    let k1_id = KeyId::of(&k1.verifying_key()).0;
    block(
        "key id changed to another held key",
        "keys: 1 2",
        &with(&|b| b[1..9].copy_from_slice(&k1_id)),
        None,
        "invalid_signature",
    );
    block(
        "non-canonical signature: S + L in place of S",
        "keys: 2",
        &with(&|b| {
            let mut carry = 0u16;
            for i in 0..32 {
                let sum = u16::from(b[n - 32 + i]) + u16::from(L[i]) + carry;
                b[n - 32 + i] = sum as u8;
                carry = sum >> 8;
            }
        }),
        None,
        "invalid_signature",
    );
    block(
        "small-order R (the identity point)",
        "keys: 2",
        &with(&|b| b[n - 64..n - 32].copy_from_slice(&HEXLOWER.decode(IDENTITY.as_bytes()).unwrap())),
        None,
        "invalid_signature",
    );
    // A small-order public key: with A the identity, [S]B = R + [k]A holds
    // for R = B and S = 1 whatever the message, so a lax verifier accepts.
    let identity =
        Ed25519VerifyingKey::from_bytes(&HEXLOWER.decode(IDENTITY.as_bytes()).unwrap().try_into().unwrap()).unwrap();
    let mut forged = b2.clone();
    forged[1..9].copy_from_slice(&KeyId::of(&identity).0);
    forged[n - 64..n - 32].copy_from_slice(&HEXLOWER.decode(BASE_POINT.as_bytes()).unwrap());
    forged[n - 32..].copy_from_slice(&[0; 32]);
    forged[n - 32] = 1;
    block(
        "small-order public key (the identity), signature R = B, S = 1",
        &format!("public_key: {IDENTITY}"),
        &code_of(&forged),
        None,
        "key_refused",
    );
    // A non-canonical encoding: y = p + k for the first k whose point exists
    // and is not of small order.
    let non_canonical = (2u8..19)
        .find_map(|k| {
            let mut b = [0xffu8; 32];
            b[0] = 0xed + k;
            b[31] = 0x7f;
            Ed25519VerifyingKey::from_bytes(&b).ok().filter(|key| !key.is_weak()).map(|_| b)
        })
        .expect("a non-canonical point");
    block(
        "non-canonical public key encoding (y >= p)",
        &format!("public_key: {}", HEXLOWER.encode(&non_canonical)),
        "",
        None,
        "key_refused",
    );
    block("version 2 prefix", "keys: 2", &code2.replacen("TK1-", "TK2-", 1), None, "unsupported_version");
    block("version byte 2 behind TK1-", "keys: 2", &with(&|b| b[0] = 2), None, "unsupported_version");
    block("a leading space", "keys: 2", &format!(" {code2}"), None, "malformed");
    block("a trailing space", "keys: 2", &format!("{code2} "), None, "malformed");
    block("a trailing line feed", "keys: 2", &format!("{code2}\n"), None, "malformed");
    block("lower case", "keys: 2", &format!("TK1-{}", code2[4..].to_lowercase()), None, "malformed");
    block("Base32 padding", "keys: 2", &format!("{code2}="), None, "malformed");
    block(
        "a character outside the alphabet",
        "keys: 2",
        &format!("{}1{}", &code2[..10], &code2[11..]),
        None,
        "malformed",
    );
    let last = code2.chars().last().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let sloppy = alphabet.chars().nth(alphabet.find(last).unwrap() | 1).unwrap();
    assert_ne!(sloppy, last, "the last character must carry unused bits");
    block(
        "non-zero unused bits in the last character",
        "keys: 2",
        &format!("{}{sloppy}", &code2[..code2.len() - 1]),
        None,
        "malformed",
    );
    block("truncated: the last 8 characters (5 bytes) cut", "keys: 2", &code2[..code2.len() - 8], None, "malformed");
    block("truncated below 134 bytes", "keys: 1", &code_of(&bytes_of(&code1)[..133]), None, "malformed");
    block("label_len 49", "keys: 2", &with(&|b| b[69] = 49), None, "malformed");
    block("label not UTF-8", "keys: 2", &with(&|b| b[70] = 0xff), None, "malformed");
    block(
        "valid_from not before valid_until",
        "keys: 2",
        &with(&|b| b[65..69].copy_from_slice(&1_798_761_600u32.to_be_bytes())),
        None,
        "malformed",
    );
    let (from, until) = (c2.valid_from.unwrap(), c2.valid_until.unwrap());
    block("one second before valid_from", "keys: 2", &code2, Some(from - 1), "not_yet_valid");
    block("at valid_until", "keys: 2", &code2, Some(until), "expired");
}
