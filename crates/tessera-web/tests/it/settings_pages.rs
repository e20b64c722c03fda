//! The organization's settings pages and the platform admin pages, driven
//! as a browser without scripts drives them: plain GETs and form POSTs with
//! the form token, redirects not followed. Each refused form is checked for
//! its status, the message on the right field and that nothing changed (by
//! asking the JSON API).

use crate::helpers::*;
use serde_json::json;
use tessera_app::AppConfig;

crate::on_both_backends!(
    venues_are_created_edited_and_given_seat_maps,
    team_members_are_added_changed_and_removed_after_confirming,
    api_tokens_show_their_secret_once_and_are_revoked,
    webhook_endpoints_are_managed_and_deliveries_sent_again,
    payment_settings_keep_secrets_write_only_and_payouts_stay_within_the_balance,
    the_admin_pages_are_for_platform_admins_only,
);

async fn app(config: AppConfig) -> TestApp {
    spawn_app_on(&DB.with(|u| u.clone()), config, tessera_web::WebConfig::default()).await
}

/// The form token this browser keeps in its cookie and puts in its forms.
const FORM_TOKEN: &str = "0123456789abcdefghijklmnopqrstuv";

struct Page {
    status: u16,
    html: String,
    headers: reqwest::header::HeaderMap,
}

impl Page {
    fn location(&self) -> &str {
        self.headers.get("location").map(|v| v.to_str().unwrap()).unwrap_or("")
    }

    /// A `Set-Cookie` of this response, as `name=value`.
    fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }

    /// The form field `name` is marked wrong and its message is shown.
    fn refuses(&self, name: &str) -> bool {
        self.html.contains(&format!("id=\"{name}-error\""))
            && self.html.contains(&format!("aria-describedby=\"{name}-error\""))
    }
}

impl std::fmt::Debug for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {:?}\n{}", self.status, self.headers.get("location"), self.html)
    }
}

/// A browser without scripts: a session cookie (or none), the form cookie.
struct Browser {
    base: String,
    client: reqwest::Client,
    cookies: String,
}

impl Browser {
    fn new(t: &TestApp, who: &Auth) -> Browser {
        let session = match who {
            Auth::Session(s) => format!("tessera_session={}; ", s.cookie),
            _ => String::new(),
        };
        Browser {
            base: t.base.clone(),
            client: reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(),
            cookies: format!("{session}tessera_form={FORM_TOKEN}"),
        }
    }

    async fn page(&self, rb: reqwest::RequestBuilder) -> Page {
        let res = rb.send().await.unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        Page { status, headers, html: res.text().await.unwrap() }
    }

    async fn get(&self, path: &str) -> Page {
        self.get_with(path, "", "en").await
    }

    async fn get_with(&self, path: &str, cookie: &str, lang: &str) -> Page {
        let cookies = if cookie.is_empty() { self.cookies.clone() } else { format!("{}; {cookie}", self.cookies) };
        self.page(
            self.client.get(format!("{}{path}", self.base)).header("cookie", cookies).header("accept-language", lang),
        )
        .await
    }

    async fn post_as(&self, path: &str, csrf: &str, fields: &[(&str, &str)]) -> Page {
        let mut body = form_urlencoded::Serializer::new(String::new());
        body.append_pair("csrf", csrf);
        for (k, v) in fields {
            body.append_pair(k, v);
        }
        self.page(
            self.client
                .post(format!("{}{path}", self.base))
                .header("cookie", &self.cookies)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body.finish()),
        )
        .await
    }

    async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.post_as(path, FORM_TOKEN, fields).await
    }

    /// A form with a file, as `multipart/form-data`.
    async fn upload(&self, path: &str, csrf: &str, filename: &str, content: &str) -> Page {
        let b = "----tessera-test-boundary-7MA4YWxk";
        let body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{b}\r\nContent-Disposition: form-data; name=\"map\"; filename=\"{filename}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n{content}\r\n--{b}--\r\n"
        );
        self.page(
            self.client
                .post(format!("{}{path}", self.base))
                .header("cookie", &self.cookies)
                .header("content-type", format!("multipart/form-data; boundary={b}"))
                .body(body),
        )
        .await
    }
}

/// A new account made a member of `org` with `role`.
async fn member(t: &TestApp, owner: &Auth, org: &str, email: &str, role: &str) -> Auth {
    let a = Auth::Session(t.register(email).await);
    let r = t.post(&format!("/api/v1/orgs/{org}/members"), owner, json!({"email": email, "role": role})).await;
    assert_eq!(r.status, 200, "{r:?}");
    a
}

