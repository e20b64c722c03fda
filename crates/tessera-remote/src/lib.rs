//! Talking to remote services: Stripe's HTTPS API and outbound webhooks to
//! integrators. A pure library: no database, no knowledge of Tessera's
//! orders or of HTTP routing; the app layer decides what to send and when,
//! and keeps whatever must survive a restart.
//!
//! - [`stripe`]: Checkout Sessions, refunds, and verification of the signed
//!   webhooks Stripe sends us. Money is always `i64` minor units.
//!   `stripe::testing` (cargo feature `testing`) is a loopback stand-in for
//!   api.stripe.com that other crates' tests can drive.
//! - [`webhooks`]: webhooks we send, signed per the Standard Webhooks
//!   convention, with an endpoint URL policy that keeps deliveries off
//!   private networks (checked when the URL is saved and again, against the
//!   resolved addresses, at delivery).
//!
//! TLS is rustls with the `ring` crypto provider (chosen over aws-lc-rs,
//! which needs cmake and a long C build) and the operating system's trust
//! store (`rustls-platform-verifier`). The crate hands reqwest a finished
//! rustls configuration instead of installing a process-wide default, so it
//! does not depend on or disturb what other crates pick. Plain `http://`
//! works too, for loopback stand-ins in tests.
//!
//! **Invariant:** depends on no other tessera crate; never logs or prints a
//! secret key (the `Debug` of [`stripe::Client`] redacts it).

#![warn(missing_docs)]

pub mod stripe;
mod tls;
pub mod webhooks;

/// Makes `ring` the process's default rustls crypto provider. reqwest is
/// built with `rustls-no-provider` (see Cargo.toml), so every
/// `reqwest::Client` in the process, plain-http ones included, needs a
/// default provider; call this once at start-up before building one.
/// Calling it again does nothing.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
