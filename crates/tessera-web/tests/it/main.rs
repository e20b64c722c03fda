//! API tests: a real server on a loopback port with a fresh SQLite database
//! per test, driven over HTTP.

mod auth;
mod bad_input;
mod catalog;
mod helpers;
mod openapi;
mod orders;
mod payments;
mod permissions;
mod scanner;
mod seating;
mod storefront;
mod tickets;
