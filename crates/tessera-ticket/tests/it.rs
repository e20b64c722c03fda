//! The ticket code: golden vectors from docs/ticket-format.md, round trips,
//! tamper detection, foreign keys, and a decoder that never panics.

use data_encoding::{BASE32_NOPAD, HEXLOWER};
use proptest::prelude::*;
use tessera_ticket::*;
use uuid::Uuid;

const DOC: &str = include_str!("../../../docs/ticket-format.md");

/// One golden vector as the document writes it: `key: value` lines inside a
/// fenced block that opens with "```vector".
#[derive(Debug, Default)]
struct Vector {
    fields: std::collections::BTreeMap<String, String>,
}

impl Vector {
    fn get(&self, k: &str) -> &str {
        self.fields.get(k).unwrap_or_else(|| panic!("vector lacks `{k}`: {self:?}"))
    }
}

fn doc_vectors() -> Vec<Vector> {
    doc_blocks("```vector")
}

fn doc_blocks(opening: &str) -> Vec<Vector> {
    let mut out = Vec::new();
    let mut current: Option<Vector> = None;
    for line in DOC.lines() {
        match (&mut current, line.trim()) {
            (None, l) if l == opening => current = Some(Vector::default()),
            (Some(_), "```") => out.push(current.take().unwrap()),
            (Some(v), l) => {
                let (k, val) = l.split_once(':').unwrap_or_else(|| panic!("bad vector line {l:?}"));
                // A value in double quotes is a JSON string (it may hold white space).
                let val = val.trim();
                let val = if val.starts_with('"') && k.trim() == "code" {
                    serde_json::from_str::<String>(val).unwrap()
                } else {
                    val.to_string()
                };
                v.fields.insert(k.trim().to_string(), val);
            }
            (None, _) => {}
        }
    }
    out
}

fn opt(v: &str) -> Option<u32> {
    if v == "none" { None } else { Some(v.parse().unwrap()) }
}

#[test]
fn golden_vectors_in_the_document_hold() {
    let vectors = doc_vectors();
    assert!(vectors.len() >= 3, "docs/ticket-format.md should carry at least three vectors");
    for v in &vectors {
        let secret: [u8; 32] = HEXLOWER.decode(v.get("secret_key").as_bytes()).unwrap().try_into().unwrap();
        let key = signing_key(&secret);
        assert_eq!(HEXLOWER.encode(key.verifying_key().as_bytes()), v.get("public_key"));
        assert_eq!(KeyId::of(&key.verifying_key()).to_string(), v.get("key_id"));
        let claims = Claims {
            ticket_id: v.get("ticket_id").parse().unwrap(),
            event_id: v.get("event_id").parse().unwrap(),
            ticket_type_id: v.get("ticket_type_id").parse().unwrap(),
            issued_at: v.get("issued_at").parse().unwrap(),
            valid_from: opt(v.get("valid_from")),
            valid_until: opt(v.get("valid_until")),
            label: v.get("label").trim_matches('"').to_string(),
        };
        let code = encode(&key, &claims).unwrap();
        assert_eq!(code, v.get("code"), "encoding differs from the document");
        let bytes = BASE32_NOPAD.decode(&code.as_bytes()[4..]).unwrap();
        assert_eq!(HEXLOWER.encode(&bytes), v.get("bytes"), "byte layout differs from the document");
        // A verifier that has only the public key, as the document describes.
        let mut ring = KeyRing::new();
        ring.insert_entry(&PublicKeyEntry {
            key_id: v.get("key_id").to_string(),
            public_key: v.get("public_key").to_string(),
        })
        .unwrap();
        let verified = ring.verify(v.get("code")).unwrap();
        assert_eq!(verified.claims, claims);
    }
}

fn key(seed: u8) -> Ed25519SigningKey {
    signing_key(&[seed; 32])
}

fn ring_of(keys: &[&Ed25519SigningKey]) -> KeyRing {
    let mut ring = KeyRing::new();
    for k in keys {
        ring.insert(k.verifying_key());
    }
    ring
}