/// Pages that only need to be looked at: a stranger finds nothing, a member
/// without the right gets the friendly "not allowed" page, a signed-out
/// visitor is sent to sign in.
async fn refused_to_others(t: &TestApp, path: &str, weak: &Auth) {
    let (stranger, _) = t.organizer(&format!("stranger-{}@example.org", path.len()), &format!("s{}", path.len())).await;
    let p = Browser::new(t, &stranger).get(path).await;
    assert_eq!(p.status, 404, "{path} for a stranger: {p:?}");
    let p = Browser::new(t, weak).get(path).await;
    assert_eq!(p.status, 403, "{path} for a weaker role: {p:?}");
    assert!(p.html.contains("You may not open this page."), "{p:?}");
    let p = Browser::new(t, &Auth::None).get(path).await;
    assert_eq!(p.status, 303);
    assert!(p.location().starts_with("/account/sign-in?next="), "{p:?}");
}

async fn venues_are_created_edited_and_given_seat_maps() {
    let t = app(test_config()).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let b = Browser::new(&t, &owner);
    let venues = format!("/dashboard/orgs/{org}/venues");
    let list = b.get(&venues).await;
    assert_eq!(list.status, 200, "{list:?}");
    assert!(list.html.contains("No venues yet") && list.html.contains("aria-current=\"page\""), "{list:?}");
    assert!(list.html.contains(&format!("name=\"csrf\" value=\"{FORM_TOKEN}\"")));

    // Every wrong field at once, with what was typed; nothing made.
    let bad = b
        .post(&venues, &[("name", " "), ("address", "1 Main St"), ("timezone", "Mars/Olympus"), ("capacity", "lots")])
        .await;
    assert_eq!(bad.status, 422, "{bad:?}");
    for field in ["name", "timezone", "capacity"] {
        assert!(bad.refuses(field), "{field}: {bad:?}");
    }
    assert!(bad.html.contains("value=\"Mars/Olympus\"") && bad.html.contains("value=\"1 Main St\""), "{bad:?}");
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/venues"), &owner).await.body, json!([]));
    let forged = b.post_as(&venues, "x", &[("name", "Hall"), ("timezone", "Europe/Berlin"), ("capacity", "100")]).await;
    assert_eq!(forged.status, 403);
    assert!(forged.html.contains("The form expired."), "{forged:?}");
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/venues"), &owner).await.body, json!([]));

    let made = b
        .post(&venues, &[("name", "Hall <One>"), ("address", ""), ("timezone", "Europe/Berlin"), ("capacity", "800")])
        .await;
    assert_eq!(made.status, 303, "{made:?}");
    let venue = t.get(&format!("/api/v1/orgs/{org}/venues"), &owner).await.body[0]["id"].as_str().unwrap().to_string();
    let here = format!("{venues}/{venue}");
    assert_eq!(made.location(), format!("{here}?done=venue-created"));
    let page = b.get(made.location()).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("The venue was created.") && page.html.contains("Hall &#60;One&#62;"), "{page:?}");
    assert!(page.html.contains("no seat map yet"), "{page:?}");
    assert!(b.get(&venues).await.html.contains(&format!("href=\"{here}\"")));

    // Edit: refused, then saved.
    let bad = b.post(&here, &[("name", "Hall"), ("timezone", "Europe/Berlin"), ("capacity", "-5")]).await;
    assert_eq!(bad.status, 422, "{bad:?}");
    assert!(bad.refuses("capacity") && bad.html.contains("value=\"-5\""), "{bad:?}");
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/venues/{venue}"), &owner).await.body["capacity"], 800);
    let saved = b
        .post(
            &here,
            &[("name", "Big Hall"), ("address", "2 Side St"), ("timezone", "Asia/Shanghai"), ("capacity", "900")],
        )
        .await;
    assert_eq!((saved.status, saved.location()), (303, format!("{here}?done=venue-saved").as_str()), "{saved:?}");
    let v = t.get(&format!("/api/v1/orgs/{org}/venues/{venue}"), &owner).await.body;
    assert_eq!(
        (v["name"].as_str(), v["timezone"].as_str(), v["capacity"].as_i64()),
        (Some("Big Hall"), Some("Asia/Shanghai"), Some(900))
    );

    // Generate: the form's own check, the app's range check, then a map.
    let generate = format!("{here}/seat-map/generate");
    let bad = b
        .post(&generate, &[("shape", "rectangular"), ("rectangular.rows", "ten"), ("rectangular.seats_per_row", "10")])
        .await;
    assert_eq!(bad.status, 422, "{bad:?}");
    assert!(bad.refuses("rectangular.rows") && bad.html.contains("value=\"ten\""), "{bad:?}");
    let bad = b
        .post(&generate, &[("shape", "rectangular"), ("rectangular.rows", "0"), ("rectangular.seats_per_row", "10")])
        .await;
    assert_eq!(bad.status, 422, "{bad:?}");
    assert!(bad.refuses("rectangular.rows") && bad.html.contains("must be 1 to 500"), "{bad:?}");
    let summary = format!("/api/v1/orgs/{org}/venues/{venue}/seat-map");
    assert_eq!(t.get(&summary, &owner).await.status, 404, "no map yet");
    let ok = b
        .post(
            &generate,
            &[
                ("shape", "rectangular"),
                ("rectangular.rows", "4"),
                ("rectangular.seats_per_row", "10"),
                ("rectangular.categories", "A, B"),
            ],
        )
        .await;
    assert_eq!((ok.status, ok.location()), (303, format!("{here}?done=map-generated#seat-map").as_str()), "{ok:?}");
    let m = t.get(&summary, &owner).await.body;
    assert_eq!((m["seats"].as_i64(), m["version"].as_i64()), (Some(40), Some(1)), "{m}");
    let page = b.get(&here).await;
    assert!(page.html.contains("<strong>40</strong>") && page.html.contains("seat-map.csv"), "{page:?}");
    let ok = b.post(&generate, &[("shape", "curved"), ("curved.rows", "3"), ("curved.span_degrees", "90")]).await;
    assert_eq!(ok.status, 303, "{ok:?}");
    let ok = b
        .post(
            &generate,
            &[
                ("shape", "stadium"),
                ("stadium.sections", "4"),
                ("stadium.rows", "2"),
                ("stadium.pitch_standing", "100"),
            ],
        )
        .await;
    assert_eq!(ok.status, 303, "{ok:?}");
    let m = t.get(&summary, &owner).await.body;
    assert_eq!((m["version"].as_i64(), m["areas"].as_array().unwrap().len()), (Some(3), 1), "{m}");

    // Import: every problem of a file listed, nothing changed; then a good one.
    let import = format!("{here}/seat-map/import");
    let broken = "section,row,seat,x,y,category,flags\nS,A,1,0,0,A,\nS,A,2,zero,0,A,\nS,A,3,2,0,A,sparkly\n";
    let bad = b.upload(&import, FORM_TOKEN, "hall.csv", broken).await;
    assert_eq!(bad.status, 422, "{bad:?}");
    assert!(
        bad.html.contains("nothing was changed") && bad.html.contains("line 3") && bad.html.contains("line 4"),
        "{bad:?}"
    );
    assert!(bad.html.contains("aria-describedby=\"map-error\""), "{bad:?}");
    assert_eq!(t.get(&summary, &owner).await.body["version"], 3);
    let empty = b.upload(&import, FORM_TOKEN, "", "").await;
    assert_eq!(empty.status, 422, "{empty:?}");
    assert!(empty.html.contains("Choose a JSON or CSV file."), "{empty:?}");
    let forged = b.upload(&import, "x", "hall.csv", "section,row,seat,x,y,category,flags\nS,A,1,0,0,A,\n").await;
    assert_eq!(forged.status, 403, "{forged:?}");
    assert_eq!(t.get(&summary, &owner).await.body["version"], 3);
    let csv = "section,row,seat,x,y,category,flags\nS,A,1,0,0,A,\nS,A,2,1,0,A,aisle\nS,B,1,0,1,B,wheelchair\n";
    let ok = b.upload(&import, FORM_TOKEN, "hall.csv", csv).await;
    assert_eq!((ok.status, ok.location()), (303, format!("{here}?done=map-imported#seat-map").as_str()), "{ok:?}");
    assert_eq!(t.get(&summary, &owner).await.body["seats"], 3);
    // JSON is known by its content when the file name says nothing.
    let doc = json!({"format": "tessera-seat-map", "version": 1, "areas": [{"name": "Floor", "capacity": 50, "category": "GA"}]});
    let ok = b.upload(&import, FORM_TOKEN, "map", &doc.to_string()).await;
    assert_eq!(ok.status, 303, "{ok:?}");
    let m = t.get(&summary, &owner).await.body;
    assert_eq!((m["seats"].as_i64(), m["areas"][0]["name"].as_str()), (Some(0), Some("Floor")), "{m}");

    // Export, as downloads.
    b.upload(&import, FORM_TOKEN, "hall.csv", csv).await;
    let json_file = b.get(&format!("{here}/seat-map.json")).await;
    assert_eq!(json_file.status, 200);
    assert_eq!(json_file.headers["content-type"], "application/json");
    assert_eq!(json_file.headers["content-disposition"], "attachment; filename=\"seat-map-big-hall.json\"");
    assert!(json_file.html.starts_with('{') && json_file.html.contains("tessera-seat-map"));
    let csv_file = b.get(&format!("{here}/seat-map.csv")).await;
    assert!(csv_file.headers["content-type"].to_str().unwrap().starts_with("text/csv"));
    assert!(csv_file.html.starts_with("section,row,seat"), "{csv_file:?}");

    // In Chinese.
    let zh = b.get_with(&here, "", "zh-CN").await;
    assert!(zh.html.contains("座位图") && zh.html.contains("场馆信息"), "{zh:?}");

    // Staff see venues but may not change them; strangers find nothing.
    let staff = member(&t, &owner, &org, "staff@example.org", "staff").await;
    let s = Browser::new(&t, &staff);
    assert_eq!(s.get(&here).await.status, 200);
    let no = s.post(&here, &[("name", "Mine"), ("timezone", "UTC"), ("capacity", "1")]).await;
    assert_eq!(no.status, 403, "{no:?}");
    assert!(no.html.contains("You may not open this page."));
    let no = s
        .post(&generate, &[("shape", "rectangular"), ("rectangular.rows", "1"), ("rectangular.seats_per_row", "1")])
        .await;
    assert_eq!(no.status, 403, "{no:?}");
    assert_eq!(s.upload(&import, FORM_TOKEN, "hall.csv", csv).await.status, 403);
    let scanner = member(&t, &owner, &org, "scan@example.org", "scanner").await;
    refused_to_others(&t, &venues, &scanner).await;
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/venues/{venue}"), &owner).await.body["name"], "Big Hall");
}

