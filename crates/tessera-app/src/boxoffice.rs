//! The box office: staff selling at the door. A sale reserves like any
//! order, is paid at once by a manual payment (cash or card terminal,
//! recorded with the staff member who took it), and its tickets are issued
//! straight away.
//!
//! A sale is idempotent on the key of the form it came from: a double
//! submit, or the same form sent again after a timeout, finds the first
//! sale instead of making a second one.

use crate::idempotency::Claim;
use crate::inventory::{PlaceOrder, actor_name};
use crate::{Actor, App, AppError, Result};
use tessera_domain::account::Email;
use tessera_domain::inventory::LineRequest;
use tessera_domain::orders::{Order, OrderId, OrderState};
use tessera_domain::{EventId, MessageKey, OrgId, Permission};

/// How the buyer paid at the door.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoorPayment {
    Cash,
    Card,
}

impl DoorPayment {
    pub fn as_str(self) -> &'static str {
        match self {
            DoorPayment::Cash => "cash",
            DoorPayment::Card => "card",
        }
    }
}

/// One sale at the door.
#[derive(Debug, Clone)]
pub struct DoorSale {
    pub lines: Vec<LineRequest>,
    /// The name on the tickets.
    pub name: String,
    /// Where the tickets go by e-mail; without one, to the staff member.
    pub email: Option<Email>,
    pub payment: DoorPayment,
}

impl App {
    /// Sells `sale` for `event`, paid at once; `form_key` (the form's own
    /// random key) makes a repeat of the same form return the first sale.
    pub async fn box_office_sale(
        &self,
        actor: &Actor,
        org: OrgId,
        event: EventId,
        sale: DoorSale,
        form_key: &str,
    ) -> Result<Order> {
        self.authorize(actor, org, Permission::ManageOrders).await?;
        let staff = actor.user()?.clone();
        self.store.event(org, event).await?.ok_or(AppError::NotFound)?;
        if form_key.len() != 32 || !form_key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AppError::invalid_key(
                "sale_key",
                MessageKey::new("errors-sale-key-missing"),
                "the form's key is missing; load the form again",
            ));
        }
        let lines: Vec<String> = sale.lines.iter().map(|l| format!("{}x{}", l.ticket_type_id, l.quantity)).collect();
        let request = format!(
            "box-office\0{event}\0{}\0{}\0{}\0{}",
            lines.join(","),
            sale.name,
            sale.email.as_ref().map(|e| e.as_str()).unwrap_or(""),
            sale.payment.as_str()
        );
        let hash = crate::secrets::hash_token(&request);
        let req = self.idempotency_request(&format!("box-office:{}", actor_name(actor)), form_key, &hash);
        let order_id = match self.idempotency_claim(req).await? {
            Claim::Run(guard) => {
                let input = PlaceOrder {
                    lines: sale.lines.clone(),
                    seats: None,
                    email: None,
                    name: Some(sale.name.clone()),
                    resale_listing_id: None,
                    access_code: None,
                    promo_code: None,
                    locale: None,
                };
                let email = sale.email.clone().unwrap_or_else(|| staff.email.clone());
                let placed = crate::idempotency::run(
                    guard.request(),
                    self.place_order_for(None, email, None, event, input, true),
                )
                .await;
                match placed {
                    Ok(p) => {
                        // Stored with the reservation already; kept if not.
                        let body = serde_json::to_vec(&p).unwrap_or_default();
                        guard.finish(201, &body).await?;
                        p.order.id
                    }
                    Err(e) => {
                        guard.abandon().await?;
                        return Err(e);
                    }
                }
            }
            Claim::Replay { body, .. } => {
                let v: serde_json::Value = serde_json::from_slice(&body)
                    .map_err(|e| AppError::Internal(format!("a stored box-office sale: {e}")))?;
                v["id"]
                    .as_str()
                    .and_then(|id| id.parse::<OrderId>().ok())
                    .ok_or_else(|| AppError::Internal("a stored box-office sale has no order id".into()))?
            }
            Claim::Mismatch => {
                return Err(AppError::Conflict {
                    field: "sale_key".into(),
                    message: "this form was already used for another sale; load it again".into(),
                });
            }
            Claim::InProgress { retry_after_secs } => {
                return Err(AppError::IdempotencyInProgress { retry_after_secs });
            }
        };
        // Paid by the staff member now, or already (a repeat of the form).
        let order = self.get_org_order(actor, org, order_id).await?;
        if order.state == OrderState::Pending {
            return self.mark_paid_with(actor, org, order_id, Some(sale.payment.as_str())).await;
        }
        Ok(order)
    }
}
