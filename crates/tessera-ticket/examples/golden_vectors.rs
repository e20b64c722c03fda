//! Prints the golden vectors of docs/ticket-format.md: fixed secret keys and
//! claims, so the output never changes unless the format does.
//!
//! `cargo run -p tessera-ticket --example golden_vectors`

use data_encoding::{BASE32_NOPAD, HEXLOWER};
use tessera_ticket::*;
use uuid::Uuid;

fn main() {
    let secrets = [[7u8; 32], [42u8; 32], [200u8; 32]];
    let cases = [
        (0u32, 0u32, ""),
        (1_798_761_600, 1_798_848_000, "Block A, Row 12, Seat 7"),
        (0, 1_830_297_600, "站票 Zone B"),
    ];
    for (i, (secret, (from, until, label))) in secrets.iter().zip(cases).enumerate() {
        let key = signing_key(secret);
        let claims = Claims {
            ticket_id: Uuid::from_u128(0x0193_5d2a_7c00_7000_8000_0000_0000_0001 + i as u128),
            event_id: Uuid::from_u128(0x0193_5d2a_7000_7000_8000_0000_0000_00e1),
            ticket_type_id: Uuid::from_u128(0x0193_5d2a_7100_7000_8000_0000_0000_0071),
            issued_at: 1_795_000_000 + i as u32,
            valid_from: (from != 0).then_some(from),
            valid_until: (until != 0).then_some(until),
            label: label.to_string(),
        };
        let code = encode(&key, &claims).unwrap();
        let bytes = BASE32_NOPAD.decode(&code.as_bytes()[4..]).unwrap();
        let o = |v: Option<u32>| v.map_or("none".to_string(), |v| v.to_string());
        println!("```vector");
        println!("secret_key: {}", HEXLOWER.encode(secret));
        println!("public_key: {}", HEXLOWER.encode(key.verifying_key().as_bytes()));
        println!("key_id: {}", KeyId::of(&key.verifying_key()));
        println!("ticket_id: {}", claims.ticket_id);
        println!("event_id: {}", claims.event_id);
        println!("ticket_type_id: {}", claims.ticket_type_id);
        println!("issued_at: {}", claims.issued_at);
        println!("valid_from: {}", o(claims.valid_from));
        println!("valid_until: {}", o(claims.valid_until));
        println!("label: \"{}\"", claims.label);
        println!("bytes: {}", HEXLOWER.encode(&bytes));
        println!("code: {code}");
        println!("```\n");
    }
}
