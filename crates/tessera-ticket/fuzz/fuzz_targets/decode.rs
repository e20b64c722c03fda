//! Feeds arbitrary bytes to the code decoder and verifier: they must answer
//! with an error, never panic. `cargo fuzz run decode` from crates/tessera-ticket.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let ring = {
        let mut ring = tessera_ticket::KeyRing::new();
        ring.insert(tessera_ticket::signing_key(&[7; 32]).verifying_key());
        ring
    };
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = tessera_ticket::decode(text);
        let _ = ring.verify(text);
    }
    // Arbitrary bytes behind a valid prefix reach the binary parser.
    let code = format!("TK1-{}", data_encoding::BASE32_NOPAD.encode(data));
    let _ = ring.verify(&code);
});
