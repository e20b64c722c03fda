//! The orders pages of the dashboard as a browser without scripts uses
//! them, on SQLite and on PostgreSQL: the list's filters and its CSV, a
//! partial refund reviewed and confirmed (and "partially refunded" wherever
//! the order's state shows, the API included), the organization's overview
//! with known numbers, and the box office (a sale, its tickets and PDF, a
//! double submit, bad input and who may sell).

use crate::browser::{Browser, Page};
use crate::helpers::*;
use serde_json::json;

crate::on_both_backends!(
    orders_filter_export_and_refund_part_with_a_confirmation,
    the_overview_counts_today_to_date_and_the_last_30_days,
    the_overview_counts_a_ticket_once_across_overlapping_quotas,
    the_box_office_sells_once_per_form_to_staff_only,
);

const PASSWORD: &str = "correct horse battery";

struct Shop {
    t: TestApp,
    owner: Auth,
    org: String,
    event: String,
    ticket_type: String,
}

/// A published event (Europe/Berlin) with one €25.00 ticket type from a quota of 100.
async fn shop() -> Shop {
    let t = spawn_app_on(&DB.with(Clone::clone), test_config(), tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let e = t.sellable_event(&owner, &org, &venue, "Winter Gala").await;
    let event = e["id"].as_str().unwrap().to_string();
    let types = t.get(&format!("/api/v1/orgs/{org}/events/{event}/ticket-types"), &owner).await.body;
    let ticket_type = types[0]["id"].as_str().unwrap().to_string();
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    Shop { t, owner, org, event, ticket_type }
}

impl Shop {
    /// A guest's order of `qty`, paid by staff when `paid`; its id.
    async fn order(&self, qty: i64, name: &str, email: &str, paid: bool) -> String {
        let r = self
            .t
            .post(
                &format!("/api/v1/events/{}/orders", self.event),
                &Auth::None,
                json!({"lines": [{"ticket_type_id": self.ticket_type, "quantity": qty}], "email": email, "name": name}),
            )
            .await;
        assert_eq!(r.status, 201, "{r:?}");
        let id = r.body["id"].as_str().unwrap().to_string();
        if paid {
            let p =
                self.t.post(&format!("/api/v1/orgs/{}/orders/{id}/mark-paid", self.org), &self.owner, json!({})).await;
            assert_eq!(p.status, 200, "{p:?}");
        }
        id
    }

    async fn staff(&self) -> Browser {
        let mut b = Browser::new(&self.t.base);
        b.sign_in("owner@example.org", PASSWORD).await;
        b
    }
}

/// The `action` of the confirmation form on a page (entities decoded).
fn confirm_action(p: &Page, ends: &str) -> String {
    let at = p.html.find(&format!("{ends}?")).unwrap_or_else(|| panic!("no confirmation in {}", p.html));
    let start = p.html[..at].rfind('"').unwrap() + 1;
    let end = at + p.html[at..].find('"').unwrap();
    p.html[start..end].replace("&#38;", "&").replace("&amp;", "&").replace("&#x2f;", "/").replace("&#47;", "/")
}

async fn orders_filter_export_and_refund_part_with_a_confirmation() {
    let s = shop().await;
    let grace = s.order(3, "Grace Hopper", "grace@example.org", true).await;
    let ada = s.order(1, "Ada Lovelace", "ada@example.org", false).await;
    let mut staff = s.staff().await;
    let list = format!("/dashboard/orgs/{}/orders", s.org);

    // Filters: event, state, text and dates at the venue; the event column.
    let p = staff.get(&format!("{list}?event={}", s.event)).await;
    assert_eq!(p.status, 200);
    assert!(p.html.contains(&grace) && p.html.contains(&ada) && p.html.contains("Winter Gala"), "{}", p.html);
    let p = staff.get(&format!("{list}?state=pending")).await;
    assert!(p.html.contains(&ada) && !p.html.contains(&grace), "{}", p.html);
    let p = staff.get(&format!("{list}?q=lovelace")).await;
    assert!(p.html.contains(&ada) && !p.html.contains(&grace));
    let today = jiff::Timestamp::now().to_zoned(jiff::tz::TimeZone::get("Europe/Berlin").unwrap()).date();
    let yesterday = today.yesterday().unwrap();
    let p = staff.get(&format!("{list}?from={today}&until={today}")).await;
    assert!(p.html.contains(&grace) && p.html.contains(&ada), "{}", p.html);
    let p = staff.get(&format!("{list}?until={yesterday}")).await;
    assert!(!p.html.contains(&grace) && p.html.contains("No orders match."));
    // Bad dates are named, with what was typed kept.
    let p = staff.get(&format!("{list}?from=31.12.2026")).await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("from-error") && p.html.contains("value=\"31.12.2026\""), "{}", p.html);
    let p = staff.get(&format!("{list}?from={today}&until={yesterday}")).await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("until-error"), "{}", p.html);

    // The CSV of the filtered list.
    let csv = staff.get(&format!("/dashboard/orgs/{}/orders.csv?state=paid", s.org)).await;
    assert_eq!(csv.status, 200);
    assert!(csv.content_type.starts_with("text/csv"));
    let lines: Vec<&str> = csv.html.lines().collect();
    assert_eq!(lines.len(), 2, "{}", csv.html);
    assert!(lines[0].starts_with("reference,event,placed_at,state,"));
    assert!(
        lines[1].contains(",Winter Gala,")
            && lines[1].contains(",paid,Grace Hopper,grace@example.org,75.00,75.00,0.00,EUR,"),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("+01:00,") || lines[1].contains("+02:00,"), "venue time: {}", lines[1]);

    // A partial refund: reviewed (a bad amount is named), then confirmed.
    let detail = format!("{list}/{grace}");
    let p = staff.get(&format!("{detail}?review=refund&amount=100")).await;
    assert_eq!(p.status, 422);
    assert!(p.html.contains("amount-error") && p.html.contains("At most €75.00 can be refunded."), "{}", p.html);
    let p = staff.get(&format!("{detail}?review=refund&amount=ten")).await;
    assert_eq!(p.status, 422);
    let review = staff.get(&format!("{detail}?review=refund&amount=10&reason=late+start")).await;
    assert_eq!(review.status, 200);
    assert!(review.html.contains("Give €10.00 back to Grace Hopper?"), "{}", review.html);
    assert!(review.html.contains("<details class=\"confirm\">"), "behind the confirm component");
    // Nothing happened yet.
    let api = format!("/api/v1/orgs/{}/orders/{grace}", s.org);
    assert_eq!(s.t.get(&api, &s.owner).await.body["refunded"]["amount_minor"], 0);
    let action = confirm_action(&review, "/refund");
    let fields = [("csrf", review.csrf())];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let done = staff.post(&action, &fields).await;
    assert_eq!(done.status, 303, "{}", done.html);
    // The same confirmation again (a double click) refunds nothing more.
    let again = staff.post(&action, &fields).await;
    assert_eq!(again.status, 303, "{action}: {}", again.html);
    let order = s.t.get(&api, &s.owner).await.body;
    assert_eq!((order["refunded"]["amount_minor"].as_i64(), order["state"].as_str()), (Some(1000), Some("paid")));
    assert_eq!(order["refund_status"], "partial", "{order}");

    // "Partially refunded" wherever the state shows.
    let page = staff.get(&detail).await;
    assert!(page.html.contains("Partially refunded") && page.html.contains("late start"), "{}", page.html);
    assert!(page.html.contains("€65.00 of €75.00 can still be refunded."), "{}", page.html);
    let p = staff.get(&format!("{list}?state=partially_refunded")).await;
    assert!(p.html.contains(&grace) && !p.html.contains(&ada) && p.html.contains("Partially refunded"), "{}", p.html);
    let csv = staff.get(&format!("/dashboard/orgs/{}/orders.csv?state=partially_refunded", s.org)).await;
    assert!(
        csv.html.contains(",partially_refunded,Grace Hopper,") && csv.html.contains(",75.00,75.00,10.00,EUR,"),
        "{}",
        csv.html
    );
    // In Chinese too.
    let zh = staff.get(&format!("{detail}?lang=zh-CN")).await;
    assert!(zh.html.contains("部分退款"), "{}", zh.html);
    staff.get(&format!("{detail}?lang=en")).await;

    // The rest: the order reads refunded.
    let rest = staff.get(&format!("{detail}?review=refund")).await;
    assert!(rest.html.contains("Give €65.00 back to Grace Hopper?"), "{}", rest.html);
    let action = confirm_action(&rest, "/refund");
    assert_eq!(staff.post(&action, &[("csrf", rest.csrf().as_str())]).await.status, 303);
    let order = s.t.get(&api, &s.owner).await.body;
    assert_eq!(order["refund_status"], "full", "{order}");
    // The API documents it.
    let doc = s.t.get("/api/v1/openapi.json", &Auth::None).await.body;
    let schema = &doc["components"]["schemas"]["Order"]["properties"]["refund_status"];
    assert!(schema.is_object(), "{}", doc["components"]["schemas"]["Order"]);
    assert!(doc["components"]["schemas"]["RefundStatus"].to_string().contains("partial"));
    assert!(staff.get(&detail).await.html.contains("badge-info\">Refunded"));

    // Another organization sees none of it.
    s.t.organizer("stranger@example.org", "beta").await;
    let mut stranger = Browser::new(&s.t.base);
    stranger.sign_in("stranger@example.org", PASSWORD).await;
    for path in [list.clone(), detail.clone(), format!("/dashboard/orgs/{}/orders.csv", s.org)] {
        let p = stranger.get(&path).await;
        assert_eq!(p.status, 404, "{path}");
        assert!(!p.html.contains("Grace"), "{path}");
    }
}