prop_compose! {
    fn claims()(
        t in any::<u128>(), e in any::<u128>(), tt in any::<u128>(),
        issued_at in any::<u32>(),
        from in proptest::option::of(1u32..2_000_000_000),
        span in 1u32..1_000_000_000,
        until_open in any::<bool>(),
        label in "[ -~]{0,20}|[\u{4e00}-\u{4e20}]{0,16}",
    ) -> Claims {
        let valid_until = if until_open { None } else { Some(from.unwrap_or(1).saturating_add(span)) };
        Claims {
            ticket_id: Uuid::from_u128(t),
            event_id: Uuid::from_u128(e),
            ticket_type_id: Uuid::from_u128(tt),
            issued_at,
            valid_from: from,
            valid_until,
            label,
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn encode_then_verify_gives_back_the_claims(c in claims(), seed in any::<u8>()) {
        let k = key(seed);
        let code = encode(&k, &c).unwrap();
        prop_assert!(code.len() <= MAX_CODE_CHARS);
        prop_assert!(code.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-'));
        let v = ring_of(&[&k]).verify(&code).unwrap();
        prop_assert_eq!(v.claims, c);
        prop_assert_eq!(v.key_id, KeyId::of(&k.verifying_key()));
    }

    #[test]
    fn changing_any_byte_fails_verification(c in claims(), at in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let k = key(1);
        let code = encode(&k, &c).unwrap();
        let mut bytes = BASE32_NOPAD.decode(&code.as_bytes()[4..]).unwrap();
        let i = at.index(bytes.len());
        bytes[i] ^= flip;
        let tampered = format!("TK1-{}", BASE32_NOPAD.encode(&bytes));
        prop_assert!(ring_of(&[&k]).verify(&tampered).is_err(), "byte {} changed and still verified", i);
    }

    #[test]
    fn changing_any_character_fails_verification(c in claims(), at in any::<prop::sample::Index>(), to in "[A-Z2-7a-z0-9=-]") {
        let k = key(2);
        let code = encode(&k, &c).unwrap();
        let i = at.index(code.len());
        prop_assume!(&code[i..i + 1] != to.as_str());
        let tampered = format!("{}{}{}", &code[..i], to, &code[i + 1..]);
        prop_assert!(ring_of(&[&k]).verify(&tampered).is_err());
    }

    #[test]
    fn another_organizations_key_does_not_verify(c in claims()) {
        let ours = key(3);
        let theirs = key(4);
        let code = encode(&theirs, &c).unwrap();
        let err = ring_of(&[&ours]).verify(&code).unwrap_err();
        prop_assert_eq!(err, CodeError::UnknownKey(KeyId::of(&theirs.verifying_key())));
        // Relabelled with our key id, the signature no longer matches.
        let mut bytes = BASE32_NOPAD.decode(&code.as_bytes()[4..]).unwrap();
        bytes[1..9].copy_from_slice(&KeyId::of(&ours.verifying_key()).0);
        let forged = format!("TK1-{}", BASE32_NOPAD.encode(&bytes));
        prop_assert_eq!(ring_of(&[&ours]).verify(&forged).unwrap_err(), CodeError::BadSignature);
    }

    #[test]
    fn arbitrary_strings_never_panic(s in "\\PC{0,400}") {
        let _ = decode(&s);
        let _ = ring_of(&[&key(5)]).verify(&s);
    }

    #[test]
    fn arbitrary_payloads_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..250), version_one in any::<bool>()) {
        let mut bytes = bytes;
        if version_one && !bytes.is_empty() {
            bytes[0] = 1;
        }
        let s = format!("TK1-{}", BASE32_NOPAD.encode(&bytes));
        prop_assert!(ring_of(&[&key(5)]).verify(&s).is_err());
    }
}

#[test]
fn bad_codes_get_the_right_reason() {
    let k = key(9);
    let ring = ring_of(&[&k]);
    let c = Claims {
        ticket_id: Uuid::from_u128(1),
        event_id: Uuid::from_u128(2),
        ticket_type_id: Uuid::from_u128(3),
        issued_at: 100,
        valid_from: None,
        valid_until: None,
        label: String::new(),
    };
    let code = encode(&k, &c).unwrap();
    let malformed = |s: &str| matches!(ring.verify(s), Err(CodeError::Malformed(_)));
    assert!(malformed(""));
    assert!(malformed("hello"));
    assert!(malformed(&code[..code.len() - 8]), "truncated");
    assert!(malformed(&format!("{code}AAAAAAAA")), "over-long");
    assert!(malformed(&code.to_lowercase()), "lower case is not canonical");
    assert!(malformed(&format!("{code}=")), "padding is not canonical");
    assert!(malformed(&"A".repeat(10_000)));
    assert_eq!(ring.verify(&code.replacen("TK1-", "TK2-", 1)), Err(CodeError::UnsupportedVersion(2)));
    // Version byte 2 behind a TK1 prefix.
    let mut bytes = BASE32_NOPAD.decode(&code.as_bytes()[4..]).unwrap();
    bytes[0] = 2;
    assert_eq!(ring.verify(&format!("TK1-{}", BASE32_NOPAD.encode(&bytes))), Err(CodeError::UnsupportedVersion(2)));
    // The last Base32 character carries unused bits: they must be zero.
    let last = code.chars().last().unwrap();
    let alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let next = alphabet.chars().cycle().skip_while(|&ch| ch != last).nth(1).unwrap();
    let sloppy = format!("{}{}", &code[..code.len() - 1], next);
    assert!(ring.verify(&sloppy).is_err());
    assert!(ring.verify(&code).is_ok());
}

#[test]
fn validity_windows() {
    let c = Claims {
        ticket_id: Uuid::nil(),
        event_id: Uuid::nil(),
        ticket_type_id: Uuid::nil(),
        issued_at: 0,
        valid_from: Some(100),
        valid_until: Some(200),
        label: String::new(),
    };
    assert_eq!(c.validity_at(99), Validity::NotYetValid);
    assert_eq!(c.validity_at(100), Validity::Valid);
    assert_eq!(c.validity_at(199), Validity::Valid);
    assert_eq!(c.validity_at(200), Validity::Expired);
    let k = key(1);
    let bad = Claims { valid_from: Some(200), valid_until: Some(200), ..c.clone() };
    assert!(encode(&k, &bad).is_err());
    let long = Claims { label: "x".repeat(49), ..c };
    assert!(encode(&k, &long).is_err());
}

#[test]
fn key_files_are_checked() {
    let k = key(11);
    let entry = PublicKeyEntry::of(&k.verifying_key());
    let json = serde_json::json!({ "keys": [entry], "revoked": [] }).to_string();
    let ring = KeyRing::from_json(&json).unwrap();
    assert!(ring.contains(KeyId::of(&k.verifying_key())));
    let wrong_id = serde_json::json!({ "keys": [{ "key_id": "0000000000000000", "public_key": entry.public_key }] });
    assert!(KeyRing::from_json(&wrong_id.to_string()).unwrap_err().contains("does not match"));
    let short = serde_json::json!({ "keys": [{ "key_id": entry.key_id, "public_key": "abcd" }] });
    assert!(KeyRing::from_json(&short.to_string()).is_err());
    assert!(KeyRing::from_json("not json").is_err());
}

/// What a verifier says about a code, in the words of the invalid vectors.
fn verdict(ring: &KeyRing, code: &str, now: Option<i64>) -> &'static str {
    match ring.verify(code) {
        Ok(v) => match now.map(|n| v.claims.validity_at(n)) {
            Some(Validity::NotYetValid) => "not_yet_valid",
            Some(Validity::Expired) => "expired",
            _ => "valid",
        },
        Err(CodeError::Malformed(_)) => "malformed",
        Err(CodeError::UnsupportedVersion(_)) => "unsupported_version",
        Err(CodeError::UnknownKey(_)) => "unknown_key",
        Err(CodeError::BadSignature) => "invalid_signature",
        Err(CodeError::Unencodable(_)) => unreachable!(),
    }
}

