//! What the app hands over: plain data, filled from its own records.

use jiff::Zoned;
use tessera_domain::money::Money;

use crate::Locale;

/// One e-mail to one buyer.
#[derive(Debug, Clone, PartialEq)]
pub struct Mail {
    /// Display name of the buyer; may be empty. Untrusted: it is escaped in
    /// HTML, and a control character in it refuses the mail.
    pub to_name: String,
    pub to_email: String,
    pub locale: Locale,
    /// A stable id from the outbox row, so that a resend carries the same
    /// `Message-ID` and the receiving side can drop the duplicate. ASCII
    /// letters, digits, `.`, `_`, `-` and `+`, at most 200 of them (a UUID
    /// fits).
    pub message_id: String,
    pub kind: MailKind,
}

/// The mails Tessera sends. Every text field is untrusted input (organizers
/// name their events, buyers name themselves) and is escaped where it lands.
/// URLs must be absolute `http(s)` URLs.
#[derive(Debug, Clone, PartialEq)]
pub enum MailKind {
    /// The order is paid and its tickets are issued.
    OrderConfirmation {
        org_name: String,
        event_name: String,
        /// The start, in the venue's time zone.
        event_starts: Zoned,
        venue_name: String,
        order_reference: String,
        lines: Vec<Line>,
        fees: Money,
        taxes: Money,
        total: Money,
        order_url: String,
        tickets: Vec<TicketLink>,
        /// The event's calendar file (`.ics`), when the mail links it.
        calendar_url: Option<String>,
        /// The order's tickets as one PDF, attached as
        /// `tickets-<reference>.pdf`.
        pdf: Option<Vec<u8>>,
        /// Loyalty points: what they paid of the order and what it earned.
        points: Option<PointsNote>,
    },
    /// A reservation waits for a manual payment (bank transfer, box office).
    PaymentReminder {
        org_name: String,
        event_name: String,
        order_reference: String,
        total: Money,
        /// When the hold expires, in the venue's time zone.
        due: Zoned,
        /// What the buyer must quote with the transfer.
        payment_reference: String,
        /// How to pay, as the organizer wrote it; line breaks are kept.
        instructions: String,
        order_url: String,
    },
    /// Part or all of a paid order was refunded.
    RefundNotice {
        org_name: String,
        event_name: String,
        order_reference: String,
        amount: Money,
        /// What the order still has paid after this refund (zero when fully
        /// refunded).
        remaining_paid: Money,
        reason: String,
        order_url: String,
    },
    /// The payment arrived after the hold had expired and the tickets were
    /// gone, so it was refunded in full.
    LatePaymentRefunded { org_name: String, event_name: String, order_reference: String, amount: Money },
    /// The event is coming up.
    EventReminder {
        org_name: String,
        event_name: String,
        starts: Zoned,
        venue_name: String,
        order_reference: String,
        order_url: String,
    },
    /// The organizer moved the event to new dates; the tickets stay valid,
    /// their codes were signed again for the new dates.
    EventMoved {
        org_name: String,
        event_name: String,
        starts: Zoned,
        venue_name: String,
        order_reference: String,
        order_url: String,
    },
    /// The buyer asked "find my order" with the order's reference and
    /// e-mail address: the order's secret link.
    FindOrder { org_name: String, event_name: String, order_reference: String, order_url: String },
    /// The organizer cancelled the event; the order is refunded.
    EventCancelled { org_name: String, event_name: String, order_reference: String, refund_amount: Money },
    /// An invoice was issued for the order: the link to its PDF.
    InvoiceIssued {
        org_name: String,
        event_name: String,
        order_reference: String,
        /// The invoice's number.
        number: String,
        total: Money,
        invoice_url: String,
    },
    /// About the recipient's account: password reset, verification, invitation.
    Account(crate::account::AccountMail),
    /// A ticket holder offers tickets to the recipient: the accept link
    /// (secret; whoever holds it can accept) and until when it works.
    TransferOffer {
        org_name: String,
        event_name: String,
        event_starts: Zoned,
        venue_name: String,
        /// Who offers, as they named themselves.
        from_name: String,
        /// Their note to the recipient; may be empty.
        message: String,
        /// One label per ticket (type, and seat if any).
        tickets: Vec<String>,
        accept_url: String,
        /// The cutoff, in the venue's time zone.
        expires: Zoned,
    },
    /// The recipient accepted: the sender's tickets are void now.
    TransferAccepted { org_name: String, event_name: String, to_name: String, count: usize, order_url: String },
    /// A resale listing sold: the seller's ticket is void and the payout
    /// (price less the organizer's fee) goes back through their payment.
    ResaleSold {
        org_name: String,
        event_name: String,
        /// The ticket's type, and seat if any.
        ticket: String,
        price: String,
        fee: String,
        payout: String,
        order_url: String,
    },
    /// Tickets freed for a waitlisted buyer are held for them: the order's
    /// link to pay, and until when the offer holds.
    WaitlistOffer {
        org_name: String,
        event_name: String,
        event_starts: Zoned,
        venue_name: String,
        ticket_type: String,
        quantity: usize,
        total: Money,
        order_url: String,
        /// The offer's end, in the venue's time zone.
        expires: Zoned,
    },
    /// What a paid order's products issued: gift cards (with their codes:
    /// the e-mail is how the buyer gets them) and member cards.
    ProductsDelivery {
        org_name: String,
        order_reference: String,
        /// (code, value) per gift card.
        gift_cards: Vec<(String, Money)>,
        /// (plan, code, valid until) per member card.
        member_cards: Vec<(String, String, Zoned)>,
        order_url: String,
        /// The buyer's account page that shows member cards.
        account_url: String,
    },
}

/// One line of an order: a ticket type (or other item) and its quantity.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub name: String,
    pub quantity: u32,
    pub unit_price: Money,
    pub total: Money,
}

/// What loyalty points did on an order.
#[derive(Debug, Clone, PartialEq)]
pub struct PointsNote {
    /// Points spent on the order, and the money they paid.
    pub spent: i64,
    pub paid: Money,
    /// Points the order earned.
    pub earned: i64,
}

/// A link to one issued ticket.
#[derive(Debug, Clone, PartialEq)]
pub struct TicketLink {
    /// May be empty when tickets are not personalised.
    pub holder_name: String,
    /// The ticket type, and the seat if there is one ("Stalls, Row C, Seat 12").
    pub label: String,
    pub url: String,
}