async fn the_overview_counts_today_to_date_and_the_last_30_days() {
    let s = shop().await;
    s.order(3, "Grace Hopper", "grace@example.org", true).await;
    s.order(1, "Ada Lovelace", "ada@example.org", true).await;
    s.order(2, "Pending Pat", "pat@example.org", false).await;
    let mut staff = s.staff().await;
    // One organization: the dashboard opens on its overview.
    let home = staff.get("/dashboard").await;
    let overview = format!("/dashboard/orgs/{}/overview", s.org);
    assert_eq!((home.status, home.location.as_deref()), (303, Some(overview.as_str())));
    let p = staff.get(&overview).await;
    assert_eq!(p.status, 200);
    let stat = |label: &str| {
        let at = p.html.find(&format!("{label}<strong>")).unwrap_or_else(|| panic!("{label} in {}", p.html));
        p.html[at + label.len() + 8..].split('<').next().unwrap().to_string()
    };
    // Paid orders only: 2 orders, 4 tickets, 4 × €25.00.
    assert_eq!(stat("Orders today"), "2");
    assert_eq!(stat("Tickets today"), "4");
    assert_eq!(stat("Revenue today"), "€100.00");
    assert_eq!(stat("Tickets to date"), "4");
    assert_eq!(stat("Revenue to date"), "€100.00");
    // The event's share: 4 of 100 sold (the pending order holds, not sells).
    assert!(p.html.contains("Winter Gala") && p.html.contains("4 of 100 sold (4 %)"), "{}", p.html);
    assert!(p.html.contains("width=\"4\""), "the bar is 4 % long");
    // The chart and its table: 30 days, today last with 4 in all.
    assert_eq!(p.html.matches("<rect class=\"bar\"").count(), 30 + 1, "30 days and one share bar");
    assert!(p.html.contains("<title id=\"cumulative-title\">") && p.html.contains("<desc id=\"cumulative-desc\">"));
    let rows: Vec<&str> = p.html.split("<tr><td>").skip(1).collect();
    assert_eq!(rows.len(), 30);
    assert!(rows[29].contains("<td class=\"num\">4</td><td class=\"num\">4</td>"), "{}", rows[29]);
    assert!(rows[0].contains("<td class=\"num\">0</td><td class=\"num\">0</td>"), "{}", rows[0]);
    // In Chinese.
    let zh = staff.get(&format!("{overview}?lang=zh-CN")).await;
    assert!(zh.html.contains("今日售出门票") && zh.html.contains("已售 4 / 100（4%）"), "{}", zh.html);
    // Not for other organizations.
    s.t.organizer("stranger@example.org", "beta").await;
    let mut stranger = Browser::new(&s.t.base);
    stranger.sign_in("stranger@example.org", PASSWORD).await;
    assert_eq!(stranger.get(&overview).await.status, 404);
}