#[test]
fn invalid_vectors_in_the_document_get_exactly_their_verdicts() {
    use ed25519_dalek::Verifier;
    let golden = doc_vectors();
    let invalid = doc_blocks("```invalid");
    assert!(invalid.len() >= 20, "docs/ticket-format.md should carry the invalid vectors, found {}", invalid.len());
    let mut verdicts = std::collections::BTreeSet::new();
    for v in &invalid {
        let case = v.get("case");
        let expected = v.get("verdict");
        verdicts.insert(expected.to_string());
        if expected == "key_refused" {
            let public_key = v.get("public_key");
            let bytes: [u8; 32] = HEXLOWER.decode(public_key.as_bytes()).unwrap().try_into().unwrap();
            let key = Ed25519VerifyingKey::from_bytes(&bytes).unwrap();
            let entry = PublicKeyEntry { key_id: KeyId::of(&key).to_string(), public_key: public_key.to_string() };
            assert!(KeyRing::new().insert_entry(&entry).is_err(), "{case}: the key entry must be refused");
            let file = serde_json::json!({ "keys": [entry] }).to_string();
            assert!(KeyFile::from_json(&file).is_err(), "{case}: the key file must be refused");
            if let Some(code) = v.fields.get("code") {
                // The code is a forgery a lax verifier accepts ...
                let bytes = BASE32_NOPAD.decode(&code.as_bytes()[4..]).unwrap();
                let (signed, sig) = bytes.split_at(bytes.len() - 64);
                let msg = [SIGNATURE_CONTEXT, signed].concat();
                let sig = ed25519_dalek::Signature::from_slice(sig).unwrap();
                assert!(key.verify(&msg, &sig).is_ok(), "{case}: not a lax forgery");
                // ... and ours, even holding the key, does not.
                assert_eq!(decode(code).unwrap().verify_with(&key), Err(CodeError::BadSignature), "{case}");
            }
            continue;
        }
        let mut ring = KeyRing::new();
        for n in v.get("keys").split_whitespace() {
            let g = &golden[n.parse::<usize>().unwrap() - 1];
            ring.insert_entry(&PublicKeyEntry {
                key_id: g.get("key_id").to_string(),
                public_key: g.get("public_key").to_string(),
            })
            .unwrap();
        }
        let now = v.fields.get("now").map(|n| n.parse::<i64>().unwrap());
        assert_eq!(verdict(&ring, v.get("code"), now), expected, "{case}");
    }
    let all = [
        "malformed",
        "unsupported_version",
        "unknown_key",
        "invalid_signature",
        "key_refused",
        "not_yet_valid",
        "expired",
    ];
    assert_eq!(verdicts, all.iter().map(|s| s.to_string()).collect(), "every verdict has a vector");
}

