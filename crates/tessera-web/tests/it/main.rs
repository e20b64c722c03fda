//! API tests: a real server on a loopback port with a fresh SQLite database
//! per test, driven over HTTP.

mod account_security;
mod auth;
mod bad_input;
mod browser;
mod catalog;
mod dashboard;
mod helpers;
mod openapi;
mod orders;
mod payments;
mod permissions;
mod scanner;
mod seat_pages;
mod seating;
mod security;
mod settings_pages;
mod shell;
mod storefront;
mod tickets;