async fn the_overview_counts_a_ticket_once_across_overlapping_quotas() {
    let s = shop().await;
    // A second quota of 60 over the same type: each ticket draws on both.
    let q =
        s.t.post(
            &format!("/api/v1/orgs/{}/events/{}/quotas", s.org, s.event),
            &s.owner,
            json!({"name": "Cap", "capacity": 60}),
        )
        .await;
    assert_eq!(q.status, 201, "{q:?}");
    let house = s.t.get(&format!("/api/v1/orgs/{}/events/{}/quotas", s.org, s.event), &s.owner).await.body;
    let ids: Vec<&serde_json::Value> = house.as_array().unwrap().iter().map(|q| &q["id"]).collect();
    assert_eq!(ids.len(), 2);
    let linked = s
        .t
        .patch(&format!("/api/v1/orgs/{}/ticket-types/{}", s.org, s.ticket_type), &s.owner, json!({"quota_ids": ids}))
        .await;
    assert_eq!(linked.status, 200, "{linked:?}");
    s.order(3, "Grace Hopper", "grace@example.org", true).await;
    let mut staff = s.staff().await;
    let p = staff.get(&format!("/dashboard/orgs/{}/overview", s.org)).await;
    // 3 tickets (not 6 quota units) of at most 60 (not 160).
    assert!(p.html.contains("3 of 60 sold (5 %)"), "{}", p.html);
    // One ticket of 1,000 is under 1 %, not 0 %.
    let big =
        s.t.patch(
            &format!("/api/v1/orgs/{}/quotas/{}", s.org, ids[1].as_str().unwrap()),
            &s.owner,
            json!({"capacity": 1000}),
        )
        .await;
    assert_eq!(big.status, 200, "{big:?}");
    let house_id = ids[0].as_str().unwrap();
    let h = s.t.patch(&format!("/api/v1/orgs/{}/quotas/{house_id}", s.org), &s.owner, json!({"capacity": 1000})).await;
    assert_eq!(h.status, 200, "{h:?}");
    let p = staff.get(&format!("/dashboard/orgs/{}/overview", s.org)).await;
    assert!(p.html.contains("3 of 1000 sold (&#60;1 %)"), "{}", p.html);
}