#[test]
fn key_files_follow_the_documented_rules() {
    let k = key(21);
    let other = key(22);
    let entry = PublicKeyEntry::of(&k.verifying_key());
    let entry2 = PublicKeyEntry::of(&other.verifying_key());
    let file = |v: serde_json::Value| KeyFile::from_json(&v.to_string());
    let t = Uuid::from_u128(0x0193_5d2a_7c00_7000_8000_0000_0000_0001);
    // A good file: other fields (the sync answer's) are ignored.
    let good = file(serde_json::json!({
        "list": {}, "cursor": "1",
        "keys": [{ "key_id": entry.key_id, "public_key": entry.public_key, "created_at": "x", "retired_at": null }, entry2],
        "revoked": [t.to_string()],
    }))
    .unwrap();
    assert_eq!(good.ring.len(), 2);
    assert!(good.revoked.contains(&t));
    assert!(file(serde_json::json!({ "keys": [] })).unwrap().ring.is_empty());
    // One bad entry refuses the whole file, naming it.
    let bad =
        file(serde_json::json!({ "keys": [entry2, { "key_id": "0000000000000000", "public_key": entry.public_key }] }));
    assert!(bad.unwrap_err().starts_with("keys[1]: key_id 0000000000000000 does not match"));
    // Upper case is refused, in the key id and in the key.
    let upper_id = file(
        serde_json::json!({ "keys": [{ "key_id": entry.key_id.to_uppercase(), "public_key": entry.public_key }] }),
    );
    assert!(upper_id.unwrap_err().contains("lower-case hex"));
    let upper_key = file(
        serde_json::json!({ "keys": [{ "key_id": entry.key_id, "public_key": entry.public_key.to_uppercase() }] }),
    );
    assert!(upper_key.unwrap_err().starts_with("keys[0]: public_key"));
    // The same key twice is refused.
    let twice = file(serde_json::json!({ "keys": [entry, entry2, entry] }));
    assert_eq!(twice.unwrap_err(), format!("keys[2]: key_id {} is listed twice", entry.key_id));
    // `revoked`: lower-case hyphenated ticket ids; a bad one refuses the file.
    for bad in [
        serde_json::json!("nope"),
        serde_json::json!(t.to_string().to_uppercase()),
        serde_json::json!(t.simple().to_string()),
        serde_json::json!(7),
    ] {
        let err = file(serde_json::json!({ "keys": [entry], "revoked": [t.to_string(), bad] })).unwrap_err();
        assert!(err.starts_with("revoked[1]: not a ticket id"), "{err}");
    }
    assert_eq!(file(serde_json::json!({ "keys": [entry], "revoked": "x" })).unwrap_err(), "revoked: not an array");
    assert_eq!(file(serde_json::json!({ "revoked": [] })).unwrap_err(), "keys: missing");
    assert!(file(serde_json::json!([])).is_err());
    assert!(file(serde_json::json!({ "keys": [{ "key_id": entry.key_id }] })).unwrap_err().starts_with("keys[0]:"));
}
