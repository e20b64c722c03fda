//! The words: subject and body of every mail, from the `mail` area of the
//! catalogs (`tessera-i18n`, `locales/<language>/mail.ftl`), in the buyer's
//! language. Names, amounts and dates are the messages' arguments, passed as
//! plain text (money and dates formatted by [`crate::locale`] first);
//! escaping is the renderer's job (see `render`).
//!
//! [`build`] picks one function per kind of mail; a new kind is a variant of
//! [`MailKind`], a function here and one line in `build`.

use tessera_i18n::FluentValue;

use crate::Locale;
use crate::locale::{format_date, format_datetime, format_money};
use crate::mail::{Mail, MailKind};
use crate::render::{Block, Doc, LinkItem, OrderTable};

/// The catalog's message `id` in `locale`.
fn t(locale: Locale, id: &str) -> String {
    tessera_i18n::t(locale, id)
}

/// The catalog's message `id` with text arguments.
fn ta(locale: Locale, id: &str, args: &[(&str, &str)]) -> String {
    let args: Vec<(&str, FluentValue<'_>)> = args.iter().map(|(k, v)| (*k, FluentValue::from(*v))).collect();
    tessera_i18n::t_args(locale, id, &args)
}

/// The catalog's message `id` with a count, which picks the plural form.
fn tn(locale: Locale, id: &str, count: usize) -> String {
    tessera_i18n::t_args(locale, id, &[("count", FluentValue::from(count))])
}

fn greeting(locale: Locale, name: &str) -> String {
    match name.trim() {
        "" => t(locale, "mail-greeting"),
        name => ta(locale, "mail-greeting-name", &[("name", name)]),
    }
}

fn footer(locale: Locale, org: &str) -> String {
    ta(locale, "mail-footer", &[("org", org)])
}

fn view_order(locale: Locale, url: &str) -> Block {
    Block::Button { label: t(locale, "mail-view-order"), url: url.to_owned() }
}

/// A label and value of a mail's facts: `(fact(l, "order"), reference)`.
fn fact(locale: Locale, name: &str) -> String {
    t(locale, &format!("mail-fact-{name}"))
}

/// The subject and the document of a mail.
pub(crate) fn build(mail: &Mail) -> Doc {
    let l = mail.locale;
    let hello = Block::Para(greeting(l, &mail.to_name));
    match &mail.kind {
        MailKind::Account(a) => crate::account::build(mail, a),
        MailKind::OrderConfirmation { .. } => order_confirmation(l, hello, &mail.kind),
        MailKind::PaymentReminder { .. } => payment_reminder(l, hello, &mail.kind),
        MailKind::RefundNotice { .. } => refund_notice(l, hello, &mail.kind),
        MailKind::LatePaymentRefunded { .. } => late_payment_refunded(l, hello, &mail.kind),
        MailKind::EventReminder { .. } => event_reminder(l, hello, &mail.kind),
        MailKind::EventMoved { .. } => event_moved(l, hello, &mail.kind),
        MailKind::EventCancelled { .. } => event_cancelled(l, hello, &mail.kind),
        MailKind::FindOrder { org_name, event_name, order_reference, order_url } => {
            find_order(l, hello, org_name, event_name, order_reference, order_url)
        }
        MailKind::InvoiceIssued { .. } => invoice_issued(l, hello, &mail.kind),
        MailKind::TransferOffer { .. } => transfer_offer(l, hello, &mail.kind),
        MailKind::TransferAccepted { .. } => transfer_accepted(l, hello, &mail.kind),
        MailKind::ResaleSold { .. } => resale_sold(l, hello, &mail.kind),
        MailKind::WaitlistOffer { .. } => waitlist_offer(l, hello, &mail.kind),
        MailKind::ProductsDelivery { .. } => products_delivery(l, hello, &mail.kind),
    }
}

/// To a buyer whose order bought gift cards or memberships: the cards.
fn products_delivery(l: Locale, hello: Block, kind: &MailKind) -> Doc {
    let MailKind::ProductsDelivery { org_name, order_reference, gift_cards, member_cards, order_url, account_url } =
        kind
    else {
        unreachable!("dispatched by build")
    };
    let mut blocks = vec![hello, Block::Para(ta(l, "members-mail-intro", &[("org", org_name)]))];
    let mut facts = vec![(fact(l, "order"), order_reference.clone())];
    for (code, value) in gift_cards {
        facts.push((ta(l, "members-mail-gift-card", &[("value", &format_money(*value, l))]), code.clone()));
    }
    for (plan, code, until) in member_cards {
        facts.push((
            ta(l, "members-mail-member-card", &[("plan", plan), ("date", &format_date(until, l))]),
            code.clone(),
        ));
    }
    blocks.push(Block::Facts(facts));
    if !gift_cards.is_empty() {
        blocks.push(Block::Para(t(l, "members-mail-gift-card-how")));
    }
    if !member_cards.is_empty() {
        blocks.push(Block::Para(t(l, "members-mail-member-card-how")));
        blocks.push(Block::Button { label: t(l, "members-mail-open-account"), url: account_url.clone() });
    }
    blocks.push(view_order(l, order_url));
    Doc {
        locale: l,
        title: ta(l, "members-mail-subject", &[("org", org_name)]),
        org_name: org_name.clone(),
        heading: t(l, "members-mail-heading"),
        blocks,
        footer: footer(l, org_name),
    }
}

/// To a waitlisted buyer: tickets are held for them until the offer's end.
fn waitlist_offer(l: Locale, hello: Block, kind: &MailKind) -> Doc {
    let MailKind::WaitlistOffer {
        org_name,
        event_name,
        event_starts,
        venue_name,
        ticket_type,
        quantity,
        total,
        order_url,
        expires,
    } = kind
    else {
        unreachable!("dispatched by build")
    };
    let intro = tessera_i18n::t_args(
        l,
        "waitlist-mail-offer-intro",
        &[("event", FluentValue::from(event_name.clone())), ("count", FluentValue::from(*quantity))],
    );
    Doc {
        locale: l,
        title: ta(l, "waitlist-mail-offer-subject", &[("event", event_name)]),
        org_name: org_name.clone(),
        heading: t(l, "waitlist-mail-offer-heading"),
        blocks: vec![
            hello,
            Block::Para(intro),
            Block::Facts(vec![
                (fact(l, "when"), format_datetime(event_starts, l)),
                (fact(l, "where"), venue_name.clone()),
                (t(l, "waitlist-mail-ticket-type"), format!("{quantity} × {ticket_type}")),
                (fact(l, "amount-due"), format_money(*total, l)),
            ]),
            Block::Button { label: t(l, "waitlist-mail-offer-pay"), url: order_url.clone() },
            Block::Para(ta(l, "waitlist-mail-offer-expiry", &[("date", &format_datetime(expires, l))])),
            Block::Para(t(l, "waitlist-mail-offer-ignore")),
        ],
        footer: footer(l, org_name),
    }
}

/// To the recipient of a ticket transfer: who offers what, and the accept link.
fn transfer_offer(l: Locale, hello: Block, kind: &MailKind) -> Doc {
    let MailKind::TransferOffer {
        org_name,
        event_name,
        event_starts,
        venue_name,
        from_name,
        message,
        tickets,
        accept_url,
        expires,
    } = kind
    else {
        unreachable!("dispatched by build")
    };
    let count = tessera_i18n::t_args(
        l,
        "transfers-mail-offer-intro",
        &[
            ("from", FluentValue::from(from_name.clone())),
            ("event", FluentValue::from(event_name.clone())),
            ("count", FluentValue::from(tickets.len())),
        ],
    );
    let mut blocks = vec![hello, Block::Para(count)];
    if !message.trim().is_empty() {
        blocks.push(Block::Para(ta(l, "transfers-mail-offer-message", &[("from", from_name)])));
        blocks.push(Block::Lines(message.clone()));
    }
    blocks.push(Block::Facts(
        std::iter::once((fact(l, "when"), format_datetime(event_starts, l)))
            .chain(std::iter::once((fact(l, "where"), venue_name.clone())))
            .chain(tickets.iter().map(|label| (t(l, "transfers-mail-ticket"), label.clone())))
            .collect(),
    ));
    blocks.push(Block::Button { label: t(l, "transfers-mail-offer-accept"), url: accept_url.clone() });
    blocks.push(Block::Para(ta(l, "transfers-mail-offer-expiry", &[("date", &format_datetime(expires, l))])));
    blocks.push(Block::Para(t(l, "transfers-mail-offer-ignore")));
    Doc {
        locale: l,
        title: ta(l, "transfers-mail-offer-subject", &[("from", from_name), ("event", event_name)]),
        org_name: org_name.clone(),
        heading: t(l, "transfers-mail-offer-heading"),
        blocks,
        footer: footer(l, org_name),
    }
}

/// To the sender: the recipient accepted; the old tickets are void.
fn transfer_accepted(l: Locale, hello: Block, kind: &MailKind) -> Doc {
    let MailKind::TransferAccepted { org_name, event_name, to_name, count, order_url } = kind else {
        unreachable!("dispatched by build")
    };
    let intro = tessera_i18n::t_args(
        l,
        "transfers-mail-accepted-intro",
        &[
            ("to", FluentValue::from(to_name.clone())),
            ("event", FluentValue::from(event_name.clone())),
            ("count", FluentValue::from(*count)),
        ],
    );
    Doc {
        locale: l,
        title: ta(l, "transfers-mail-accepted-subject", &[("event", event_name)]),
        org_name: org_name.clone(),
        heading: t(l, "transfers-mail-accepted-heading"),
        blocks: vec![
            hello,
            Block::Para(intro),
            Block::Para(t(l, "transfers-mail-accepted-void")),
            view_order(l, order_url),
        ],
        footer: footer(l, org_name),
    }
}

/// To a seller: their listing sold; the ticket is void, the payout is on its way.
fn resale_sold(l: Locale, hello: Block, kind: &MailKind) -> Doc {
    let MailKind::ResaleSold { org_name, event_name, ticket, price, fee, payout, order_url } = kind else {
        unreachable!("dispatched by build")
    };
    let intro = ta(l, "resale-mail-sold-intro", &[("ticket", ticket), ("event", event_name), ("price", price)]);
    Doc {
        locale: l,
        title: ta(l, "resale-mail-sold-subject", &[("event", event_name)]),
        org_name: org_name.clone(),
        heading: t(l, "resale-mail-sold-heading"),
        blocks: vec![
            hello,
            Block::Para(intro),
            Block::Para(ta(l, "resale-mail-sold-payout", &[("payout", payout), ("fee", fee)])),
            Block::Para(t(l, "resale-mail-sold-void")),
            view_order(l, order_url),
        ],
        footer: footer(l, org_name),
    }
}

/// The invoice of an order was issued: its number, amount and PDF link
/// (words from the `invoices` catalog).
fn invoice_issued(l: Locale, hello: Block, kind: &MailKind) -> Doc {
    let MailKind::InvoiceIssued { org_name, event_name, order_reference, number, total, invoice_url } = kind else {
        unreachable!("dispatched by build")
    };
    let args = [("number", number.as_str()), ("reference", order_reference.as_str()), ("event", event_name.as_str())];
    Doc {
        locale: l,
        title: ta(l, "invoices-mail-subject", &args),
        org_name: org_name.clone(),
        heading: t(l, "invoices-mail-heading"),
        blocks: vec![
            hello,
            Block::Para(ta(l, "invoices-mail-intro", &args)),
            Block::Facts(vec![
                (t(l, "invoices-number"), number.clone()),
                (t(l, "invoices-total"), format_money(*total, l)),
                (fact(l, "order"), order_reference.clone()),
            ]),
            Block::Button { label: t(l, "invoices-mail-download"), url: invoice_url.clone() },
            Block::Para(t(l, "invoices-mail-keep")),
        ],
        footer: footer(l, org_name),
    }
}

/// The "find my order" mail: the order's secret link, asked for on /orders/find.
fn find_order(l: Locale, hello: Block, org: &str, event: &str, reference: &str, url: &str) -> Doc {
    let args = [("reference", reference), ("event", event)];
    Doc {
        locale: l,
        title: ta(l, "mail-find-order-subject", &args),
        org_name: org.to_owned(),
        heading: t(l, "mail-find-order-heading"),
        blocks: vec![
            hello,
            Block::Para(ta(l, "mail-find-order-intro", &args)),
            Block::Button { label: t(l, "mail-find-order-open"), url: url.to_owned() },
            Block::Para(t(l, "mail-find-order-keep")),
            Block::Para(t(l, "mail-find-order-not-you")),
        ],
        footer: footer(l, org),
    }
}

fn order_confirmation(l: Locale, hello: Block, kind: &MailKind) -> Doc {
    let MailKind::OrderConfirmation {
        org_name,
        event_name,
        event_starts,
        venue_name,
        order_reference,
        lines,
        fees,
        taxes,
        total,
        order_url,
        tickets,
        calendar_url,
        pdf,
        points,
    } = kind
    else {
        unreachable!("dispatched by build")
    };
    let event = event_name.as_str();
    let reference = order_reference.as_str();
    let mut blocks = vec![
        hello,
        Block::Para(ta(l, "mail-confirmation-intro", &[("event", event)])),
        Block::Facts(vec![
            (fact(l, "event"), event_name.clone()),
            (fact(l, "when"), format_datetime(event_starts, l)),
            (fact(l, "where"), venue_name.clone()),
            (fact(l, "order"), order_reference.clone()),
        ]),
        Block::Order(OrderTable {
            caption: t(l, "mail-confirmation-table"),
            head: [
                t(l, "mail-confirmation-item"),
                t(l, "mail-confirmation-quantity"),
                t(l, "mail-confirmation-unit-price"),
                t(l, "mail-confirmation-amount"),
            ],
            rows: lines
                .iter()
                .map(|line| {
                    [
                        line.name.clone(),
                        line.quantity.to_string(),
                        format_money(line.unit_price, l),
                        format_money(line.total, l),
                    ]
                })
                .collect(),
            foot: vec![
                (t(l, "mail-confirmation-fees"), format_money(*fees, l)),
                (t(l, "mail-confirmation-taxes"), format_money(*taxes, l)),
                (t(l, "mail-confirmation-total"), format_money(*total, l)),
            ],
        }),
    ];
    if let Some(p) = points {
        if p.spent > 0 {
            let (spent, paid) = (p.spent.to_string(), format_money(p.paid, l));
            blocks.push(Block::Para(ta(l, "loyalty-mail-paid", &[("points", &spent), ("amount", &paid)])));
        }
        if p.earned > 0 {
            blocks.push(Block::Para(ta(l, "loyalty-mail-earned", &[("points", &p.earned.to_string())])));
        }
    }
    if !tickets.is_empty() {
        blocks.push(Block::Heading(tn(l, "mail-confirmation-tickets", tickets.len())));
        blocks.push(Block::Links(
            tickets
                .iter()
                .map(|ticket| LinkItem {
                    text: match ticket.holder_name.trim() {
                        "" => ticket.label.clone(),
                        holder => {
                            ta(l, "mail-confirmation-ticket-holder", &[("holder", holder), ("label", &ticket.label)])
                        }
                    },
                    link_label: t(l, "mail-confirmation-open-ticket"),
                    url: ticket.url.clone(),
                })
                .collect(),
        ));
    }
    if pdf.is_some() {
        blocks.push(Block::Para(tn(l, "mail-confirmation-pdf", tickets.len().max(1))));
    }
    if let Some(url) = calendar_url {
        blocks.push(Block::Links(vec![LinkItem {
            text: t(l, "mail-confirmation-calendar"),
            link_label: t(l, "mail-confirmation-calendar-link"),
            url: url.clone(),
        }]));
    }
    blocks.push(view_order(l, order_url));
    Doc {
        locale: l,
        title: ta(l, "mail-confirmation-subject", &[("event", event), ("reference", reference)]),
        org_name: org_name.clone(),
        heading: t(l, "mail-confirmation-heading"),
        blocks,
        footer: footer(l, org_name),
    }
}

fn payment_reminder(l: Locale, hello: Block, kind: &MailKind) -> Doc {
    let MailKind::PaymentReminder {
        org_name,
        event_name,
        order_reference,
        total,
        due,
        payment_reference,
        instructions,
        order_url,
    } = kind
    else {
        unreachable!("dispatched by build")
    };
    let amount = format_money(*total, l);
    let due = format_datetime(due, l);
    Doc {
        locale: l,
        title: ta(l, "mail-payment-subject", &[("event", event_name), ("reference", order_reference)]),
        org_name: org_name.clone(),
        heading: t(l, "mail-payment-heading"),
        blocks: vec![
            hello,
            Block::Para(ta(l, "mail-payment-intro", &[("event", event_name), ("amount", &amount), ("due", &due)])),
            Block::Facts(vec![
                (fact(l, "amount-due"), amount),
                (fact(l, "pay-by"), due),
                (fact(l, "payment-reference"), payment_reference.clone()),
                (fact(l, "order"), order_reference.clone()),
            ]),
            Block::Heading(t(l, "mail-payment-how")),
            Block::Lines(instructions.clone()),
            Block::Para(ta(l, "mail-payment-quote", &[("reference", payment_reference)])),
            view_order(l, order_url),
        ],
        footer: footer(l, org_name),
    }
}

fn refund_notice(l: Locale, hello: Block, kind: &MailKind) -> Doc {
    let MailKind::RefundNotice { org_name, event_name, order_reference, amount, remaining_paid, reason, order_url } =
        kind
    else {
        unreachable!("dispatched by build")
    };
    let refunded = format_money(*amount, l);
    let mut facts = vec![(fact(l, "refunded"), refunded.clone())];
    if !reason.trim().is_empty() {
        facts.push((fact(l, "reason"), reason.clone()));
    }
    facts.push((fact(l, "still-paid"), format_money(*remaining_paid, l)));
    facts.push((fact(l, "order"), order_reference.clone()));
    let mut blocks = vec![
        hello,
        Block::Para(ta(
            l,
            "mail-refund-intro",
            &[("amount", &refunded), ("reference", order_reference), ("event", event_name)],
        )),
        Block::Facts(facts),
    ];
    if remaining_paid.amount_minor == 0 {
        blocks.push(Block::Para(t(l, "mail-refund-in-full")));
    }
    blocks.push(Block::Para(t(l, "mail-refund-way-back")));
    blocks.push(view_order(l, order_url));
    Doc {
        locale: l,
        title: ta(l, "mail-refund-subject", &[("reference", order_reference), ("event", event_name)]),
        org_name: org_name.clone(),
        heading: t(l, "mail-refund-heading"),
        blocks,
        footer: footer(l, org_name),
    }
}

fn late_payment_refunded(l: Locale, hello: Block, kind: &MailKind) -> Doc {
    let MailKind::LatePaymentRefunded { org_name, event_name, order_reference, amount } = kind else {
        unreachable!("dispatched by build")
    };
    let amount = format_money(*amount, l);
    Doc {
        locale: l,
        title: ta(l, "mail-late-subject", &[("reference", order_reference)]),
        org_name: org_name.clone(),
        heading: t(l, "mail-late-heading"),
        blocks: vec![
            hello,
            Block::Para(ta(
                l,
                "mail-late-intro",
                &[("amount", &amount), ("reference", order_reference), ("event", event_name)],
            )),
            Block::Para(t(l, "mail-late-sorry")),
            Block::Facts(vec![(fact(l, "refunded"), amount), (fact(l, "order"), order_reference.clone())]),
        ],
        footer: footer(l, org_name),
    }
}

fn event_reminder(l: Locale, hello: Block, kind: &MailKind) -> Doc {
    let MailKind::EventReminder { org_name, event_name, starts, venue_name, order_reference, order_url } = kind else {
        unreachable!("dispatched by build")
    };
    Doc {
        locale: l,
        title: ta(l, "mail-reminder-subject", &[("event", event_name), ("date", &format_date(starts, l))]),
        org_name: org_name.clone(),
        heading: t(l, "mail-reminder-heading"),
        blocks: vec![
            hello,
            Block::Para(ta(l, "mail-reminder-intro", &[("event", event_name)])),
            Block::Facts(vec![
                (fact(l, "when"), format_datetime(starts, l)),
                (fact(l, "where"), venue_name.clone()),
                (fact(l, "order"), order_reference.clone()),
            ]),
            Block::Para(t(l, "mail-reminder-bring")),
            Block::Button { label: t(l, "mail-view-tickets"), url: order_url.clone() },
        ],
        footer: footer(l, org_name),
    }
}

fn event_moved(l: Locale, hello: Block, kind: &MailKind) -> Doc {
    let MailKind::EventMoved { org_name, event_name, starts, venue_name, order_reference, order_url } = kind else {
        unreachable!("dispatched by build")
    };
    Doc {
        locale: l,
        title: ta(l, "mail-moved-subject", &[("event", event_name), ("date", &format_date(starts, l))]),
        org_name: org_name.clone(),
        heading: t(l, "mail-moved-heading"),
        blocks: vec![
            hello,
            Block::Para(ta(l, "mail-moved-intro", &[("org", org_name), ("event", event_name)])),
            Block::Facts(vec![
                (fact(l, "new-date"), format_datetime(starts, l)),
                (fact(l, "where"), venue_name.clone()),
                (fact(l, "order"), order_reference.clone()),
            ]),
            Block::Para(t(l, "mail-moved-renewed")),
            Block::Button { label: t(l, "mail-view-tickets"), url: order_url.clone() },
        ],
        footer: footer(l, org_name),
    }
}

fn event_cancelled(l: Locale, hello: Block, kind: &MailKind) -> Doc {
    let MailKind::EventCancelled { org_name, event_name, order_reference, refund_amount } = kind else {
        unreachable!("dispatched by build")
    };
    let mut blocks = vec![
        hello,
        Block::Para(ta(
            l,
            "mail-cancelled-intro",
            &[("org", org_name), ("event", event_name), ("reference", order_reference)],
        )),
    ];
    if refund_amount.amount_minor > 0 {
        let amount = format_money(*refund_amount, l);
        blocks.push(Block::Para(ta(l, "mail-cancelled-refund", &[("amount", &amount)])));
    }
    Doc {
        locale: l,
        title: ta(l, "mail-cancelled-subject", &[("event", event_name)]),
        org_name: org_name.clone(),
        heading: t(l, "mail-cancelled-heading"),
        blocks,
        footer: footer(l, org_name),
    }
}

#[cfg(test)]
mod tests {

    /// Every `mail-…` id this file names exists in the catalogs (the
    /// catalogs' own tests check that both languages have it).
    #[test]
    fn every_id_used_exists() {
        let source = include_str!("content.rs");
        let mut ids: Vec<String> = Vec::new();
        for part in source.split('"').skip(1).step_by(2) {
            if part.starts_with("mail-") && !part.ends_with('-') && !part.contains([' ', '{']) {
                ids.push(part.to_owned());
            }
        }
        for name in ["event", "when", "where", "order", "new-date", "amount-due", "pay-by", "payment-reference"] {
            ids.push(format!("mail-fact-{name}"));
        }
        for name in ["refunded", "reason", "still-paid"] {
            ids.push(format!("mail-fact-{name}"));
        }
        assert!(ids.len() > 40, "{ids:?}");
        let missing: Vec<_> = ids.iter().filter(|id| !tessera_i18n::exists(id)).collect();
        assert!(missing.is_empty(), "not in the catalogs: {missing:?}");
    }
}
