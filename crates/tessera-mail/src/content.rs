//! The words: subject and body of every mail, in English and Simplified
//! Chinese. Values are interpolated as plain text; escaping is the
//! renderer's job (see `render`).

use crate::Locale;
use crate::locale::{format_date, format_datetime, format_money};
use crate::mail::{Mail, MailKind};
use crate::render::{Block, Doc, LinkItem, OrderTable};

/// Picks the English or the Chinese of a fixed text.
fn t(locale: Locale, en: &'static str, zh: &'static str) -> String {
    match locale {
        Locale::En => en.to_owned(),
        Locale::ZhCn => zh.to_owned(),
    }
}

fn greeting(locale: Locale, name: &str) -> String {
    match (locale, name.trim().is_empty()) {
        (Locale::En, true) => "Hello,".to_owned(),
        (Locale::En, false) => format!("Hello {},", name.trim()),
        (Locale::ZhCn, true) => "您好！".to_owned(),
        (Locale::ZhCn, false) => format!("{}，您好！", name.trim()),
    }
}

fn footer(locale: Locale, org: &str) -> String {
    match locale {
        Locale::En => format!(
            "This message was sent automatically by {org} through Tessera because of your order. Replies to it are not read."
        ),
        Locale::ZhCn => format!("此邮件由 {org} 通过 Tessera 根据您的订单自动发送，请勿直接回复。"),
    }
}

fn view_order(locale: Locale, url: &str) -> Block {
    Block::Button { label: t(locale, "View your order", "查看订单"), url: url.to_owned() }
}

