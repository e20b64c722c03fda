//! One integration-test binary for the crate: the Stripe client against the
//! stand-in, and webhook deliveries to a loopback receiver.

mod stripe;
mod webhooks;
