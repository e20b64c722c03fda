//! Digital tickets: signing keys, ticket codes, delivery (links, QR, PDF),
//! voiding and re-issue.
//!
//! A ticket's code is signed on first delivery, not at confirmation: the hot
//! sale path stays one batch commit, and a code is made only for tickets
//! someone looks at. The code is then stored, so it never changes (a key
//! rotation affects codes signed afterwards only).

use crate::secrets::MasterKey;
use crate::{Actor, App, AppError, Result};
use data_encoding::HEXLOWER;
use tessera_domain::catalog::{Event, Venue};
use tessera_domain::orders::{Order, OrderId, OrderState, TicketId};
use tessera_domain::validation::check_text;
use tessera_domain::{EventId, OrgId, Permission, TicketTypeId, Timestamp, ValidationError};
use tessera_render::TicketSheet;
use tessera_store::{SigningKeyRecord, StoreError, TicketRecord};
use tessera_ticket::{Claims, Ed25519SigningKey, Ed25519VerifyingKey, KeyId};

/// How long before the event's start and after its end a code is valid.
pub const VALIDITY_MARGIN_SECS: i64 = 24 * 3600;

/// A ticket as its holder (or the box office) sees it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct TicketView {
    pub id: TicketId,
    pub order_id: OrderId,
    pub event_id: EventId,
    pub ticket_type_id: TicketTypeId,
    pub ticket_type: String,
    pub holder_name: String,
    /// The seat, on a seated event.
    pub seat: Option<String>,
    /// `valid` or `void`.
    pub status: String,
    /// The signed code in the QR image; absent on void tickets.
    pub code: Option<String>,
    /// The ticket that replaced this one, after a re-issue or a transfer.
    pub replaced_by: Option<TicketId>,
    /// Why a void ticket is void, when known: `transferred`.
    pub void_reason: Option<String>,
    /// The pending transfer offering this ticket, if any.
    pub pending_transfer_id: Option<String>,
    /// How many transfers led to this ticket (0: issued with its order).
    pub transfer_count: i64,
    /// The ticket's page (HTML, with the QR code), reachable by its unguessable link.
    pub page_url: String,
    pub qr_svg_url: String,
    pub qr_png_url: String,
}

/// A public signing key, as scanners and independent verifiers need it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PublicKeyView {
    /// 16 hex digits: the first 8 bytes of SHA-256 of the public key.
    pub key_id: String,
    /// The Ed25519 public key, 64 hex digits.
    pub public_key: String,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// When it stopped signing; it still verifies what it signed.
    #[schema(value_type = Option<String>, format = DateTime)]
    pub retired_at: Option<Timestamp>,
}

impl From<&SigningKeyRecord> for PublicKeyView {
    fn from(k: &SigningKeyRecord) -> Self {
        Self {
            key_id: k.id.clone(),
            public_key: k.public_key.clone(),
            created_at: k.created_at,
            retired_at: k.retired_at,
        }
    }
}

/// Input for re-issuing a ticket to another name.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReissueTicket {
    #[schema(min_length = 1, max_length = 200)]
    pub holder_name: String,
}

fn unix_secs(t: Timestamp) -> u32 {
    u32::try_from(t.as_second().max(1)).unwrap_or(u32::MAX)
}

fn key_aad(org: OrgId, key_id: &str) -> Vec<u8> {
    format!("signing-key:{org}:{key_id}").into_bytes()
}

/// A fresh key pair, its record (private half sealed) and the signing key.
fn new_key(master: &MasterKey, org: OrgId, now: Timestamp) -> (SigningKeyRecord, Ed25519SigningKey) {
    let secret: [u8; 32] = crate::secrets::random_bytes();
    let key = tessera_ticket::signing_key(&secret);
    let id = KeyId::of(&key.verifying_key()).to_string();
    let record = SigningKeyRecord {
        secret_enc: master.seal(&secret, &key_aad(org, &id)),
        public_key: HEXLOWER.encode(key.verifying_key().as_bytes()),
        id,
        org_id: org,
        created_at: now,
        retired_at: None,
    };
    (record, key)
}

impl App {
    fn unseal(&self, k: &SigningKeyRecord) -> Result<Ed25519SigningKey> {
        let secret = self
            .config
            .master_key
            .open(&k.secret_enc, &key_aad(k.org_id, &k.id))
            .map_err(|e| AppError::Internal(format!("signing key {}: {e}", k.id)))?;
        let secret: [u8; 32] =
            secret.try_into().map_err(|_| AppError::Internal(format!("signing key {} is not 32 bytes", k.id)))?;
        Ok(tessera_ticket::signing_key(&secret))
    }