/// The subject and the document of a mail.
pub(crate) fn build(mail: &Mail) -> Doc {
    let l = mail.locale;
    let hello = Block::Para(greeting(l, &mail.to_name));
    match &mail.kind {
        MailKind::Account(a) => crate::account::build(mail, a),
        MailKind::OrderConfirmation {
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
            pdf,
        } => {
            let mut blocks = vec![
                hello,
                Block::Para(match l {
                    Locale::En => format!("Thank you for your order. Your tickets for {event_name} are confirmed."),
                    Locale::ZhCn => format!("感谢您的订购！您购买的「{event_name}」门票已确认。"),
                }),
                Block::Facts(vec![
                    (t(l, "Event", "活动"), event_name.clone()),
                    (t(l, "When", "时间"), format_datetime(event_starts, l)),
                    (t(l, "Where", "地点"), venue_name.clone()),
                    (t(l, "Order", "订单号"), order_reference.clone()),
                ]),
                Block::Order(OrderTable {
                    caption: t(l, "Your order", "订单明细"),
                    head: [
                        t(l, "Item", "项目"),
                        t(l, "Qty", "数量"),
                        t(l, "Unit price", "单价"),
                        t(l, "Amount", "金额"),
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
                        (t(l, "Fees", "手续费"), format_money(*fees, l)),
                        (t(l, "Taxes", "税费"), format_money(*taxes, l)),
                        (t(l, "Total", "合计"), format_money(*total, l)),
                    ],
                }),
            ];
            if !tickets.is_empty() {
                blocks.push(Block::Heading(t(l, "Your tickets", "您的门票")));
                blocks.push(Block::Links(
                    tickets
                        .iter()
                        .map(|ticket| LinkItem {
                            text: match ticket.holder_name.trim() {
                                "" => ticket.label.clone(),
                                holder => format!("{holder} – {}", ticket.label),
                            },
                            link_label: t(l, "Open ticket", "查看门票"),
                            url: ticket.url.clone(),
                        })
                        .collect(),
                ));
            }
            if pdf.is_some() {
                blocks.push(Block::Para(t(
                    l,
                    "Your tickets are also attached to this e-mail as a PDF. Show them on your phone or bring them printed.",
                    "门票的 PDF 文件已附在本邮件中，入场时可出示手机上的电子票或打印版。",
                )));
            }
            blocks.push(view_order(l, order_url));
            Doc {
                locale: l,
                title: match l {
                    Locale::En => format!("Order confirmation: {event_name} (order {order_reference})"),
                    Locale::ZhCn => format!("订单确认：{event_name}（订单号 {order_reference}）"),
                },
                org_name: org_name.clone(),
                heading: t(l, "Your order is confirmed", "订单已确认"),
                blocks,
                footer: footer(l, org_name),
            }
        }
        MailKind::PaymentReminder {
            org_name,
            event_name,
            order_reference,
            total,
            due,
            payment_reference,
            instructions,
            order_url,
        } => {
            let amount = format_money(*total, l);
            let due = format_datetime(due, l);
            Doc {
                locale: l,
                title: match l {
                    Locale::En => format!("Payment due: {event_name} (order {order_reference})"),
                    Locale::ZhCn => format!("付款提醒：{event_name}（订单号 {order_reference}）"),
                },
                org_name: org_name.clone(),
                heading: t(l, "Your payment is due", "请按时付款"),
                blocks: vec![
                    hello,
                    Block::Para(match l {
                        Locale::En => format!(
                            "Your tickets for {event_name} are reserved. Please pay {amount} by {due}; \
                             after that the reservation is released."
                        ),
                        Locale::ZhCn => format!(
                            "我们已为您保留「{event_name}」的门票。请在 {due} 之前支付 {amount}，逾期预订将自动取消。"
                        ),
                    }),
                    Block::Facts(vec![
                        (t(l, "Amount due", "应付金额"), amount),
                        (t(l, "Pay by", "付款截止"), due),
                        (t(l, "Payment reference", "付款备注"), payment_reference.clone()),
                        (t(l, "Order", "订单号"), order_reference.clone()),
                    ]),
                    Block::Heading(t(l, "How to pay", "付款方式")),
                    Block::Lines(instructions.clone()),
                    Block::Para(match l {
                        Locale::En => format!(
                            "Please quote the payment reference {payment_reference} so that we can match your payment."
                        ),
                        Locale::ZhCn => {
                            format!("付款时请务必注明付款备注 {payment_reference}，以便我们核对您的款项。")
                        }
                    }),
                    view_order(l, order_url),
                ],
                footer: footer(l, org_name),
            }
        }
        MailKind::RefundNotice { org_name, event_name, order_reference, amount, remaining_paid, reason, order_url } => {
            let refunded = format_money(*amount, l);
            let mut facts = vec![(t(l, "Refunded", "退款金额"), refunded.clone())];
            if !reason.trim().is_empty() {
                facts.push((t(l, "Reason", "退款原因"), reason.clone()));
            }
            facts.push((t(l, "Still paid on the order", "订单剩余实付金额"), format_money(*remaining_paid, l)));
            facts.push((t(l, "Order", "订单号"), order_reference.clone()));
            let mut blocks = vec![
                hello,
                Block::Para(match l {
                    Locale::En => {
                        format!("We have refunded {refunded} of your order {order_reference} for {event_name}.")
                    }
                    Locale::ZhCn => format!("您的订单 {order_reference}（「{event_name}」）已退款 {refunded}。"),
                }),
                Block::Facts(facts),
            ];
            if remaining_paid.amount_minor == 0 {
                blocks.push(Block::Para(t(
                    l,
                    "Your order is now refunded in full, and its tickets are no longer valid.",
                    "您的订单已全额退款，订单中的门票随之失效。",
                )));
            }
            blocks.push(Block::Para(t(
                l,
                "The money goes back the way you paid; depending on your bank it can take a few days to arrive.",
                "款项将按原付款方式退回，到账时间取决于您的银行，可能需要几个工作日。",
            )));
            blocks.push(view_order(l, order_url));
            Doc {
                locale: l,
                title: match l {
                    Locale::En => format!("Refund for order {order_reference}: {event_name}"),
                    Locale::ZhCn => format!("退款通知：{event_name}（订单号 {order_reference}）"),
                },
                org_name: org_name.clone(),
                heading: t(l, "We have refunded you", "退款已办理"),
                blocks,
                footer: footer(l, org_name),
            }
        }
        MailKind::LatePaymentRefunded { org_name, event_name, order_reference, amount } => {
            let amount = format_money(*amount, l);
            Doc {
                locale: l,
                title: match l {
                    Locale::En => format!("Your payment for order {order_reference} has been refunded"),
                    Locale::ZhCn => format!("付款已退回：订单号 {order_reference}"),
                },
                org_name: org_name.clone(),
                heading: t(l, "Your payment arrived too late", "您的付款已退回"),
                blocks: vec![
                    hello,
                    Block::Para(match l {
                        Locale::En => format!(
                            "Your payment of {amount} for order {order_reference} ({event_name}) reached us after \
                             the reservation had expired, and the tickets had been sold in the meantime."
                        ),
                        Locale::ZhCn => format!(
                            "我们收到了您为订单 {order_reference}（「{event_name}」）支付的 {amount}，\
                             但款项到账时预订已过期，门票也已售出。"
                        ),
                    }),
                    Block::Para(t(
                        l,
                        "We have therefore refunded the full amount. We are sorry for the inconvenience.",
                        "因此我们已将全部款项退还给您。给您带来不便，敬请谅解。",
                    )),
                    Block::Facts(vec![
                        (t(l, "Refunded", "退款金额"), amount),
                        (t(l, "Order", "订单号"), order_reference.clone()),
                    ]),
                ],
                footer: footer(l, org_name),
            }
        }
        MailKind::EventReminder { org_name, event_name, starts, venue_name, order_reference, order_url } => Doc {
            locale: l,
            title: match l {
                Locale::En => format!("Reminder: {event_name} on {}", format_date(starts, l)),
                Locale::ZhCn => format!("活动提醒：{event_name}（{}）", format_date(starts, l)),
            },
            org_name: org_name.clone(),
            heading: t(l, "See you soon", "活动即将开始"),
            blocks: vec![
                hello,
                Block::Para(match l {
                    Locale::En => format!("{event_name} is coming up. Here are the details."),
                    Locale::ZhCn => format!("您预订的「{event_name}」即将开始，活动信息如下。"),
                }),
                Block::Facts(vec![
                    (t(l, "When", "时间"), format_datetime(starts, l)),
                    (t(l, "Where", "地点"), venue_name.clone()),
                    (t(l, "Order", "订单号"), order_reference.clone()),
                ]),
                Block::Para(t(
                    l,
                    "Please have your tickets ready at the entrance, on your phone or printed.",
                    "入场时请出示您的门票（手机电子票或打印版均可）。",
                )),
                Block::Button { label: t(l, "View your tickets", "查看门票"), url: order_url.clone() },
            ],
            footer: footer(l, org_name),
        },
        MailKind::EventMoved { org_name, event_name, starts, venue_name, order_reference, order_url } => Doc {
            locale: l,
            title: match l {
                Locale::En => format!("New date: {event_name} on {}", format_date(starts, l)),
                Locale::ZhCn => format!("活动改期：{event_name}（{}）", format_date(starts, l)),
            },
            org_name: org_name.clone(),
            heading: t(l, "Your event has moved", "活动时间已变更"),
            blocks: vec![
                hello,
                Block::Para(match l {
                    Locale::En => format!("{org_name} has moved {event_name} to a new date. Your tickets stay valid."),
                    Locale::ZhCn => format!("{org_name} 已将「{event_name}」改期，您的门票继续有效。"),
                }),
                Block::Facts(vec![
                    (t(l, "New date", "新时间"), format_datetime(starts, l)),
                    (t(l, "Where", "地点"), venue_name.clone()),
                    (t(l, "Order", "订单号"), order_reference.clone()),
                ]),
                Block::Para(t(
                    l,
                    "The QR codes on your tickets were renewed for the new date. Please use the tickets from your order page; a ticket printed earlier is still recognised at the entrance.",
                    "门票上的二维码已按新时间更新，请使用订单页面中的门票；此前打印的门票在入场时仍可识别。",
                )),
                Block::Button { label: t(l, "View your tickets", "查看门票"), url: order_url.clone() },
            ],
            footer: footer(l, org_name),
        },
        MailKind::EventCancelled { org_name, event_name, order_reference, refund_amount } => {
            let mut blocks = vec![
                hello,
                Block::Para(match l {
                    Locale::En => format!(
                        "We are sorry to tell you that {org_name} has cancelled {event_name}. \
                         The tickets of your order {order_reference} are no longer valid."
                    ),
                    Locale::ZhCn => format!(
                        "很遗憾地通知您，{org_name} 已取消「{event_name}」。您订单 {order_reference} 中的门票已失效。"
                    ),
                }),
            ];
            if refund_amount.amount_minor > 0 {
                let amount = format_money(*refund_amount, l);
                blocks.push(Block::Para(match l {
                    Locale::En => {
                        format!(
                            "You will receive a refund of {amount}, the way you paid. There is nothing you need to do."
                        )
                    }
                    Locale::ZhCn => format!("我们将按原付款方式向您退款 {amount}，您无需进行任何操作。"),
                }));
            }
            Doc {
                locale: l,
                title: match l {
                    Locale::En => format!("Cancelled: {event_name}"),
                    Locale::ZhCn => format!("活动取消通知：{event_name}"),
                },
                org_name: org_name.clone(),
                heading: t(l, "The event has been cancelled", "活动已取消"),
                blocks,
                footer: footer(l, org_name),
            }
        }
    }
}
