//! API tests: a real server on a loopback port with a fresh SQLite database
//! per test, driven over HTTP.

mod account_security;
mod auth;
mod bad_input;
mod browser;
mod buyer;
mod catalog;
mod dashboard;
mod developer_pages;
mod errors;
mod escaping;
mod giftcards;
mod helpers;
mod invoices;
mod media;
mod openapi;
mod orders;
mod orders_pages;
mod payments;
mod permissions;
mod pricing;
mod scanner;
mod seat_editor;
mod seat_pages;
mod seating;
mod security;
mod settings_pages;
mod shell;
mod storefront;
mod tickets;
mod tiers;
mod transfers;
mod venue_payment_pages;
mod waitlist;