async fn the_box_office_sells_once_per_form_to_staff_only() {
    let s = shop().await;
    let mut staff = s.staff().await;
    let desk = format!("/dashboard/orgs/{}/events/{}/box-office", s.org, s.event);
    let qty = format!("qty_{}", s.ticket_type);
    let form = staff.get(&desk).await;
    assert_eq!(form.status, 200, "{}", form.html);
    assert!(form.html.contains("How many GA (€25.00)") && form.html.contains("100 left"), "{}", form.html);
    let key_of = |p: &Page| {
        let at = p.html.find("name=\"sale_key\" value=\"").unwrap() + 23;
        p.html[at..at + 32].to_string()
    };

    // Bad input: named, nothing sold.
    for (fields, field) in [
        (vec![(qty.as_str(), "abc"), ("payment", "cash")], qty.as_str()),
        (vec![(qty.as_str(), "0"), ("payment", "cash")], "lines"),
        (vec![(qty.as_str(), "2"), ("payment", "cheque")], "payment"),
        (vec![(qty.as_str(), "2"), ("payment", "cash"), ("email", "not-an-address")], "email"),
        (vec![(qty.as_str(), "11"), ("payment", "cash")], "lines"),
        (vec![(qty.as_str(), "101"), ("payment", "cash")], qty.as_str()),
    ] {
        let page = staff.get(&desk).await;
        let key = key_of(&page);
        let csrf = page.csrf();
        let mut all: Vec<(&str, &str)> = vec![("csrf", csrf.as_str()), ("sale_key", key.as_str())];
        all.extend(fields.iter().copied());
        let p = staff.post(&desk, &all).await;
        assert_eq!(p.status, 422, "{fields:?}: {}", p.html);
        assert!(p.html.contains(&format!("href=\"#{field}\"")), "{field}: {}", p.html);
    }
    let orders = format!("/api/v1/orgs/{}/orders", s.org);
    assert_eq!(s.t.get(&orders, &s.owner).await.body.as_array().unwrap().len(), 0);

    // A sale: two tickets for cash, paid at once, shown with their QR codes.
    let page = staff.get(&desk).await;
    let fields = [
        ("csrf", page.csrf()),
        ("sale_key", key_of(&page)),
        (qty.as_str(), "2".to_string()),
        ("name", "Walk-in Wanda".to_string()),
        ("payment", "card".to_string()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let sold = staff.post(&desk, &fields).await;
    assert_eq!(sold.status, 303, "{}", sold.html);
    let to = sold.location.unwrap();
    let shown = staff.get(&to).await;
    assert_eq!(shown.status, 200, "{}", shown.html);
    assert!(shown.html.contains("2 tickets issued, paid by Card terminal."), "{}", shown.html);
    assert_eq!(shown.html.matches("<img class=\"qr\"").count(), 2);
    let list = s.t.get(&orders, &s.owner).await.body;
    assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
    assert_eq!((list[0]["state"].as_str(), list[0]["buyer_name"].as_str()), (Some("paid"), Some("Walk-in Wanda")));
    let order = list[0]["id"].as_str().unwrap();
    let money = s.t.get(&format!("/api/v1/orgs/{}/orders/{order}/money", s.org), &s.owner).await.body;
    assert_eq!(money["payments"][0]["provider"], "manual", "{money}");
    let pdf = staff.get(&format!("{desk}/{order}/tickets.pdf")).await;
    assert_eq!((pdf.status, pdf.content_type.as_str()), (200, "application/pdf"));

    // The same form sent again: the same sale, not a second one.
    let again = staff.post(&desk, &fields).await;
    assert_eq!((again.status, again.location.as_deref()), (303, Some(to.as_str())));
    assert_eq!(s.t.get(&orders, &s.owner).await.body.as_array().unwrap().len(), 1);

    // A hidden type: buyers need its code, the box office sells it without.
    let hide =
        s.t.patch(
            &format!("/api/v1/orgs/{}/ticket-types/{}", s.org, s.ticket_type),
            &s.owner,
            json!({"visibility": "hidden", "access_code": "crew-only"}),
        )
        .await;
    assert_eq!(hide.status, 200, "{hide:?}");
    let guest =
        s.t.post(
            &format!("/api/v1/events/{}/orders", s.event),
            &Auth::None,
            json!({"lines": [{"ticket_type_id": s.ticket_type, "quantity": 1}], "email": "g@example.org", "name": "Guest"}),
        )
        .await;
    assert_eq!((guest.status, guest.code()), (422, "access_code_required"), "{guest:?}");
    let page = staff.get(&desk).await;
    assert!(page.html.contains("How many GA (hidden) (€25.00)"), "{}", page.html);
    let hidden_sale = [
        ("csrf", page.csrf()),
        ("sale_key", key_of(&page)),
        (qty.as_str(), "1".to_string()),
        ("name", "Crew Carla".to_string()),
        ("payment", "cash".to_string()),
    ];
    let hidden_sale: Vec<(&str, &str)> = hidden_sale.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let sold = staff.post(&desk, &hidden_sale).await;
    assert_eq!(sold.status, 303, "{}", sold.html);
    assert_eq!(s.t.get(&orders, &s.owner).await.body.as_array().unwrap().len(), 2);

    // Only those who sell: a scanner is refused, a stranger finds nothing.
    let scanner = s.t.register("gate@example.org").await;
    let _ = scanner;
    let r =
        s.t.post(
            &format!("/api/v1/orgs/{}/members", s.org),
            &s.owner,
            json!({"email": "gate@example.org", "role": "scanner"}),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let mut gate = Browser::new(&s.t.base);
    gate.sign_in("gate@example.org", PASSWORD).await;
    assert_eq!(gate.get(&desk).await.status, 403);
    let p = gate.post(&desk, &fields).await;
    assert!(p.status == 403, "{}", p.status);
    s.t.organizer("stranger@example.org", "beta").await;
    let mut stranger = Browser::new(&s.t.base);
    stranger.sign_in("stranger@example.org", PASSWORD).await;
    assert_eq!(stranger.get(&desk).await.status, 404);
    assert_eq!(stranger.get(&to).await.status, 404);
    assert_eq!(s.t.get(&orders, &s.owner).await.body.as_array().unwrap().len(), 2);
}