async fn team_members_are_added_changed_and_removed_after_confirming() {
    let t = app(test_config()).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let owner_id = match &owner {
        Auth::Session(s) => s.user_id.to_string(),
        _ => unreachable!(),
    };
    let bob = Auth::Session(t.register("bob@example.org").await);
    let bob_id = match &bob {
        Auth::Session(s) => s.user_id.to_string(),
        _ => unreachable!(),
    };
    let b = Browser::new(&t, &owner);
    let team = format!("/dashboard/orgs/{org}/team");
    let members =
        || async { t.get(&format!("/api/v1/orgs/{org}/members"), &owner).await.body.as_array().unwrap().len() };
    let page = b.get(&team).await;
    assert_eq!(page.status, 200);
    assert!(page.html.contains("owner@example.org") && page.html.contains("(you)"), "{page:?}");

    let bad = b.post(&team, &[("email", "bob-at-example"), ("role", "staff")]).await;
    assert_eq!(bad.status, 422);
    assert!(bad.refuses("email") && bad.html.contains("value=\"bob-at-example\""), "{bad:?}");
    let unknown = b.post(&team, &[("email", "nobody@example.org"), ("role", "staff")]).await;
    assert_eq!(unknown.status, 422);
    assert!(unknown.refuses("email") && unknown.html.contains("no account with this e-mail address"), "{unknown:?}");
    let bad = b.post(&team, &[("email", "bob@example.org"), ("role", "emperor")]).await;
    assert!(bad.status == 422 && bad.refuses("role"), "{bad:?}");
    let forged = b.post_as(&team, "nope", &[("email", "bob@example.org"), ("role", "staff")]).await;
    assert_eq!(forged.status, 403);
    assert!(forged.html.contains("The form expired."));
    assert_eq!(members().await, 1);

    let added = b.post(&team, &[("email", "bob@example.org"), ("role", "staff")]).await;
    assert_eq!((added.status, added.location()), (303, format!("{team}?done=member-added").as_str()), "{added:?}");
    assert!(b.get(added.location()).await.html.contains("The member was added."));
    let changed = b.post(&format!("{team}/{bob_id}/role"), &[("role", "admin")]).await;
    assert_eq!(changed.status, 303, "{changed:?}");
    let m = t.get(&format!("/api/v1/orgs/{org}/members"), &owner).await.body;
    assert!(m.as_array().unwrap().iter().any(|x| x["email"] == "bob@example.org" && x["role"] == "admin"), "{m}");

    // An admin may not touch owners: said on the owner's row, nothing changed.
    let as_bob = Browser::new(&t, &bob);
    let no = as_bob.post(&format!("{team}/{owner_id}/role"), &[("role", "staff")]).await;
    assert_eq!(no.status, 403, "{no:?}");
    assert!(no.refuses(&format!("role-{owner_id}")) && no.html.contains("only owners"), "{no:?}");
    let no = as_bob.post(&format!("{team}/{bob_id}/role"), &[("role", "owner")]).await;
    assert_eq!(no.status, 403, "{no:?}");
    // The last owner stays an owner.
    let no = b.post(&format!("{team}/{owner_id}/role"), &[("role", "admin")]).await;
    assert_eq!(no.status, 409, "{no:?}");
    assert!(no.html.contains("at least one owner"), "{no:?}");
    let m = t.get(&format!("/api/v1/orgs/{org}/members"), &owner).await.body;
    assert!(m.as_array().unwrap().iter().all(|x| x["role"] != "staff"), "{m}");

    // Removing asks first.
    let confirm = b.get(&format!("{team}/{bob_id}/remove")).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.html.contains("bob@example.org") && confirm.html.contains("lose access"), "{confirm:?}");
    assert_eq!(members().await, 2);
    let forged = b.post_as(&format!("{team}/{bob_id}/remove"), "x", &[]).await;
    assert_eq!(forged.status, 403);
    assert_eq!(members().await, 2);
    let last = b.post(&format!("{team}/{owner_id}/remove"), &[]).await;
    assert_eq!(last.status, 409, "{last:?}");
    let gone = b.post(&format!("{team}/{bob_id}/remove"), &[]).await;
    assert_eq!((gone.status, gone.location()), (303, format!("{team}?done=member-removed").as_str()), "{gone:?}");
    assert_eq!(members().await, 1);
    assert_eq!(Browser::new(&t, &bob).get(&team).await.status, 404, "a former member finds nothing");

    let zh = b.get_with(&team, "", "zh-CN").await;
    assert!(zh.html.contains("添加成员") && zh.html.contains("所有者"), "{zh:?}");
    let staff = member(&t, &owner, &org, "staff@example.org", "staff").await;
    refused_to_others(&t, &team, &staff).await;
}

