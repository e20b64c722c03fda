//! Event images as served: one row per width, the bytes already encoded by
//! the application. The store neither decodes nor checks them.

use crate::row::{RowExt, micros};
use crate::{Result, Store, StoreError};
use sqlx::Row;
use std::collections::HashMap;
use tessera_domain::{EventId, OrgId, Timestamp};

/// Events one [`Store::event_images`] call looks up at most.
pub const MAX_EVENTS_PER_LOOKUP: usize = 500;

/// One width of an event's image, encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageVariant {
    pub width: i64,
    pub height: i64,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// What an event's image offers, without its bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventImageRecord {
    pub event_id: EventId,
    /// Names the upload's content; part of every URL of the image.
    pub hash: String,
    pub content_type: String,
    /// (width, height) of each variant, narrowest first.
    pub sizes: Vec<(i64, i64)>,
}

impl Store {
    /// Stores (or replaces) the image of `org`'s event `event`: every
    /// variant, in one transaction. `NotFound` when the event is not `org`'s.
    pub async fn put_event_image(
        &self,
        org: OrgId,
        event: EventId,
        hash: &str,
        variants: &[ImageVariant],
        now: Timestamp,
    ) -> Result<()> {
        let mut tx = self.write.begin().await?;
        let owned = sqlx::query("SELECT id FROM events WHERE id = $1 AND org_id = $2")
            .bind(event.to_string())
            .bind(org.to_string())
            .fetch_optional(&mut *tx)
            .await?;
        if owned.is_none() {
            return Err(StoreError::NotFound);
        }
        sqlx::query("DELETE FROM event_images WHERE event_id = $1").bind(event.to_string()).execute(&mut *tx).await?;
        for v in variants {
            sqlx::query(
                "INSERT INTO event_images (event_id, org_id, hash, width, height, content_type, data, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(event.to_string())
            .bind(org.to_string())
            .bind(hash)
            .bind(v.width)
            .bind(v.height)
            .bind(&v.content_type)
            .bind(v.data.clone())
            .bind(micros(now))
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Removes `org`'s event's image; whether there was one.
    pub async fn delete_event_image(&self, org: OrgId, event: EventId) -> Result<bool> {
        let r = sqlx::query("DELETE FROM event_images WHERE event_id = $1 AND org_id = $2")
            .bind(event.to_string())
            .bind(org.to_string())
            .execute(&self.write)
            .await?;
        Ok(r.rows_affected() > 0)
    }

    /// The images of these events (at most [`MAX_EVENTS_PER_LOOKUP`]; the
    /// rest are not looked up), by event; events without one are absent.
    pub async fn event_images(&self, events: &[EventId]) -> Result<HashMap<EventId, EventImageRecord>> {
        let events = &events[..events.len().min(MAX_EVENTS_PER_LOOKUP)];
        let mut out: HashMap<EventId, EventImageRecord> = HashMap::new();
        if events.is_empty() {
            return Ok(out);
        }
        let marks: Vec<String> = (1..=events.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT event_id, hash, width, height, content_type FROM event_images WHERE event_id IN ({}) \
             ORDER BY event_id, width",
            marks.join(", ")
        );
        // Only numbered placeholders are formatted in; the ids are bound.
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for e in events {
            q = q.bind(e.to_string());
        }
        for r in q.fetch_all(&self.read).await? {
            let event: EventId = r.parse("event_id")?;
            let rec = out.entry(event).or_insert_with(|| EventImageRecord {
                event_id: event,
                hash: String::new(),
                content_type: String::new(),
                sizes: vec![],
            });
            rec.hash = r.text("hash")?;
            rec.content_type = r.text("content_type")?;
            rec.sizes.push((r.int("width")?, r.int("height")?));
        }
        Ok(out)
    }

    /// One variant's content type and bytes, when the event's image still
    /// has this hash and width.
    pub async fn event_image_data(&self, event: EventId, hash: &str, width: i64) -> Result<Option<(String, Vec<u8>)>> {
        let row =
            sqlx::query("SELECT content_type, data FROM event_images WHERE event_id = $1 AND hash = $2 AND width = $3")
                .bind(event.to_string())
                .bind(hash)
                .bind(width)
                .fetch_optional(&self.read)
                .await?;
        row.map(|r| Ok((r.text("content_type")?, r.try_get::<Vec<u8>, _>("data")?))).transpose()
    }
}
