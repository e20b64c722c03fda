//! Fresh databases for tests, on either backend. Used by the conformance
//! suite here and by the API and binary tests of other crates.
//!
//! PostgreSQL tests read their server from `TESSERA_TEST_POSTGRES_URL`
//! (e.g. `postgres://postgres@127.0.0.1/postgres`). When it is not set they
//! print a loud notice and skip, unless `TESSERA_TEST_REQUIRE_POSTGRES=1` is set
//! (CI sets both), in which case they fail.

use crate::{Store, StoreOptions};

pub const POSTGRES_URL_VAR: &str = "TESSERA_TEST_POSTGRES_URL";
pub const REQUIRE_POSTGRES_VAR: &str = "TESSERA_TEST_REQUIRE_POSTGRES";

/// A URL for a new, empty SQLite file under the system temp directory.
pub fn sqlite_url() -> String {
    let dir = std::env::temp_dir().join("tessera-tests");
    format!("sqlite://{}/{}.db", dir.display(), uuid::Uuid::now_v7().simple())
}

/// The admin URL of the test PostgreSQL server, or `None` after saying
/// loudly that PostgreSQL tests are skipped. Panics if PostgreSQL is required.
pub fn postgres_admin_url(test: &str) -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            if std::env::var(REQUIRE_POSTGRES_VAR).is_ok_and(|v| v == "1") {
                panic!("{test}: {REQUIRE_POSTGRES_VAR}=1 but {POSTGRES_URL_VAR} is not set");
            }
            // Written to the stderr handle directly: the test harness captures
            // eprintln! of passing tests, and this notice must be seen.
            use std::io::Write;
            let _ = writeln!(
                std::io::stderr(),
                "!!! SKIPPED PostgreSQL half of {test}: set {POSTGRES_URL_VAR} to run it !!!"
            );
            None
        }
    }
}

/// Creates a new database on the test server and returns its URL.
pub async fn fresh_postgres_url(admin_url: &str) -> String {
    let name = format!("tessera_t_{}", uuid::Uuid::now_v7().simple());
    let admin = Store::connect(admin_url, &StoreOptions { max_connections: 2, ..Default::default() })
        .await
        .expect("connect to the test PostgreSQL server");
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&admin.write)
        .await
        .expect("create a test database");
    admin.close().await;
    with_database(admin_url, &name)
}

/// Drops a database made by [`fresh_postgres_url`], closing its connections.
pub async fn drop_postgres_database(admin_url: &str, url: &str) {
    let name = url.split('?').next().unwrap_or(url).rsplit('/').next().unwrap_or("");
    if !name.starts_with("tessera_t_") {
        return;
    }
    if let Ok(admin) = Store::connect(admin_url, &StoreOptions { max_connections: 1, ..Default::default() }).await {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
            .execute(&admin.write)
            .await;
        admin.close().await;
    }
}

/// Swaps the database name in a PostgreSQL URL.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host_and_path = &base[scheme_end..];
    let host = host_and_path.split('/').next().unwrap_or("");
    let mut out = format!("{}{host}/{name}", &base[..scheme_end]);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

/// A migrated store on a fresh database of the given backend.
pub async fn fresh_store(url: &str) -> Store {
    // Tests check outcomes, not waiting times: on a busy shared machine a
    // burst of hundreds of concurrent operations may wait longer than
    // production's 10 s for one of the pool's connections.
    let options = StoreOptions { acquire_timeout: std::time::Duration::from_secs(60), ..StoreOptions::default() };
    let store = Store::connect(url, &options).await.expect("connect");
    store.migrate().await.expect("migrate");
    store
}

#[cfg(test)]
mod tests {
    #[test]
    fn swaps_database_names() {
        assert_eq!(super::with_database("postgres://u@h:5432/postgres", "x"), "postgres://u@h:5432/x");
        assert_eq!(
            super::with_database("postgres://u:p@h/db?sslmode=disable", "x"),
            "postgres://u:p@h/x?sslmode=disable"
        );
        assert_eq!(super::with_database("postgresql://h", "x"), "postgresql://h/x");
    }
}
