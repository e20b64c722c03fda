//! Event images: organizers set and remove them; anyone reads them. The
//! bytes arrive decoded, resized and re-encoded by the caller (the web
//! layer, which knows image formats); this module decides who may change
//! an event's image and passes what is served to the store.

use crate::{App, AppError, Result};
use std::collections::HashMap;
use tessera_domain::{EventId, MessageKey, OrgId, Permission};
pub use tessera_store::media::{EventImageRecord, ImageVariant, MAX_EVENTS_PER_LOOKUP};

impl App {
    /// Whether `actor` may change `org`'s event's image: checked before an
    /// upload is read or decoded. `NotFound` for an event of another organization.
    pub async fn may_set_event_image(&self, actor: &crate::Actor, org: OrgId, event: EventId) -> Result<()> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        Ok(())
    }

    /// Replaces the event's image with these variants (named by `hash`).
    pub async fn set_event_image(
        &self,
        actor: &crate::Actor,
        org: OrgId,
        event: EventId,
        hash: &str,
        variants: &[ImageVariant],
    ) -> Result<EventImageRecord> {
        self.may_set_event_image(actor, org, event).await?;
        if variants.is_empty() {
            return Err(AppError::invalid_key("image", MessageKey::new("errors-no-image"), "no image to store"));
        }
        self.store.put_event_image(org, event, hash, variants, self.now()).await?;
        self.store.event_images(&[event]).await?.remove(&event).ok_or(AppError::NotFound)
    }

    /// Removes the event's image; `NotFound` when it has none.
    pub async fn delete_event_image(&self, actor: &crate::Actor, org: OrgId, event: EventId) -> Result<()> {
        self.may_set_event_image(actor, org, event).await?;
        if self.store.delete_event_image(org, event).await? { Ok(()) } else { Err(AppError::NotFound) }
    }

    /// The images of these events (the first [`MAX_EVENTS_PER_LOOKUP`]),
    /// by event. Images are public: their URLs appear on public pages.
    pub async fn event_images(&self, events: &[EventId]) -> Result<HashMap<EventId, EventImageRecord>> {
        Ok(self.store.event_images(events).await?)
    }

    /// One variant of an event's image: content type and bytes.
    pub async fn event_image_data(&self, event: EventId, hash: &str, width: i64) -> Result<(String, Vec<u8>)> {
        self.store.event_image_data(event, hash, width).await?.ok_or(AppError::NotFound)
    }
}
