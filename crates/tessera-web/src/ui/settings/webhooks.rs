//! Integrators' webhook endpoints: the list, a new endpoint (its signing
//! secret shown once), switching it on or off and choosing its topics,
//! deleting after confirming, and the delivery log with "send again".

use super::*;
use tessera_app::outbox::{EndpointPatch, EndpointView, NewEndpoint, WEBHOOK_TYPES};

fn topic_label(t: &str) -> &'static str {
    match t {
        "*" => tr("All events, including ones added later"),
        "order.created" => tr("An order is placed"),
        "order.paid" => tr("An order is paid"),
        "order.cancelled" => tr("An order is cancelled"),
        "order.refunded" => tr("An order is refunded"),
        "ticket.checked_in" => tr("A ticket is checked in"),
        "event.cancelled" => tr("An event is cancelled"),
        _ => "",
    }
}

/// The topic check boxes, `checked` deciding which are ticked.
fn topic_boxes(checked: &dyn Fn(&str) -> bool, errors: &[(String, String)]) -> String {
    let options: Vec<(&str, String)> = std::iter::once("*")
        .chain(WEBHOOK_TYPES)
        .map(|t| (t, format!("{} <code>{}</code>", esc(topic_label(t)), esc(t))))
        .collect();
    checkboxes(tr("Which events to send"), "topic.", &options, checked, "event_types", errors)
}

/// The ticked topics of a posted form.
fn topics_of(values: &HashMap<String, String>) -> Vec<String> {
    std::iter::once("*")
        .chain(WEBHOOK_TYPES)
        .filter(|t| values.contains_key(&format!("topic.{t}")))
        .map(str::to_string)
        .collect()
}

fn topics_text(types: &[String]) -> String {
    types.iter().map(|t| format!("<code>{}</code>", esc(t))).collect::<Vec<_>>().join(" ")
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
    webhooks_view(&s, &c, StatusCode::OK, &Form::default(), &done_notice(&q)).await
}

async fn webhooks_view(s: &AppState, c: &Ctx, status: StatusCode, new: &Form, notice: &str) -> Response {
    let endpoints = match s.app.endpoints(&c.actor, c.id()).await {
        Ok(e) => e,
        Err(e) => return error_page(e),
    };
    let base = c.base();
    let mut body = notice.to_string();
    if endpoints.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("No webhook endpoints yet.")));
    } else {
        body.push_str(&table_start(
            tr("Webhooks"),
            &[
                (tr("Endpoint"), false),
                (tr("Event types"), false),
                (tr("Status"), false),
                (tr("Failures in a row"), true),
            ],
        ));
        for e in &endpoints {
            body.push_str(&format!(
                "<tr><th scope=\"row\"><a href=\"{base}/webhooks/{id}\">{url}</a>{desc}</th><td>{topics}</td><td>{state}</td><td class=\"num\">{fails}</td></tr>",
                id = esc(&e.id),
                url = esc(&e.url),
                desc = if e.description.is_empty() { String::new() } else { format!("<br><span class=\"muted\">{}</span>", esc(&e.description)) },
                topics = topics_text(&e.event_types),
                state = endpoint_state(e),
                fails = e.consecutive_failures,
            ));
        }
        body.push_str(TABLE_END);
    }
    let chosen = |t: &str| new.values.contains_key(&format!("topic.{t}"));
    body.push_str(&format!(
        "<h2 id=\"new-endpoint\">{title}</h2><form method=\"post\" action=\"{base}/webhooks\" novalidate>{csrf}{marked}{url}{desc}{topics}\
         <p class=\"muted\">{signed}</p><p><button type=\"submit\">{submit}</button></p></form>",
        title = tr("Add an endpoint"),
        csrf = csrf_field(&c.csrf),
        marked = check_marked(&new.errors),
        url = input("url", "URL", "url", "required placeholder=\"https://hooks.example.com/tessera\" autocomplete=\"off\" spellcheck=\"false\"", &new.values, &new.errors),
        desc = input("description", tr("Description (optional)"), "text", "maxlength=\"200\"", &new.values, &new.errors),
        topics = topic_boxes(&chosen, &new.errors),
        signed = tr("Messages are signed per Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature)."),
        submit = tr("Add the endpoint"),
    ));
    render(c, status, tr("Webhooks"), "webhooks", &body)
}

fn endpoint_state(e: &EndpointView) -> String {
    if e.enabled {
        format!("<span class=\"status-ok\">{}</span>", tr("On"))
    } else {
        let reason = e.disabled_reason.as_deref().map(|r| format!(": {}", esc(r))).unwrap_or_default();
        format!("<span class=\"status-bad\">{}</span>{reason}", tr("Off"))
    }
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
        Err(e) => match refused(e) {
            Ok(errors) => errors,
            Err(page) => return page,
        },
    };
    webhooks_view(&s, &c, StatusCode::UNPROCESSABLE_ENTITY, &Form::refused(values, errors), "").await
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
    endpoint_view(&s, &c, &endpoint, StatusCode::OK, None, &done_notice(&q), secret).await
}

