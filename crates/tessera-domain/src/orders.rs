//! Orders as buyers and organizers see them.

pub use crate::ids::{OrderId, TicketId};
use crate::{EventId, Money, OrgId, TicketTypeId, Timestamp};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderState {
    /// Inventory is held until `expires_at`; waiting for payment.
    Pending,
    Paid,
    Cancelled,
    /// The hold ran out before payment; the inventory went back.
    Expired,
    Refunded,
}

impl OrderState {
    pub fn as_str(self) -> &'static str {
        match self {
            OrderState::Pending => "pending",
            OrderState::Paid => "paid",
            OrderState::Cancelled => "cancelled",
            OrderState::Expired => "expired",
            OrderState::Refunded => "refunded",
        }
    }
}

impl FromStr for OrderState {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "pending" => OrderState::Pending,
            "paid" => OrderState::Paid,
            "cancelled" => OrderState::Cancelled,
            "expired" => OrderState::Expired,
            "refunded" => OrderState::Refunded,
            other => return Err(format!("unknown order state `{other}`")),
        })
    }
}

impl fmt::Display for OrderState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How much of an order's payment went back to the buyer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RefundStatus {
    /// Nothing given back (or nothing paid).
    None,
    /// Some of the payment given back, not all of it.
    Partial,
    /// All of the payment given back.
    Full,
}

impl RefundStatus {
    /// The status for `paid` received and `refunded` given back (minor units).
    pub fn of(paid_minor: i64, refunded_minor: i64) -> RefundStatus {
        if refunded_minor <= 0 {
            RefundStatus::None
        } else if refunded_minor < paid_minor {
            RefundStatus::Partial
        } else {
            RefundStatus::Full
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct OrderLine {
    pub ticket_type_id: TicketTypeId,
    pub name: String,
    pub quantity: i64,
    pub unit_price: Money,
    /// Tax in this line (all its tickets): included in the price or on top.
    pub tax: Money,
    pub tax_rate_bp: i64,
    pub tax_inclusive: bool,
    /// Service fees of this line's tickets.
    pub fees: Money,
    /// The price tier this line was sold at; absent for the ticket type's
    /// own price. An order has a line per ticket type and price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_tier_id: Option<crate::PriceTierId>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Ticket {
    pub id: TicketId,
    pub ticket_type_id: TicketTypeId,
    pub holder_name: String,
    /// `valid`, `used` or `void`.
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    #[schema(value_type = String, format = DateTime)]
    pub at: Timestamp,
    /// `buyer`, `system`, `user:<id>` or `token:<id>`.
    pub actor: String,
    pub from_state: Option<OrderState>,
    pub to_state: OrderState,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Order {
    pub id: OrderId,
    pub org_id: OrgId,
    pub event_id: EventId,
    /// Short code for people: on tickets, e-mails and at the box office.
    pub reference: String,
    pub state: OrderState,
    pub buyer_email: String,
    pub buyer_name: String,
    /// The buyer's language for e-mails: `en` or `zh-CN`.
    pub locale: String,
    /// What the buyer pays: subtotal less discounts, taxes added on top, fees charged.
    pub total: Money,
    /// Sum of unit price x quantity (list prices).
    pub subtotal: Money,
    /// Sum of `discounts`: what promo codes took off the subtotal.
    pub discount: Money,
    /// Each discount as its own line.
    pub discounts: Vec<crate::pricing::OrderDiscount>,
    /// All tax in the order, included or added.
    pub tax: Money,
    /// Service fees the buyer pays (zero when the organizer absorbs them).
    pub fees: Money,
    /// Received from the buyer so far, and given back (refunds under way
    /// included: they reserve their amount when they open, and a failed
    /// one gives it back).
    pub paid: Money,
    pub refunded: Money,
    /// How much of what was paid went back: always
    /// [`RefundStatus::of`]`(paid, refunded)`.
    pub refund_status: RefundStatus,
    pub lines: Vec<OrderLine>,
    pub tickets: Vec<Ticket>,
    pub history: Vec<HistoryEntry>,
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    /// Until when a pending order holds its inventory.
    #[schema(value_type = String, format = DateTime)]
    pub expires_at: Timestamp,
    #[schema(value_type = Option<String>, format = DateTime)]
    pub paid_at: Option<Timestamp>,
}

impl Order {
    /// The state as people read it: a paid order with part of its payment
    /// given back is `partially_refunded`, one with all of it given back
    /// (an amount refund voids no ticket, so its state stays `paid`) is
    /// `refunded`; otherwise the order's state.
    pub fn shown_state(&self) -> &'static str {
        match (self.state, self.refund_status) {
            (OrderState::Paid, RefundStatus::Partial) => "partially_refunded",
            (OrderState::Paid, RefundStatus::Full) => "refunded",
            (state, _) => state.as_str(),
        }
    }

    /// Sets what was paid and given back, and the refund status with them.
    pub fn set_money(&mut self, paid: Money, refunded: Money) {
        self.refund_status = RefundStatus::of(paid.amount_minor, refunded.amount_minor);
        self.paid = paid;
        self.refunded = refunded;
    }
}