async fn api_tokens_show_their_secret_once_and_are_revoked() {
    let t = app(test_config()).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let b = Browser::new(&t, &owner);
    let tokens = format!("/dashboard/orgs/{org}/tokens");
    let count = || async { t.get(&format!("/api/v1/orgs/{org}/tokens"), &owner).await.body.as_array().unwrap().len() };
    assert!(b.get(&tokens).await.html.contains("No API tokens yet."));

    let bad = b.post(&tokens, &[("name", ""), ("role", "admin"), ("expires_in_days", "0")]).await;
    assert_eq!(bad.status, 422, "{bad:?}");
    assert!(bad.refuses("name") && bad.refuses("expires_in_days"), "{bad:?}");
    let bad = b.post(&tokens, &[("name", "CI"), ("role", "admin"), ("expires_in_days", "soon")]).await;
    assert!(bad.status == 422 && bad.refuses("expires_in_days") && bad.html.contains("value=\"CI\""), "{bad:?}");
    let forged = b.post_as(&tokens, "x", &[("name", "CI"), ("role", "admin")]).await;
    assert_eq!(forged.status, 403);
    assert_eq!(count().await, 0);

    let made = b.post(&tokens, &[("name", "Box office"), ("role", "staff"), ("expires_in_days", "30")]).await;
    assert_eq!((made.status, made.location()), (303, format!("{tokens}?done=token-created").as_str()), "{made:?}");
    let carried = made.cookie("tessera_secret").expect("the secret travels to the next page");
    assert!(
        carried.contains(&format!("Path={tokens};")) && carried.contains("HttpOnly") && carried.contains("Max-Age=300")
    );
    let cookie = carried.split(';').next().unwrap().to_string();
    let shown = b.get_with(made.location(), &cookie, "en").await;
    assert_eq!(shown.status, 200);
    let at = shown.html.find("id=\"new-secret\"").expect("the secret, shown");
    let secret = shown.html[at..].split("value=\"").nth(1).unwrap().split('"').next().unwrap().to_string();
    assert!(secret.starts_with("tsr_") && shown.html.contains("not shown again"), "{shown:?}");
    assert!(shown.cookie("tessera_secret").unwrap().contains("Max-Age=0"), "shown once, then cleared");
    assert!(!b.get(&tokens).await.html.contains(&secret), "not on the next visit");
    let bearer = Auth::Bearer(secret.clone());
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/venues"), &bearer).await.status, 200);

    // An admin cannot make a token stronger than themselves.
    let admin = member(&t, &owner, &org, "admin@example.org", "admin").await;
    let no = Browser::new(&t, &admin).post(&tokens, &[("name", "Root"), ("role", "owner")]).await;
    assert!(no.status == 422 && no.refuses("role") && no.html.contains("your own role"), "{no:?}");
    assert_eq!(count().await, 1);

    let id = t.get(&format!("/api/v1/orgs/{org}/tokens"), &owner).await.body[0]["id"].as_str().unwrap().to_string();
    let confirm = b.get(&format!("{tokens}/{id}/revoke")).await;
    assert_eq!(confirm.status, 200);
    assert!(confirm.html.contains("Box office") && confirm.html.contains("stop working"), "{confirm:?}");
    let forged = b.post_as(&format!("{tokens}/{id}/revoke"), "x", &[]).await;
    assert_eq!(forged.status, 403);
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/venues"), &bearer).await.status, 200);
    let revoked = b.post(&format!("{tokens}/{id}/revoke"), &[]).await;
    assert_eq!((revoked.status, revoked.location()), (303, format!("{tokens}?done=token-revoked").as_str()));
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/venues"), &bearer).await.status, 401);
    let page = b.get(&tokens).await;
    assert!(page.html.contains("Revoked") && !page.html.contains(&format!("{id}/revoke")), "{page:?}");
    assert_eq!(b.get(&format!("{tokens}/{id}/revoke")).await.status, 404);

    let staff = member(&t, &owner, &org, "staff@example.org", "staff").await;
    refused_to_others(&t, &tokens, &staff).await;
}

