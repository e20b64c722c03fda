//! The scanner's pages over HTTP, as gate staff's browser uses them without
//! scripts: sign in first, choose the list and gate, then check typed codes
//! through the form. Who may scan where is the app layer's decision.

use crate::helpers::*;
use serde_json::json;

fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

fn session_cookie(a: &Auth) -> String {
    match a {
        Auth::Session(s) => format!("tessera_session={}", s.cookie),
        _ => panic!("a browser session"),
    }
}

fn hidden_csrf(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a CSRF field") + "name=\"csrf\" value=\"".len();
    html[at..].split('"').next().unwrap().to_string()
}

/// The scanner's `data-strings` attribute, unescaped.
fn data_strings(html: &str) -> String {
    let raw = html.split("data-strings=\"").nth(1).expect("data-strings").split('"').next().unwrap();
    raw.replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#60;", "<")
        .replace("&#62;", ">")
        .replace("&#38;", "&")
        .replace("&amp;", "&")
}

struct Page {
    status: u16,
    location: String,
    html: String,
    set_cookie: Option<String>,
}

async fn get(t: &TestApp, path: &str, cookie: &str) -> Page {
    let r = browser().get(format!("{}{path}", t.base)).header("cookie", cookie).send().await.unwrap();
    page_of(r).await
}

async fn page_of(r: reqwest::Response) -> Page {
    let status = r.status().as_u16();
    let location = r.headers().get("location").map(|v| v.to_str().unwrap().to_string()).unwrap_or_default();
    let set_cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("tessera_form="))
        .map(|v| v.split(';').next().unwrap().to_string());
    Page { status, location, html: r.text().await.unwrap(), set_cookie }
}

/// An organization with a published event that has a two-gate list, and a draft with a list of its own.
struct Gate {
    t: TestApp,
    owner: Auth,
    org: String,
    event: String,
    ticket_type: String,
    list: String,
    north: String,
}

async fn setup() -> Gate {
    let t = spawn_app_on(&DB.with(Clone::clone), test_config(), tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@scan.example.org", "gatehouse").await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let e = t.sellable_event(&owner, &org, &venue, "Gig <Live>").await;
    let event = e["id"].as_str().unwrap().to_string();
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    let types = t.get(&format!("/api/v1/orgs/{org}/events/{event}/ticket-types"), &owner).await;
    let ticket_type = types.body[0]["id"].as_str().unwrap().to_string();
    let list = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{event}/checkin-lists"),
            &owner,
            json!({"name": "Main doors", "gates": ["North", "South"]}),
        )
        .await;
    assert_eq!(list.status, 201, "{list:?}");
    let north = list.body["gates"].as_array().unwrap().iter().find(|g| g["name"] == "North").unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let list = list.body["id"].as_str().unwrap().to_string();
    // A draft has no tickets to scan: it is not offered.
    let draft = t.sellable_event(&owner, &org, &venue, "Secret rehearsal").await;
    let draft_list = t
        .post(
            &format!("/api/v1/orgs/{org}/events/{}/checkin-lists", draft["id"].as_str().unwrap()),
            &owner,
            json!({"name": "Stage door", "gates": ["Back"]}),
        )
        .await;
    assert_eq!(draft_list.status, 201, "{draft_list:?}");
    Gate { t, owner, org, event, ticket_type, list, north }
}

