//! Integrators' webhook endpoints: the list, a new endpoint (its signing
//! secret shown once), switching it on or off and choosing its topics,
//! deleting after confirming, and the delivery log with "send again".

use super::tokens::ConfirmPage;
use super::*;
use crate::ui::shell::{Filled, OrgTabs, Shell, Text, t, t_args};
use tessera_app::outbox::{DeliveryView, EndpointPatch, EndpointView, NewEndpoint, WEBHOOK_TYPES};

/// A topic's description, from the catalog.
fn topic_label(topic: &str) -> String {
    t(match topic {
        "*" => "developers-webhook-topic-all",
        "order.created" => "developers-webhook-topic-order-created",
        "order.paid" => "developers-webhook-topic-order-paid",
        "order.cancelled" => "developers-webhook-topic-order-cancelled",
        "order.refunded" => "developers-webhook-topic-order-refunded",
        "ticket.checked_in" => "developers-webhook-topic-ticket-checked-in",
        "ticket.transferred" => "developers-webhook-topic-ticket-transferred",
        "ticket.resold" => "developers-webhook-topic-ticket-resold",
        "event.cancelled" => "developers-webhook-topic-event-cancelled",
        "waitlist.offered" => "developers-webhook-topic-waitlist-offered",
        other => return other.to_string(),
    })
}

/// One check box of the topics: named `topic.` + the topic.
struct TopicBox {
    /// The element id (`*` is not allowed in one the CSS can select).
    id: String,
    name: String,
    topic: &'static str,
    label: String,
    checked: bool,
}

/// The topic check boxes, `checked` deciding which are ticked.
fn topic_boxes(checked: impl Fn(&str) -> bool) -> Vec<TopicBox> {
    std::iter::once("*")
        .chain(WEBHOOK_TYPES)
        .map(|topic| TopicBox {
            id: format!("topic.{}", if topic == "*" { "all" } else { topic }),
            name: format!("topic.{topic}"),
            topic,
            label: topic_label(topic),
            checked: checked(topic),
        })
        .collect()
}

/// The ticked topics of a posted form.
fn topics_of(values: &HashMap<String, String>) -> Vec<String> {
    std::iter::once("*")
        .chain(WEBHOOK_TYPES)
        .filter(|t| values.contains_key(&format!("topic.{t}")))
        .map(str::to_string)
        .collect()
}

/// The "done" message after a redirect to a webhook page.
fn done(q: &HashMap<String, String>) -> Option<String> {
    let id = match q.get("done").map(String::as_str) {
        Some("endpoint-created") => "developers-done-endpoint-created",
        Some("endpoint-saved") => "developers-done-endpoint-saved",
        Some("endpoint-deleted") => "developers-done-endpoint-deleted",
        Some("redelivered") => "developers-done-redelivered",
        Some("already-queued") => "developers-done-already-queued",
        _ => return None,
    };
    Some(t(id))
}

/// An endpoint's state: on, or off with the reason the server switched it off.
fn state_of(e: &EndpointView) -> (&'static str, String) {
    match (e.enabled, &e.disabled_reason) {
        (true, _) => ("ok", t("developers-webhook-on")),
        (false, Some(reason)) if !reason.is_empty() => {
            ("bad", t_args("developers-webhook-off-because", &[("reason", reason.clone().into())]))
        }
        (false, _) => ("bad", t("developers-webhook-off")),
    }
}

fn shell(title: &str) -> Shell {
    Shell::new(t(title), &Extras { cookies: vec![], scripts: &[], wide: true })
}

/// One endpoint's row in the list.
struct EndpointRow {
    href: String,
    url: String,
    description: String,
    topics: Vec<String>,
    state: (&'static str, String),
    failures: i64,
}

#[derive(askama::Template)]
#[template(path = "settings/webhooks.html")]
struct WebhooksPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    csrf: String,
    base: String,
    notice: Option<String>,
    endpoints: Vec<EndpointRow>,
    topics: Vec<TopicBox>,
    values: Filled<'a>,
    errors: &'a [(String, String)],
}

pub(super) async fn webhooks_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let c = match ctx(&s, &headers, &org, &format!("/dashboard/orgs/{org}/webhooks")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    webhooks_view(&s, &c, StatusCode::OK, &Form::default(), done(&q)).await
}

