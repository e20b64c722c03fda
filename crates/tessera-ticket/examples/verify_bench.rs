//! Offline verification rate against the raw Ed25519 verify rate, both on
//! one core in the same run (see BENCHMARKS.md).
//!
//! `cargo run --release -p tessera-ticket --example verify_bench [N]`
//!
//! Baseline: `verify_strict` of N signatures over messages as long as a
//! ticket's signature input. Measured: `KeyRing::verify` of N ticket codes
//! (text to verified claims: prefix, Base32, layout checks, key lookup,
//! signature). Three rounds, alternating; the median of each is reported.

use ed25519_dalek::{Signer, SigningKey};
use std::time::Instant;
use tessera_ticket::{Claims, KeyRing, encode, signing_key};
use uuid::Uuid;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let key: SigningKey = signing_key(&[9; 32]);
    let mut ring = KeyRing::new();
    ring.insert(key.verifying_key());
    // A second organization's key in the ring, as a scanner may hold several.
    ring.insert(signing_key(&[10; 32]).verifying_key());
    let codes: Vec<String> = (0..n)
        .map(|i| {
            let c = Claims {
                ticket_id: Uuid::from_u128(0x0193_0000_0000_7000_8000_0000_0000_0000 + i as u128),
                event_id: Uuid::from_u128(1),
                ticket_type_id: Uuid::from_u128(2),
                issued_at: 1_795_000_000,
                valid_from: Some(1_798_000_000),
                valid_until: Some(1_799_000_000),
                label: String::new(),
            };
            encode(&key, &c).unwrap()
        })
        .collect();
    // Same message length as a code's signature input: 17 + 70 bytes.
    let raw: Vec<(Vec<u8>, ed25519_dalek::Signature)> = (0..n)
        .map(|i| {
            let mut m = vec![0u8; 87];
            m[..8].copy_from_slice(&(i as u64).to_be_bytes());
            let s = key.sign(&m);
            (m, s)
        })
        .collect();
    let vk = key.verifying_key();
    let mut raw_rates = Vec::new();
    let mut code_rates = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        for (m, s) in &raw {
            vk.verify_strict(m, s).unwrap();
        }
        raw_rates.push(n as f64 / t.elapsed().as_secs_f64());
        let t = Instant::now();
        for c in &codes {
            ring.verify(c).unwrap();
        }
        code_rates.push(n as f64 / t.elapsed().as_secs_f64());
    }
    let median = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.partial_cmp(b).unwrap());
        v[v.len() / 2]
    };
    let (r, c) = (median(&mut raw_rates), median(&mut code_rates));
    println!("codes per round:              {n}");
    println!("raw Ed25519 verify_strict:    {r:.0} /s (one core)");
    println!("ticket code verify (offline): {c:.0} /s (one core)");
    println!("ratio:                        {:.1} %", 100.0 * c / r);
}