async fn endpoint_view(
    s: &AppState,
    c: &Ctx,
    id: &str,
    status: StatusCode,
    edit: Option<Form>,
    notice: &str,
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
    let here = format!("{base}/webhooks/{}", esc(&e.id));
    let mut body = notice.to_string();
    if let Some(secret) = secret {
        body.push_str(&secret_box(
            tr("Signing secret"),
            tr("Signing secret"),
            &secret,
            &format!("<p>{}</p>", tr("Verify our signatures with it.")),
        ));
    }
    body.push_str(&format!(
        "<p><a href=\"{base}/webhooks\">{all}</a></p><p><strong>{url}</strong>{desc}</p><p>{state}</p>",
        all = tr("Webhooks"),
        url = esc(&e.url),
        desc = if e.description.is_empty() {
            String::new()
        } else {
            format!("<br><span class=\"muted\">{}</span>", esc(&e.description))
        },
        state = endpoint_state(&e),
    ));
    let (enabled, topics, errors): (bool, Vec<String>, Vec<(String, String)>) = match edit {
        Some(f) => (f.values.contains_key("enabled"), topics_of(&f.values), f.errors),
        None => (e.enabled, e.event_types.clone(), vec![]),
    };
    let chosen = |t: &str| topics.iter().any(|x| x == t);
    body.push_str(&format!(
        "<form method=\"post\" action=\"{here}\" novalidate>{csrf}{marked}\
         <p><input type=\"checkbox\" id=\"enabled\" name=\"enabled\" value=\"on\"{on}> <label for=\"enabled\">{send}</label></p>\
         {topics}<p class=\"muted\">{url_note}</p><p class=\"actions\"><button type=\"submit\">{save}</button> \
         <a href=\"{here}/delete\">{delete}</a></p></form>",
        csrf = csrf_field(&c.csrf),
        marked = check_marked(&errors),
        on = if enabled { " checked" } else { "" },
        send = tr("Send to this endpoint"),
        topics = topic_boxes(&chosen, &errors),
        url_note = tr("To change the address, add a new endpoint and delete this one."),
        save = tr("Save the endpoint"),
        delete = tr("Delete the endpoint"),
    ));
    body.push_str(&format!("<h2 id=\"deliveries\">{}</h2>", tr("Deliveries")));
    if deliveries.is_empty() {
        body.push_str(&format!("<p>{}</p>", tr("Nothing was sent to this endpoint yet.")));
    } else {
        body.push_str(&table_start(
            tr("Deliveries"),
            &[
                (tr("Event type"), false),
                (tr("Status"), false),
                (tr("Attempts"), true),
                (tr("Last error"), false),
                (tr("Actions"), false),
            ],
        ));
        for d in &deliveries {
            let (state, class) = match d.state.as_str() {
                "done" => (tr("delivered"), "status-ok"),
                "failed" => (tr("failed"), "status-bad"),
                _ => (tr("waiting"), "status-warn"),
            };
            let next = if d.state == "pending" {
                format!(
                    "<br><span class=\"muted\">{}: {}</span>",
                    tr("Next attempt"),
                    esc(&when(d.next_attempt_at, "UTC"))
                )
            } else {
                String::new()
            };
            let log = if d.log.is_empty() {
                String::new()
            } else {
                let rows: String = d
                    .log
                    .iter()
                    .map(|a| {
                        format!(
                            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{} ms</td><td>{}</td></tr>",
                            esc(&when(a.at, "UTC")),
                            a.status.map(|s| s.to_string()).unwrap_or_else(|| "–".into()),
                            a.duration_ms,
                            esc(a.error.as_deref().unwrap_or("")),
                        )
                    })
                    .collect();
                let head = table_start(
                    tr("Every attempt"),
                    &[(tr("Time"), false), (tr("HTTP status"), true), (tr("Duration"), true), (tr("Error"), false)],
                );
                format!("<details><summary>{}</summary>{head}{rows}{TABLE_END}</details>", tr("Every attempt"))
            };
            body.push_str(&format!(
                "<tr><th scope=\"row\"><code>{topic}</code><br><span class=\"muted\"><code>{msg}</code></span>{log}</th>\
                 <td><span class=\"{class}\">{state}</span>{next}</td><td class=\"num\">{attempts}</td><td>{error}</td><td>\
                 <form class=\"inline\" method=\"post\" action=\"{here}/deliveries/{did}/redeliver\">{csrf}\
                 <button class=\"secondary\" type=\"submit\">{again}<span class=\"visually-hidden\"> {msg}</span></button></form></td></tr>",
                topic = esc(&d.topic),
                msg = esc(&d.message_id),
                attempts = d.attempts,
                error = esc(d.last_error.as_deref().unwrap_or("")),
                did = esc(&d.id),
                csrf = csrf_field(&c.csrf),
                again = tr("Send again"),
            ));
        }
        body.push_str(TABLE_END);
    }
    render(c, status, tr("Endpoint"), "webhooks", &body)
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
        Err(e) => match refused(e) {
            Ok(errors) => {
                endpoint_view(
                    &s,
                    &c,
                    &endpoint,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(Form::refused(values, errors)),
                    "",
                    None,
                )
                .await
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
    confirm_page(
        &c,
        StatusCode::OK,
        "webhooks",
        tr("Delete the endpoint"),
        &e.url,
        tr("Delete this endpoint? Nothing more is sent to it."),
        &format!("{back}/delete"),
        tr("Delete"),
        &back,
        None,
    )
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