async fn webhooks_view(s: &AppState, c: &Ctx, status: StatusCode, new: &Form, notice: Option<String>) -> Response {
    let endpoints = match s.app.endpoints(&c.actor, c.id()).await {
        Ok(e) => e,
        Err(e) => return error_page(e),
    };
    let base = c.base();
    let page = WebhooksPage {
        shell: shell("developers-webhooks-title"),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "webhooks"),
        csrf: c.csrf.clone(),
        endpoints: endpoints
            .iter()
            .map(|e| EndpointRow {
                href: format!("{base}/webhooks/{}", e.id),
                url: e.url.clone(),
                description: e.description.clone(),
                topics: e.event_types.clone(),
                state: state_of(e),
                failures: e.consecutive_failures,
            })
            .collect(),
        base,
        notice,
        topics: topic_boxes(|t| new.values.contains_key(&format!("topic.{t}"))),
        values: Filled(&new.values),
        errors: &new.errors,
    };
    crate::ui::shell::render(status, &page, &c.cookies)
}

pub(super) async fn create_endpoint(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path(org): Path<String>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/webhooks"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let input = NewEndpoint {
        url: val(&values, "url").to_string(),
        event_types: topics_of(&values),
        description: val(&values, "description").to_string(),
    };
    let errors = match s.app.create_endpoint(&c.actor, c.id(), input).await {
        Ok(e) => {
            let path = format!("{}/webhooks/{}", c.base(), e.id);
            let cookie = e.secret.as_deref().map(|secret| secret_cookie(&s, &path, &e.id, secret));
            return redirect(&format!("{path}?done=endpoint-created"), &cookie.into_iter().collect::<Vec<_>>());
        }
        Err(e) => match form_errors(e) {
            Ok(errors) => errors,
            Err(page) => return page,
        },
    };
    webhooks_view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, &Form::refused(values, errors), None).await
}

async fn endpoint_of(s: &AppState, c: &Ctx, id: &str) -> Result<EndpointView, Response> {
    let endpoints = s.app.endpoints(&c.actor, c.id()).await.map_err(error_page)?;
    endpoints.into_iter().find(|e| e.id == id).ok_or_else(not_found_page)
}

pub(super) async fn endpoint_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, endpoint)): Path<(String, String)>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let here = format!("/dashboard/orgs/{org}/webhooks/{endpoint}");
    let mut c = match ctx(&s, &headers, &org, &here).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let (secret, clear) = take_secret(&s, &headers, &here);
    c.cookies.extend(clear);
    let secret = secret.filter(|(id, _)| *id == endpoint).map(|(_, secret)| secret);
    endpoint_view(&s, &c, &endpoint, StatusCode::OK, None, done(&q), secret).await
}

/// One attempt of a delivery.
struct AttemptRow {
    at: String,
    status: String,
    duration_ms: i64,
    error: String,
}

/// One delivery in the log.
struct DeliveryRow {
    topic: String,
    message_id: String,
    state: (&'static str, String),
    next: Option<String>,
    attempts: i64,
    last_error: String,
    redeliver: String,
    log: Vec<AttemptRow>,
}

fn delivery_row(here: &str, d: DeliveryView) -> DeliveryRow {
    let state = match d.state.as_str() {
        "done" => ("ok", t("developers-webhook-delivered")),
        "failed" => ("bad", t("developers-webhook-failed")),
        _ => ("warn", t("developers-webhook-waiting")),
    };
    DeliveryRow {
        state,
        next: (d.state == "pending")
            .then(|| t_args("developers-webhook-next-attempt", &[("when", when(d.next_attempt_at, "UTC").into())])),
        attempts: d.attempts,
        last_error: d.last_error.unwrap_or_default(),
        redeliver: format!("{here}/deliveries/{}/redeliver", d.id),
        log: d
            .log
            .into_iter()
            .map(|a| AttemptRow {
                at: when(a.at, "UTC"),
                status: a.status.map_or_else(|| "–".to_string(), |s| s.to_string()),
                duration_ms: a.duration_ms,
                error: a.error.unwrap_or_default(),
            })
            .collect(),
        topic: d.topic,
        message_id: d.message_id,
    }
}

#[derive(askama::Template)]
#[template(path = "settings/webhook.html")]
struct EndpointPage<'a> {
    shell: Shell,
    tabs: OrgTabs,
    csrf: String,
    base: String,
    here: String,
    notice: Option<String>,
    secret: Option<String>,
    url: String,
    description: String,
    state: (&'static str, String),
    enabled: bool,
    topics: Vec<TopicBox>,
    errors: &'a [(String, String)],
    delete_action: String,
    delete_question: String,
    deliveries: Vec<DeliveryRow>,
}

async fn endpoint_view(
    s: &AppState,
    c: &Ctx,
    id: &str,
    status: StatusCode,
    edit: Option<Form>,
    notice: Option<String>,
    secret: Option<String>,
) -> Response {
    let e = match endpoint_of(s, c, id).await {
        Ok(e) => e,
        Err(page) => return page,
    };
    let deliveries = match s.app.endpoint_deliveries(&c.actor, c.id(), id).await {
        Ok(d) => d,
        Err(err) => return error_page(err),
    };
    let base = c.base();
    let here = format!("{base}/webhooks/{}", e.id);
    // A refused edit shows what was sent; otherwise what is stored.
    let (enabled, topics, errors): (bool, Vec<String>, Vec<(String, String)>) = match edit {
        Some(f) => (f.values.contains_key("enabled"), topics_of(&f.values), f.errors),
        None => (e.enabled, e.event_types.clone(), vec![]),
    };
    let page = EndpointPage {
        shell: shell("developers-webhook-endpoint"),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "webhooks"),
        csrf: c.csrf.clone(),
        base,
        deliveries: deliveries.into_iter().map(|d| delivery_row(&here, d)).collect(),
        delete_action: format!("{here}/delete"),
        here,
        notice,
        secret,
        state: state_of(&e),
        delete_question: t_args("developers-webhook-delete-question", &[("url", e.url.clone().into())]),
        url: e.url,
        description: e.description,
        enabled,
        topics: topic_boxes(|t| topics.iter().any(|x| x == t)),
        errors: &errors,
    };
    crate::ui::shell::render(status, &page, &c.cookies)
}

