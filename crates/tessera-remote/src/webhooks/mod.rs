//! Outbound webhooks (Standard Webhooks).