    /// The organization's current signing key, made on first use. Two
    /// processes making one at once: the database keeps one, both use it.
    async fn current_key(&self, org: OrgId) -> Result<Ed25519SigningKey> {
        for _ in 0..3 {
            if let Some(k) = self.store.current_signing_key(org).await? {
                return self.unseal(&k);
            }
            let (record, key) = new_key(&self.config.master_key, org, self.now());
            match self.store.add_signing_key(&record, false).await {
                Ok(()) => {
                    tracing::info!(%org, key_id = %record.id, "created a ticket signing key");
                    return Ok(key);
                }
                Err(StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Internal("could not settle on a signing key".into()))
    }

    /// Retires the organization's current key and makes a new one; codes
    /// already issued keep verifying with the old key. For the CLI.
    pub async fn rotate_signing_key_unchecked(&self, org: OrgId) -> Result<PublicKeyView> {
        self.store.org(org).await?.ok_or(AppError::NotFound)?;
        let (record, _) = new_key(&self.config.master_key, org, self.now());
        self.store.add_signing_key(&record, true).await?;
        tracing::info!(%org, key_id = %record.id, "rotated the ticket signing key");
        Ok(PublicKeyView::from(&record))
    }

    pub async fn rotate_signing_key(&self, actor: &Actor, org: OrgId) -> Result<PublicKeyView> {
        self.authorize(actor, org, Permission::ManageOrgSettings).await?;
        self.rotate_signing_key_unchecked(org).await
    }

    /// Every public key of the organization, current and retired.
    pub async fn public_keys(&self, actor: &Actor, org: OrgId) -> Result<Vec<PublicKeyView>> {
        self.authorize(actor, org, Permission::CheckIn).await?;
        Ok(self.store.signing_keys(org).await?.iter().map(PublicKeyView::from).collect())
    }

    /// The public key with this id, if it belongs to `org` (cached: keys never change).
    pub(crate) async fn verifying_key(&self, org: OrgId, key_id: KeyId) -> Result<Option<Ed25519VerifyingKey>> {
        if let Some(k) = self.key_cache.lock().unwrap_or_else(|p| p.into_inner()).get(&(org, key_id)) {
            return Ok(Some(*k));
        }
        let Some(record) = self.store.signing_key(&key_id.to_string()).await?.filter(|k| k.org_id == org) else {
            return Ok(None);
        };
        let bytes: [u8; 32] = HEXLOWER
            .decode(record.public_key.as_bytes())
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| AppError::Internal("stored public key".into()))?;
        let key = Ed25519VerifyingKey::from_bytes(&bytes)
            .ok()
            .filter(|k| KeyId::of(k) == key_id)
            .ok_or_else(|| AppError::Internal(format!("stored public key {key_id} does not match its id")))?;
        self.key_cache.lock().unwrap_or_else(|p| p.into_inner()).insert((org, key_id), key);
        Ok(Some(key))
    }

    /// The ticket's code, signing and storing it on first use. Signed for
    /// the event's dates as stored: if the event moves meanwhile, the code
    /// is not stored and is signed again for the new dates.
    async fn ensure_code(&self, t: &TicketRecord, event: &Event) -> Result<String> {
        if let Some(code) = &t.code {
            return Ok(code.clone());
        }
        let key = self.current_key(t.org_id).await?;
        let key_id = KeyId::of(&key.verifying_key()).to_string();
        let mut event = event.clone();
        for _ in 0..3 {
            let code = sign_code(&key, t, &event)?;
            if let Some(code) =
                self.store.set_ticket_code_for_dates(t.id, &code, &key_id, (event.starts_at, event.ends_at)).await?
            {
                return Ok(code);
            }
            event = self.store.event(t.org_id, t.event_id).await?.ok_or(AppError::NotFound)?;
        }
        Err(AppError::Internal(format!("ticket {}: the event kept moving while its code was signed", t.id)))
    }

    /// An event's start or end moves: its valid tickets' codes are signed
    /// again with the new validity window, stored with the new dates in
    /// one transaction.
    pub(crate) async fn move_event(&self, current: &Event, moved: &Event) -> Result<usize> {
        let tickets = self.store.coded_tickets(moved.id).await?;
        let mut codes = Vec::with_capacity(tickets.len());
        if !tickets.is_empty() {
            let key = self.current_key(moved.org_id).await?;
            let key_id = KeyId::of(&key.verifying_key()).to_string();
            for t in &tickets {
                codes.push((t.id, sign_code(&key, t, moved)?, key_id.clone()));
            }
        }
        self.store.update_event_from(moved, (current.starts_at, current.ends_at), Some(&codes), self.now()).await?;
        Ok(codes.len())
    }

    pub(crate) async fn event_and_venue(&self, org: OrgId, event: EventId) -> Result<(Event, Venue)> {
        let event = self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        let venue = self.store.venue(org, event.venue_id).await?.ok_or(AppError::NotFound)?;
        Ok((event, venue))
    }

    /// The event and venue of an order the caller already may see (the
    /// buyer's pages head the order with them).
    pub async fn order_event(&self, order: &Order) -> Result<(Event, Venue)> {
        self.event_and_venue(order.org_id, order.event_id).await
    }

    fn ticket_link(&self, id: TicketId) -> String {
        format!("/t/{id}/{}", self.config.master_key.link_token(&id.to_string()))
    }

    pub(crate) async fn ticket_view(&self, t: &TicketRecord, event: &Event) -> Result<TicketView> {
        self.view(t, event).await
    }

    async fn view(&self, t: &TicketRecord, event: &Event) -> Result<TicketView> {
        let code = if t.status == "valid" { Some(self.ensure_code(t, event).await?) } else { None };
        let page_url = self.ticket_link(t.id);
        Ok(TicketView {
            id: t.id,
            order_id: t.order_id,
            event_id: t.event_id,
            ticket_type_id: t.ticket_type_id,
            ticket_type: t.ticket_type_name.clone(),
            holder_name: t.holder_name.clone(),
            seat: t.seat_label.clone(),
            status: t.status.clone(),
            code,
            replaced_by: t.replaced_by,
            void_reason: t.void_reason.clone(),
            pending_transfer_id: t.pending_transfer_id.clone(),
            transfer_count: t.transfer_count,
            qr_svg_url: format!("{page_url}/qr.svg"),
            qr_png_url: format!("{page_url}/qr.png"),
            page_url,
        })
    }

    /// The tickets of a paid order, for its buyer, with codes and links.
    pub async fn buyer_tickets(&self, actor: &Actor, order: OrderId, token: Option<&str>) -> Result<Vec<TicketView>> {
        let order = self.buyer_order(actor, order, token).await?;
        self.order_ticket_views(order.org_id, order.id, order.event_id, order.state, true).await
    }

    /// The signed-in buyer's orders, newest first.
    pub async fn my_orders(&self, actor: &Actor, limit: i64, offset: i64) -> Result<Vec<Order>> {
        let user = signed_in(actor)?;
        Ok(self.store.buyer_orders(user, limit.clamp(1, 500), offset.max(0)).await?)
    }

    /// The signed-in buyer's tickets: those of their paid and cancelled
    /// orders, newest order first; void tickets stay listed without a code.
    pub async fn my_tickets(&self, actor: &Actor) -> Result<Vec<TicketView>> {
        let user = signed_in(actor)?;
        let mut out = Vec::new();
        for order in self.store.buyer_orders(user, MY_TICKETS_ORDERS, 0).await? {
            if order.state == OrderState::Pending || order.tickets.is_empty() {
                continue;
            }
            out.extend(self.order_ticket_views(order.org_id, order.id, order.event_id, order.state, true).await?);
        }
        Ok(out)
    }

    /// The tickets of an order, for staff.
    pub async fn org_order_tickets(&self, actor: &Actor, org: OrgId, order: OrderId) -> Result<Vec<TicketView>> {
        let order = self.get_org_order(actor, org, order).await?;
        self.order_ticket_views(org, order.id, order.event_id, order.state, false).await
    }

    async fn order_ticket_views(
        &self,
        org: OrgId,
        order: OrderId,
        event: EventId,
        state: OrderState,
        buyer: bool,
    ) -> Result<Vec<TicketView>> {
        if state == OrderState::Pending {
            return Err(AppError::StateConflict {
                code: "order_pending",
                message: "tickets are issued when the order is paid".into(),
            });
        }
        let (event, _) = self.event_and_venue(org, event).await?;
        let mut out = Vec::new();
        // The buyer no longer holds tickets transferred away (their
        // replacements belong to the recipients); staff see them all.
        for t in self.store.order_tickets(order).await?.into_iter().filter(|t| !buyer || t.holder_email.is_none()) {
            out.push(self.view(&t, &event).await?);
        }
        Ok(out)
    }

    /// What one ticket prints, in the buyer's language (the order's).
    fn sheet(&self, t: &TicketRecord, code: String, event: &Event, venue: &Venue, order: &Order) -> TicketSheet {
        let local = event.starts_at.to_zoned(venue.timezone.tz());
        let locale = tessera_mail::Locale::from_tag(&order.locale);
        let when = match locale {
            tessera_mail::Locale::En => local.strftime("%a %-d %b %Y, %H:%M").to_string(),
            tessera_mail::Locale::ZhCn => {
                let full = tessera_mail::format_datetime(&local, locale);
                // The zone's name follows in brackets; its abbreviation is not needed twice.
                full.rsplit_once(' ').map(|(head, _)| head.to_string()).unwrap_or(full)
            }
        };
        TicketSheet {
            locale,
            event_name: event.title.clone(),
            starts_at: format!("{when} ({})", venue.timezone.as_str()),
            venue: [venue.name.as_str(), venue.address.as_str()]
                .iter()
                .filter(|s| !s.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(", "),
            ticket_type: t.ticket_type_name.clone(),
            holder_name: t.holder_name.clone(),
            seat: t.seat_label.clone(),
            order_reference: order.reference.clone(),
            ticket_id: t.id.to_string(),
            code,
        }
    }

    /// A PDF with one page per valid ticket of a paid order, for its buyer.
    pub async fn buyer_tickets_pdf(&self, actor: &Actor, order: OrderId, token: Option<&str>) -> Result<Vec<u8>> {
        let order = self.buyer_order(actor, order, token).await?;
        self.tickets_pdf(&order, true).await
    }

    /// The same PDF for the organization's staff (the box office prints it).
    pub async fn org_tickets_pdf(&self, actor: &Actor, org: OrgId, order: OrderId) -> Result<Vec<u8>> {
        let order = self.get_org_order(actor, org, order).await?;
        self.tickets_pdf(&order, false).await
    }

    async fn tickets_pdf(&self, order: &Order, buyer: bool) -> Result<Vec<u8>> {
        if order.state != OrderState::Paid {
            return Err(AppError::StateConflict {
                code: "order_not_paid",
                message: format!("the order is {}; only a paid order has tickets to print", order.state),
            });
        }
        let (event, venue) = self.event_and_venue(order.org_id, order.event_id).await?;
        let mut sheets = Vec::new();
        let held = |t: &TicketRecord| t.status == "valid" && (!buyer || t.holder_email.is_none());
        for t in self.store.order_tickets(order.id).await?.into_iter().filter(held) {
            let code = self.ensure_code(&t, &event).await?;
            sheets.push(self.sheet(&t, code, &event, &venue, order));
        }
        let title =
            tessera_render::order_title(tessera_mail::Locale::from_tag(&order.locale), &event.title, &order.reference);
        tessera_render::order_pdf(&title, &sheets).map_err(|e| AppError::Internal(format!("PDF: {e}")))
    }

    /// The PDF of a paid order's valid tickets, and (holder, label, absolute
    /// page link) per ticket, for the confirmation e-mail.
    pub(crate) async fn order_pdf_and_links(&self, order: &Order) -> Result<(Vec<u8>, Vec<(String, String, String)>)> {
        let (event, venue) = self.event_and_venue(order.org_id, order.event_id).await?;
        let mut sheets = Vec::new();
        let mut links = Vec::new();
        let held = |t: &TicketRecord| t.status == "valid" && t.holder_email.is_none();
        for t in self.store.order_tickets(order.id).await?.into_iter().filter(held) {
            let code = self.ensure_code(&t, &event).await?;
            let label = match &t.seat_label {
                Some(seat) => format!("{} – {seat}", t.ticket_type_name),
                None => t.ticket_type_name.clone(),
            };
            links.push((t.holder_name.clone(), label, format!("{}{}", self.config.public_url, self.ticket_link(t.id))));
            sheets.push(self.sheet(&t, code, &event, &venue, order));
        }
        let title =
            tessera_render::order_title(tessera_mail::Locale::from_tag(&order.locale), &event.title, &order.reference);
        let pdf = tessera_render::order_pdf(&title, &sheets).map_err(|e| AppError::Internal(format!("PDF: {e}")))?;
        Ok((pdf, links))
    }

    /// A ticket reached by its page link: the record, and the sheet to show
    /// when it is valid. A wrong link token is `NotFound`.
    pub async fn ticket_by_link(&self, id: TicketId, token: &str) -> Result<(TicketRecord, Option<TicketSheet>)> {
        let expected = self.config.master_key.link_token(&id.to_string());
        if !crate::secrets::constant_time_eq(&expected, token) {
            return Err(AppError::NotFound);
        }
        let t = self.store.ticket(id).await?.ok_or(AppError::NotFound)?;
        if t.status != "valid" {
            return Ok((t, None));
        }
        let (event, venue) = self.event_and_venue(t.org_id, t.event_id).await?;
        let (order, _, _) = self.store.order_head(t.order_id).await?.ok_or(AppError::NotFound)?;
        let code = self.ensure_code(&t, &event).await?;
        let sheet = self.sheet(&t, code, &event, &venue, &order);
        Ok((t, Some(sheet)))
    }

    /// Voids a ticket: its code is revoked at once online, and at the next
    /// sync offline.
    pub async fn void_ticket(&self, actor: &Actor, org: OrgId, id: TicketId) -> Result<TicketView> {
        self.authorize(actor, org, Permission::ManageOrders).await?;
        let t = self.store.void_ticket(org, id, self.now()).await?;
        tracing::info!(%org, ticket = %id, actor = %crate::inventory::actor_name(actor), "voided a ticket");
        let (event, _) = self.event_and_venue(org, t.event_id).await?;
        self.view(&t, &event).await
    }

    /// Replaces a ticket with a new one (new id, new code) for another
    /// holder; the old code is revoked.
    pub async fn reissue_ticket(
        &self,
        actor: &Actor,
        org: OrgId,
        id: TicketId,
        input: ReissueTicket,
    ) -> Result<TicketView> {
        self.authorize(actor, org, Permission::ManageOrders).await?;
        let mut e = ValidationError::new();
        check_text(&mut e, "holder_name", &input.holder_name, 1, 200);
        e.finish()?;
        let t = self.store.reissue_ticket(org, id, input.holder_name.trim(), self.now()).await?;
        tracing::info!(%org, old = %id, new = %t.id, actor = %crate::inventory::actor_name(actor), "re-issued a ticket");
        let (event, _) = self.event_and_venue(org, t.event_id).await?;
        self.view(&t, &event).await
    }
}

/// The validity window of an event's codes: from its start less the margin
/// to its end plus the margin (docs/ticket-format.md, "The validity window").
pub fn validity_window(event: &Event) -> (u32, u32) {
    let margin = jiff::SignedDuration::from_secs(VALIDITY_MARGIN_SECS);
    (
        unix_secs(event.starts_at.checked_sub(margin).unwrap_or(event.starts_at)),
        unix_secs(event.ends_at.checked_add(margin).unwrap_or(event.ends_at)),
    )
}

fn sign_code(key: &Ed25519SigningKey, t: &TicketRecord, event: &Event) -> Result<String> {
    let (valid_from, valid_until) = validity_window(event);
    let claims = Claims {
        ticket_id: t.id.0,
        event_id: t.event_id.0,
        ticket_type_id: t.ticket_type_id.0,
        issued_at: unix_secs(t.created_at),
        valid_from: Some(valid_from),
        valid_until: Some(valid_until),
        label: code_label(t.seat_label.as_deref())?,
    };
    tessera_ticket::encode(key, &claims).map_err(|e| AppError::Internal(e.to_string()))
}

/// Orders whose tickets `my_tickets` lists, newest first.
const MY_TICKETS_ORDERS: i64 = 200;

pub(crate) fn signed_in(actor: &Actor) -> Result<tessera_domain::UserId> {
    match actor {
        Actor::User(u) => Ok(u.id),
        Actor::Token(_) => {
            Err(AppError::Forbidden("an API token has no orders of its own; sign in as the buyer".into()))
        }
        Actor::Anonymous => {
            Err(AppError::Unauthenticated { code: "unauthenticated", message: "sign in to see your orders".into() })
        }
    }
}

/// The seat as the code carries it: always the whole label. Seat maps
/// whose ticket labels would not fit are refused at import
/// (`tessera_seating::MAX_TICKET_LABEL_LEN`), so a longer label here is a
/// bug, reported instead of signing a cut label.
fn code_label(seat: Option<&str>) -> Result<String> {
    let seat = seat.unwrap_or_default();
    if seat.len() > tessera_ticket::MAX_LABEL_BYTES {
        return Err(AppError::Internal(format!(
            "seat label {seat:?} is {} bytes, longer than a ticket code carries ({})",
            seat.len(),
            tessera_ticket::MAX_LABEL_BYTES
        )));
    }
    Ok(seat.to_string())
}

// The seat map refuses exactly the labels a code cannot carry.
const _: () = assert!(tessera_seating::MAX_TICKET_LABEL_LEN == tessera_ticket::MAX_LABEL_BYTES);