pub(super) async fn update_endpoint(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, endpoint)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let here = format!("/dashboard/orgs/{org}/webhooks/{endpoint}");
    let c = match posted(&s, &headers, &org, &here, &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let patch = EndpointPatch { enabled: Some(values.contains_key("enabled")), event_types: Some(topics_of(&values)) };
    match s.app.update_endpoint(&c.actor, c.id(), &endpoint, patch).await {
        Ok(e) => redirect(&format!("{}/webhooks/{}?done=endpoint-saved", c.base(), e.id), &[]),
        Err(e) => match form_errors(e) {
            Ok(errors) => {
                let form = Some(Form::refused(values, errors));
                endpoint_view(&s, &c, &endpoint, StatusCode::UNPROCESSABLE_ENTITY, form, None, None).await
            }
            Err(page) => page,
        },
    }
}

pub(super) async fn delete_endpoint_page(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, endpoint)): Path<(String, String)>,
) -> Response {
    let c = match ctx(&s, &headers, &org, &format!("/dashboard/orgs/{org}/webhooks/{endpoint}")).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let e = match endpoint_of(&s, &c, &endpoint).await {
        Ok(e) => e,
        Err(page) => return page,
    };
    let back = format!("{}/webhooks/{}", c.base(), e.id);
    let page = ConfirmPage {
        shell: shell("developers-webhook-delete"),
        tabs: OrgTabs::new(c.id(), &c.org.org.name, "webhooks"),
        csrf: c.csrf.clone(),
        question: t_args("developers-webhook-delete-question", &[("url", e.url.clone().into())]),
        what: e.url,
        action: format!("{back}/delete"),
        error: None,
        yes: t("developers-webhook-delete-yes"),
        back,
    };
    crate::ui::shell::render(StatusCode::OK, &page, &c.cookies)
}

pub(super) async fn delete_endpoint(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, endpoint)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/webhooks/{endpoint}"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    match s.app.delete_endpoint(&c.actor, c.id(), &endpoint).await {
        Ok(()) => redirect(&format!("{}/webhooks?done=endpoint-deleted", c.base()), &[]),
        Err(e) => error_page(e),
    }
}

pub(super) async fn redeliver(
    State(s): State<AppState>,
    headers: HeaderMap,
    Path((org, endpoint, delivery)): Path<(String, String, String)>,
    body: Bytes,
) -> Response {
    let values = form(&body);
    let c = match posted(&s, &headers, &org, &format!("/dashboard/orgs/{org}/webhooks/{endpoint}"), &values).await {
        Ok(c) => c,
        Err(r) => return r,
    };
    let back = format!("{}/webhooks/{endpoint}", c.base());
    match s.app.redeliver(&c.actor, c.id(), &endpoint, &delivery).await {
        Ok(()) => redirect(&format!("{back}?done=redelivered#deliveries"), &[]),
        Err(AppError::StateConflict { .. }) => redirect(&format!("{back}?done=already-queued#deliveries"), &[]),
        Err(e) => error_page(e),
    }
}