async fn the_scanner_asks_to_sign_in_then_offers_the_lists_and_gates_of_published_events() {
    let g = setup().await;
    let (t, org, list, north) = (&g.t, &g.org, &g.list, &g.north);

    // Signed out: to the sign-in page, coming back here afterwards.
    let out = get(t, "/scan", "").await;
    assert_eq!((out.status, out.location.as_str()), (303, "/account/sign-in?next=%2Fscan"));
    let out = get(t, &format!("/scan/{org}/{list}?gate={north}"), "").await;
    assert_eq!(out.status, 303);
    assert_eq!(out.location, format!("/account/sign-in?next=%2Fscan%2F{org}%2F{list}%3Fgate%3D{north}"));

    // The chooser: the published event's list with a link per gate, escaped; no draft.
    let owner = session_cookie(&g.owner);
    let chooser = get(t, "/scan", &owner).await;
    assert_eq!(chooser.status, 200);
    assert!(chooser.html.contains("Gig &#60;Live&#62;") && chooser.html.contains("Main doors"), "{}", chooser.html);
    assert!(chooser.html.contains(&format!("href=\"/scan/{org}/{list}?gate={north}\"")), "{}", chooser.html);
    assert!(!chooser.html.contains("Secret rehearsal") && !chooser.html.contains("Stage door"), "{}", chooser.html);

    // A list opened without a gate asks for one.
    let pick = get(t, &format!("/scan/{org}/{list}"), &owner).await;
    assert_eq!(pick.status, 200);
    assert!(pick.html.contains("Choose your gate") && pick.html.contains("South"), "{}", pick.html);

    // The scanner: the form works without scripts; the script gets the API, the strings and the session's token.
    let scanner = browser()
        .get(format!("{}/scan/{org}/{list}?gate={north}", t.base))
        .header("cookie", &owner)
        .send()
        .await
        .unwrap();
    assert_eq!(scanner.status(), 200);
    let csp = scanner.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    let html = scanner.text().await.unwrap();
    for want in [
        "<h1>Gig &#60;Live&#62;</h1>",
        "Main doors · Gate North",
        &format!("data-api=\"/api/v1/orgs/{org}/checkin-lists/{list}\""),
        &format!("data-gate=\"{north}\""),
        "data-policy=\"single\"",
        "data-timezone=\"Europe/Berlin\"",
        "<meta name=\"csrf-token\"",
        "src=\"/assets/scanner.js?v=",
        "data-verify=\"/assets/ticket-verify.js?v=",
        "data-strings=\"{",
        &format!("action=\"/scan/{org}/{list}\""),
        "<label for=\"code\">Ticket code</label>",
        "name=\"csrf\"",
    ] {
        assert!(html.contains(want), "missing {want}: {html}");
    }
    let strings: serde_json::Value = serde_json::from_str(&data_strings(&html)).expect("the strings are JSON");
    assert_eq!(strings["results"]["already_used"], "Already used");
    assert_eq!(strings["results"]["valid"], "Admitted");
    // Entry and exit only where a ticket may come back in.
    assert!(!html.contains("name=\"direction\""));

    // The scripts it loads are served.
    for asset in ["scanner.js", "ticket-verify.js"] {
        let r = t.client.get(format!("{}/assets/{asset}", t.base)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    }

    // The service worker sits above the scanner pages, and may only reach this server.
    let sw = t.client.get(format!("{}/scan/sw.js", t.base)).send().await.unwrap();
    assert_eq!(sw.status(), 200);
    assert!(sw.headers()["content-type"].to_str().unwrap().starts_with("text/javascript"));
    assert_eq!(sw.headers()["content-security-policy"], "default-src 'none'; connect-src 'self'");

    // In Chinese.
    let zh = get(t, &format!("/scan/{org}/{list}?gate={north}&lang=zh-CN"), &owner).await;
    assert!(zh.html.contains("<html lang=\"zh-CN\">") && zh.html.contains("验票"), "{}", zh.html);
    let zh_strings: serde_json::Value = serde_json::from_str(&data_strings(&zh.html)).expect("JSON");
    assert_eq!(zh_strings["results"]["already_used"], "已使用", "{zh_strings}");
    assert_eq!(zh_strings["results"]["wrong_event"], "其他活动的门票");
    assert_eq!(zh_strings["waiting"], "待上传：{n}", "the script fills the placeholders");
    for english in ["Ticket code", "Ready to scan", "Change list or gate"] {
        assert!(!zh.html.contains(english), "{english} in {}", zh.html);
    }

    // Nothing there: bad ids, another list, an unknown gate.
    let other = uuid::Uuid::now_v7();
    for path in [
        format!("/scan/not-an-org/{list}"),
        format!("/scan/{org}/not-a-list"),
        format!("/scan/{org}/{other}"),
        format!("/scan/{other}/{list}"),
        format!("/scan/{org}/{list}?gate={other}"),
        format!("/scan/{org}/{list}?gate=front"),
    ] {
        let p = get(t, &path, &owner).await;
        assert_eq!(p.status, 404, "{path}: {}", p.html);
        assert!(p.html.contains("There is nothing here."), "{path}");
    }
}

async fn only_members_may_scan_and_the_scanner_role_is_enough() {
    let g = setup().await;
    let (t, org, list, north) = (&g.t, &g.org, &g.list, &g.north);

    // Someone from outside: no organization to offer, and the list does not exist for them.
    let stranger = Auth::Session(t.register("stranger@example.org").await);
    let cookie = session_cookie(&stranger);
    let chooser = get(t, "/scan", &cookie).await;
    assert_eq!(chooser.status, 200);
    assert!(chooser.html.contains("You are not on the team of any organization yet."), "{}", chooser.html);
    assert!(!chooser.html.contains("Gig"));
    let p = get(t, &format!("/scan/{org}/{list}?gate={north}"), &cookie).await;
    assert_eq!(p.status, 404, "not revealed to a non-member: {}", p.html);
    assert!(!p.html.contains("Gig"));

    // Another organizer's list is not reachable through their own organization either.
    let (other_owner, other_org) = t.organizer("other@example.org", "elsewhere").await;
    let p = get(t, &format!("/scan/{other_org}/{list}"), &session_cookie(&other_owner)).await;
    assert_eq!(p.status, 404);

    // A member with the scanner role sees the list and opens the scanner.
    let gatekeeper = Auth::Session(t.register("gatekeeper@example.org").await);
    let added = t
        .post(
            &format!("/api/v1/orgs/{org}/members"),
            &g.owner,
            json!({"email": "gatekeeper@example.org", "role": "scanner"}),
        )
        .await;
    assert_eq!(added.status, 200, "{added:?}");
    let cookie = session_cookie(&gatekeeper);
    let chooser = get(t, "/scan", &cookie).await;
    assert!(chooser.html.contains("Gig &#60;Live&#62;"), "{}", chooser.html);
    let p = get(t, &format!("/scan/{org}/{list}?gate={north}"), &cookie).await;
    assert_eq!(p.status, 200, "{}", p.html);
    assert!(p.html.contains("id=\"scanner\""));
}

async fn without_scripts_the_form_checks_codes_on_the_server() {
    let g = setup().await;
    let (t, org, list, north) = (&g.t, &g.org, &g.list, &g.north);
    // A paid ticket, bought now; the doors open a day before the start.
    let order = t
        .post(
            &format!("/api/v1/events/{}/orders", g.event),
            &Auth::None,
            json!({"lines": [{"ticket_type_id": g.ticket_type, "quantity": 1}], "email": "fan@example.org", "name": "Ada <Byron>"}),
        )
        .await;
    assert_eq!(order.status, 201, "{order:?}");
    let id = order.body["id"].as_str().unwrap();
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/orders/{id}/mark-paid"), &g.owner, json!({})).await.status, 200);
    let tickets = t.get(&format!("/api/v1/orgs/{org}/orders/{id}/tickets"), &g.owner).await;
    let code = tickets.body[0]["code"].as_str().unwrap().to_string();
    let event = t.get(&format!("/api/v1/orgs/{org}/events/{}", g.event), &g.owner).await;
    let starts: jiff::Timestamp = event.body["starts_at"].as_str().unwrap().parse().unwrap();
    t.clock.set(starts);
    // The clock moved past the first session's life: sign in again.
    let login = t.login("owner@scan.example.org", "correct horse battery", None).await;
    let owner_again = Auth::Session(session_from(&login));
    let owner = session_cookie(&owner_again);

    let path = format!("/scan/{org}/{list}?gate={north}");
    let first = get(t, &path, &owner).await;
    let form_cookie = first.set_cookie.expect("a form cookie");
    let csrf = hidden_csrf(&first.html);
    let cookies = format!("{owner}; {form_cookie}");
    let post = |fields: String| {
        let cookies = cookies.clone();
        async move {
            let r = browser()
                .post(format!("{}/scan/{org}/{list}", t.base))
                .header("cookie", cookies)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(fields)
                .send()
                .await
                .unwrap();
            page_of(r).await
        }
    };
    let enc = |s: &str| form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();

    let admitted = post(format!("csrf={csrf}&gate={north}&code={}", enc(&code))).await;
    assert_eq!(admitted.status, 200, "{}", admitted.html);
    assert!(admitted.html.contains("class=\"verdict ok\""), "{}", admitted.html);
    assert!(admitted.html.contains("Admitted") && admitted.html.contains("Ada &#60;Byron&#62;"), "{}", admitted.html);
    assert!(admitted.html.contains("1 of 1 ticket<"), "{}", admitted.html);

    // Pasted with white space around it, the same code again: amber, with when and where it came in.
    let again = post(format!("csrf={csrf}&gate={north}&code={}", enc(&format!("  {code}\n")))).await;
    assert!(again.html.contains("class=\"verdict warn\""), "{}", again.html);
    assert!(again.html.contains("Already used") && again.html.contains("First admitted"), "{}", again.html);
    assert!(again.html.contains("Gate North"), "{}", again.html);
    // In Chinese, the verdict and its details read in Chinese.
    let zh = browser()
        .post(format!("{}/scan/{org}/{list}", t.base))
        .header("cookie", format!("{cookies}; tessera_lang=zh-CN"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}&gate={north}&code={}", enc(&code)))
        .send()
        .await
        .unwrap();
    let zh = page_of(zh).await;
    assert!(zh.html.contains("<html lang=\"zh-CN\">"), "{}", zh.html);
    for want in ["已使用", "首次入场：", "闸口 North", "已入场：", "1 / 1 张票"] {
        assert!(zh.html.contains(want), "{want}: {}", zh.html);
    }
    assert!(!zh.html.contains("Already used") && !zh.html.contains("First admitted"), "{}", zh.html);
    let zh_empty = browser()
        .post(format!("{}/scan/{org}/{list}", t.base))
        .header("cookie", format!("{cookies}; tessera_lang=zh-CN"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}&gate={north}&code=+"))
        .send()
        .await
        .unwrap();
    let zh_empty = page_of(zh_empty).await;
    assert_eq!(zh_empty.status, 422);
    assert!(zh_empty.html.contains("请输入或扫描票码。") && zh_empty.html.contains("aria-invalid=\"true\""));

    // Not a code, a forged one, nothing at all, a form from elsewhere.
    let junk = post(format!("csrf={csrf}&gate={north}&code=hello")).await;
    assert!(junk.html.contains("class=\"verdict bad\"") && junk.html.contains("Not a ticket code"), "{}", junk.html);
    let forged = format!("{}AAAAAAAA", &code[..code.len() - 8]);
    let forged = post(format!("csrf={csrf}&gate={north}&code={}", enc(&forged))).await;
    assert!(forged.html.contains("Forged or damaged code"), "{}", forged.html);
    let empty = post(format!("csrf={csrf}&gate={north}&code=+")).await;
    assert_eq!(empty.status, 422);
    assert!(empty.html.contains("Enter or scan a ticket code.") && empty.html.contains("aria-invalid=\"true\""));
    let too_long = post(format!("csrf={csrf}&gate={north}&code={}", "A".repeat(1001))).await;
    assert_eq!(too_long.status, 422);
    assert!(too_long.html.contains("id=\"code-error\""), "{}", too_long.html);
    let forged_form = post(format!("csrf=nope&gate={north}&code={}", enc(&code))).await;
    assert_eq!(forged_form.status, 403);
    assert!(forged_form.html.contains("The form expired."));

    // Every scan the form made is in the list's figures, failures included.
    let stats = t.get(&format!("/api/v1/orgs/{org}/checkin-lists/{list}/stats"), &owner_again).await;
    assert_eq!(stats.body["checked_in"], 1, "{stats:?}");
    assert_eq!(stats.body["scans"]["already_used"], 2, "{stats:?}");
}

crate::on_both_backends!(
    the_scanner_asks_to_sign_in_then_offers_the_lists_and_gates_of_published_events,
    only_members_may_scan_and_the_scanner_role_is_enough,
    without_scripts_the_form_checks_codes_on_the_server,
);
