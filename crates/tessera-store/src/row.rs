//! Small, typed readers for `AnyRow` columns, so that every backend's rows are
//! decoded the same way and a malformed value is an error, not a panic.

use crate::{Result, StoreError};
use sqlx::Row;
use sqlx::any::AnyRow;
use std::str::FromStr;
use tessera_domain::Timestamp;

pub(crate) fn micros(t: Timestamp) -> i64 {
    t.as_microsecond()
}

pub(crate) fn opt_micros(t: Option<Timestamp>) -> Option<i64> {
    t.map(micros)
}

pub(crate) trait RowExt {
    fn text(&self, col: &str) -> Result<String>;
    fn opt_text(&self, col: &str) -> Result<Option<String>>;
    fn int(&self, col: &str) -> Result<i64>;
    fn flag(&self, col: &str) -> Result<bool> {
        Ok(self.int(col)? != 0)
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>>;
    fn ts(&self, col: &str) -> Result<Timestamp> {
        to_ts(col, self.int(col)?)
    }
    fn opt_ts(&self, col: &str) -> Result<Option<Timestamp>> {
        self.opt_int(col)?.map(|v| to_ts(col, v)).transpose()
    }
    fn parse<T: FromStr>(&self, col: &str) -> Result<T> {
        let s = self.text(col)?;
        s.parse().map_err(|_| StoreError::Corrupt(format!("column {col}: cannot parse {s:?}")))
    }
}

fn to_ts(col: &str, v: i64) -> Result<Timestamp> {
    Timestamp::from_microsecond(v).map_err(|_| StoreError::Corrupt(format!("column {col}: bad instant {v}")))
}

impl RowExt for AnyRow {
    fn text(&self, col: &str) -> Result<String> {
        Ok(self.try_get::<String, _>(col)?)
    }
    fn opt_text(&self, col: &str) -> Result<Option<String>> {
        Ok(self.try_get::<Option<String>, _>(col)?)
    }
    fn int(&self, col: &str) -> Result<i64> {
        Ok(self.try_get::<i64, _>(col)?)
    }
    fn opt_int(&self, col: &str) -> Result<Option<i64>> {
        Ok(self.try_get::<Option<i64>, _>(col)?)
    }
}