async fn webhook_endpoints_are_managed_and_deliveries_sent_again() {
    let t = app(AppConfig { allow_sandbox_payments: true, webhooks_allow_loopback: true, ..test_config() }).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let b = Browser::new(&t, &owner);
    let hooks = format!("/dashboard/orgs/{org}/webhooks");
    let api = format!("/api/v1/orgs/{org}/webhooks");
    assert!(b.get(&hooks).await.html.contains("No webhook endpoints yet."));

    let bad = b.post(&hooks, &[("url", "ftp://example.org/x"), ("description", "Mine")]).await;
    assert_eq!(bad.status, 422, "{bad:?}");
    assert!(bad.refuses("url") && bad.refuses("event_types") && bad.html.contains("value=\"Mine\""), "{bad:?}");
    let forged = b.post_as(&hooks, "x", &[("url", "https://hooks.example.org/t"), ("topic.order.paid", "on")]).await;
    assert_eq!(forged.status, 403);
    assert_eq!(t.get(&api, &owner).await.body, json!([]));

    // A receiver on loopback that always fails, so a delivery can be sent again.
    let app = axum::Router::new()
        .route("/hook", axum::routing::post(|| async { axum::http::StatusCode::INTERNAL_SERVER_ERROR }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let url = format!("http://{addr}/hook");
    let made = b
        .post(
            &hooks,
            &[("url", &url), ("description", "Books"), ("topic.order.created", "on"), ("topic.order.paid", "on")],
        )
        .await;
    assert_eq!(made.status, 303, "{made:?}");
    let id = t.get(&api, &owner).await.body[0]["id"].as_str().unwrap().to_string();
    let here = format!("{hooks}/{id}");
    assert_eq!(made.location(), format!("{here}?done=endpoint-created"));
    let cookie = made.cookie("tessera_secret").unwrap().split(';').next().unwrap().to_string();
    let shown = b.get_with(made.location(), &cookie, "en").await;
    assert!(shown.html.contains("value=\"whsec_") && shown.html.contains("The endpoint was added."), "{shown:?}");
    assert!(!b.get(&here).await.html.contains("whsec_"));

    // Edit: no topic is refused; switched off with one topic is saved.
    let bad = b.post(&here, &[("enabled", "on")]).await;
    assert!(bad.status == 422 && bad.refuses("event_types"), "{bad:?}");
    let e = &t.get(&api, &owner).await.body[0];
    assert_eq!((e["enabled"].as_bool(), e["event_types"].as_array().unwrap().len()), (Some(true), 2));
    let saved = b.post(&here, &[("topic.order.created", "on")]).await;
    assert_eq!((saved.status, saved.location()), (303, format!("{here}?done=endpoint-saved").as_str()), "{saved:?}");
    let e = &t.get(&api, &owner).await.body[0];
    assert_eq!((e["enabled"].as_bool(), e["event_types"].clone()), (Some(false), json!(["order.created"])));
    assert!(b.post(&here, &[("enabled", "on"), ("topic.*", "on")]).await.status == 303);

    // An order makes a delivery; it fails; the log shows it; send it again.
    let venue = t.venue(&owner, &org, "Hall").await;
    let event = t.sellable_event(&owner, &org, &venue, "Gig").await;
    let event = event["id"].as_str().unwrap().to_string();
    assert_eq!(
        t.put(&format!("/api/v1/orgs/{org}/payment-settings"), &owner, json!({"provider": "sandbox"})).await.status,
        200
    );
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    let types = t.get(&format!("/api/v1/orgs/{org}/events/{event}/ticket-types"), &owner).await;
    let order = t
        .post(
            &format!("/api/v1/events/{event}/orders"),
            &Auth::None,
            json!({"lines": [{"ticket_type_id": types.body[0]["id"], "quantity": 1}], "email": "a@example.org", "name": "Ada"}),
        )
        .await;
    assert_eq!(order.status, 201, "{order:?}");
    for _ in 0..20 {
        if t.app.run_outbox_once().await.unwrap() == 0 {
            break;
        }
    }
    let log = t.get(&format!("{api}/{id}/deliveries"), &owner).await.body;
    let delivery = log[0]["id"].as_str().expect("a delivery").to_string();
    let page = b.get(&here).await;
    assert!(page.html.contains("order.created") && page.html.contains("500"), "{page:?}");
    let again = format!("{here}/deliveries/{delivery}/redeliver");
    let queued = b.post(&again, &[]).await;
    assert_eq!(queued.status, 303, "{queued:?}");
    assert!(
        queued.location() == format!("{here}?done=already-queued#deliveries")
            || queued.location().contains("redelivered")
    );
    assert_eq!(b.post_as(&again, "x", &[]).await.status, 403);
    assert_eq!(b.post(&format!("{here}/deliveries/nope/redeliver"), &[]).await.status, 404);

    // Deleting asks first.
    let confirm = b.get(&format!("{here}/delete")).await;
    assert!(confirm.status == 200 && confirm.html.contains(&url), "{confirm:?}");
    assert_eq!(b.post_as(&format!("{here}/delete"), "x", &[]).await.status, 403);
    assert_eq!(t.get(&api, &owner).await.body.as_array().unwrap().len(), 1);
    let gone = b.post(&format!("{here}/delete"), &[]).await;
    assert_eq!((gone.status, gone.location()), (303, format!("{hooks}?done=endpoint-deleted").as_str()));
    assert_eq!(t.get(&api, &owner).await.body, json!([]));
    assert_eq!(b.get(&here).await.status, 404);

    let staff = member(&t, &owner, &org, "staff@example.org", "staff").await;
    refused_to_others(&t, &hooks, &staff).await;
}

async fn payment_settings_keep_secrets_write_only_and_payouts_stay_within_the_balance() {
    let t = app(test_config()).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    let b = Browser::new(&t, &owner);
    let pay = format!("/dashboard/orgs/{org}/payments");
    let settings = format!("/api/v1/orgs/{org}/payment-settings");
    let page = b.get(&pay).await;
    assert_eq!(page.status, 200, "{page:?}");
    assert!(page.html.contains("Not set up yet") && page.html.contains("/api/v1/payments/stripe/webhook/"), "{page:?}");

    let bad = b.post(&pay, &[("provider", "stripe"), ("manual.due_days", "7"), ("stripe.method.card", "on")]).await;
    assert_eq!(bad.status, 422, "{bad:?}");
    assert!(bad.refuses("stripe.secret_key") && bad.refuses("stripe.webhook_secrets"), "{bad:?}");
    let bad = b
        .post(
            &pay,
            &[
                ("provider", "stripe"),
                ("manual.due_days", "7"),
                ("stripe.secret_key", "pk_oops"),
                ("stripe.webhook_secrets", "whsec_ok\nnope"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422, "{bad:?}");
    assert!(bad.refuses("stripe.secret_key") && bad.refuses("stripe.webhook_secrets"), "{bad:?}");
    assert!(!bad.html.contains("pk_oops") && !bad.html.contains("whsec_ok"), "secrets are never sent back");
    let bad = b.post(&pay, &[("provider", "sandbox"), ("manual.due_days", "0")]).await;
    assert_eq!(bad.status, 422, "{bad:?}");
    assert!(bad.refuses("manual.due_days") && bad.refuses("provider"), "sandbox is off on this server: {bad:?}");
    let bad = b.post(&pay, &[("provider", "manual"), ("manual.due_days", "a week")]).await;
    assert!(bad.status == 422 && bad.refuses("manual.due_days") && bad.html.contains("value=\"a week\""), "{bad:?}");
    assert_eq!(b.post_as(&pay, "x", &[("provider", "manual"), ("manual.due_days", "7")]).await.status, 403);
    assert_eq!(t.get(&settings, &owner).await.body["provider"], "none");

    let saved = b
        .post(&pay, &[("provider", "manual"), ("manual.instructions", "IBAN DE00 <1234>"), ("manual.due_days", "5")])
        .await;
    assert_eq!((saved.status, saved.location()), (303, format!("{pay}?done=payments-saved").as_str()), "{saved:?}");
    let v = t.get(&settings, &owner).await.body;
    assert_eq!((v["provider"].as_str(), v["manual"]["due_days"].as_i64()), (Some("manual"), Some(5)), "{v}");
    assert!(b.get(&pay).await.html.contains("IBAN DE00 &#60;1234&#62;"));
    let stripe = b
        .post(
            &pay,
            &[
                ("provider", "stripe"),
                ("manual.instructions", "IBAN DE00 <1234>"),
                ("manual.due_days", "5"),
                ("stripe.method.card", "on"),
                ("stripe.method.alipay", "on"),
                ("stripe.secret_key", "sk_test_abcdef"),
                ("stripe.webhook_secrets", "whsec_one\r\nwhsec_two\r\n"),
            ],
        )
        .await;
    assert_eq!(stripe.status, 303, "{stripe:?}");
    let v = t.get(&settings, &owner).await.body;
    assert_eq!(
        (v["stripe_secret_key_set"].as_bool(), v["stripe_webhook_secrets"].as_i64()),
        (Some(true), Some(2)),
        "{v}"
    );
    let page = b.get(&pay).await;
    assert!(!page.html.contains("sk_test_abcdef") && !page.html.contains("whsec_one"), "{page:?}");
    assert!(page.html.contains("Secret key (set)") && page.html.contains("2 × set"), "{page:?}");
    // Saved again without secrets: the stored ones stay.
    let kept = b.post(&pay, &[("provider", "stripe"), ("manual.due_days", "5"), ("stripe.method.card", "on")]).await;
    assert_eq!(kept.status, 303, "{kept:?}");
    assert_eq!(t.get(&settings, &owner).await.body["stripe_webhook_secrets"], 2);

    // A sale at the box office, then payouts within what is owed.
    b.post(&pay, &[("provider", "manual"), ("manual.due_days", "5")]).await;
    let venue = t.venue(&owner, &org, "Hall").await;
    let event = t.sellable_event(&owner, &org, &venue, "Gig").await["id"].as_str().unwrap().to_string();
    assert_eq!(t.post(&format!("/api/v1/orgs/{org}/events/{event}/publish"), &owner, json!({})).await.status, 200);
    let types = t.get(&format!("/api/v1/orgs/{org}/events/{event}/ticket-types"), &owner).await;
    let order = t
        .post(
            &format!("/api/v1/events/{event}/orders"),
            &Auth::None,
            json!({"lines": [{"ticket_type_id": types.body[0]["id"], "quantity": 1}], "email": "a@example.org", "name": "Ada"}),
        )
        .await;
    let oid = order.body["id"].as_str().unwrap();
    let paid = t.post(&format!("/api/v1/orgs/{org}/orders/{oid}/mark-paid"), &owner, json!({})).await;
    assert_eq!(paid.status, 200, "{paid:?}");
    assert!(b.get(&pay).await.html.contains("€25.00"));
    let payouts = format!("{pay}/payouts");
    let bad =
        b.post(&payouts, &[("amount", "ten"), ("currency", "EUR"), ("provider", "manual"), ("reference", "T-1")]).await;
    assert!(bad.status == 422 && bad.refuses("amount") && bad.html.contains("value=\"T-1\""), "{bad:?}");
    let bad =
        b.post(&payouts, &[("amount", "10"), ("currency", "EURO"), ("provider", "manual"), ("reference", "T-1")]).await;
    assert!(bad.status == 422 && bad.refuses("currency"), "{bad:?}");
    let bad = b
        .post(&payouts, &[("amount", "30.00"), ("currency", "EUR"), ("provider", "manual"), ("reference", "T-1")])
        .await;
    assert!(bad.status == 422 && bad.refuses("amount") && bad.html.contains("owed"), "{bad:?}");
    let bad =
        b.post(&payouts, &[("amount", "10"), ("currency", "EUR"), ("provider", "manual"), ("reference", "")]).await;
    assert!(bad.status == 422 && bad.refuses("reference"), "{bad:?}");
    assert_eq!(
        b.post_as(
            &payouts,
            "x",
            &[("amount", "10"), ("currency", "EUR"), ("provider", "manual"), ("reference", "T-1")]
        )
        .await
        .status,
        403
    );
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/payouts"), &owner).await.body, json!([]));
    let ok = b
        .post(&payouts, &[("amount", "10.50"), ("currency", "eur"), ("provider", "manual"), ("reference", "T-1")])
        .await;
    assert_eq!(ok.status, 303, "{ok:?}");
    let p = t.get(&format!("/api/v1/orgs/{org}/payouts"), &owner).await.body;
    assert_eq!(p[0]["amount"]["amount_minor"], 1050, "{p}");
    let page = b.get(&pay).await;
    assert!(page.html.contains("€10.50") && page.html.contains("€14.50") && page.html.contains("T-1"), "{page:?}");
    let zh = b.get_with(&pay, "", "zh-CN").await;
    assert!(zh.html.contains("支付服务商") && zh.html.contains("记录结算"), "{zh:?}");

    let staff = member(&t, &owner, &org, "staff@example.org", "staff").await;
    refused_to_others(&t, &pay, &staff).await;
}

async fn the_admin_pages_are_for_platform_admins_only() {
    let t = app(test_config()).await;
    let (owner, org) = t.organizer("owner@example.org", "alpha").await;
    for i in 0..50 {
        let r = t.post("/api/v1/orgs", &owner, json!({"name": format!("Org {i}"), "slug": format!("org-{i}")})).await;
        assert_eq!(r.status, 201, "{r:?}");
    }
    let p = Browser::new(&t, &owner).get("/admin").await;
    assert_eq!(p.status, 403, "{p:?}");
    assert!(p.html.contains("You may not open this page."));
    assert_eq!(Browser::new(&t, &owner).get("/admin/users").await.status, 403);
    let p = Browser::new(&t, &Auth::None).get("/admin").await;
    assert_eq!((p.status, p.location()), (303, "/account/sign-in?next=%2Fadmin"));

    let root = t.register("root@example.org").await;
    t.store.set_platform_admin(root.user_id, true).await.unwrap();
    let b = Browser::new(&t, &Auth::Session(root));
    let first = b.get("/admin").await;
    assert_eq!(first.status, 200, "{first:?}");
    assert!(first.html.contains("alpha") && first.html.contains("href=\"/admin?page=2\""), "{first:?}");
    assert!(first.html.contains(&format!("/dashboard/orgs/{org}/team")), "{first:?}");
    let second = b.get("/admin?page=2").await;
    assert!(
        second.html.contains("href=\"/admin?page=1\"") && !second.html.contains("href=\"/admin?page=3\""),
        "{second:?}"
    );
    assert_eq!(b.get("/admin?page=-4").await.status, 200);
    let users = b.get("/admin/users").await;
    assert!(users.html.contains("root@example.org") && users.html.contains("owner@example.org"), "{users:?}");
    // A platform admin sees any organization's members and roles.
    let team = b.get(&format!("/dashboard/orgs/{org}/team")).await;
    assert!(team.status == 200 && team.html.contains("owner@example.org"), "{team:?}");
    let zh = b.get_with("/admin/users", "", "zh-CN").await;
    assert!(zh.html.contains("平台管理员") && zh.html.contains("用户"), "{zh:?}");
}
