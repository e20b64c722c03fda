//! A browser without scripts, for the UI's pages: it keeps cookies, posts
//! forms with their CSRF field, and does not follow redirects (tests look
//! at them).

use std::collections::BTreeMap;

pub struct Browser {
    base: String,
    client: reqwest::Client,
    cookies: BTreeMap<String, String>,
}

pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub content_type: String,
    pub html: String,
}

impl Page {
    /// The value of the first hidden CSRF field.
    pub fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let at = self.html.find(marker).unwrap_or_else(|| panic!("no CSRF field in {}", self.html)) + marker.len();
        self.html[at..].split('"').next().unwrap_or_default().to_string()
    }
}

impl Browser {
    pub fn new(base: &str) -> Self {
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
        Self { base: base.to_string(), client, cookies: BTreeMap::new() }
    }

    fn cookie_header(&self) -> String {
        self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("; ")
    }

    async fn finish(&mut self, res: reqwest::Response) -> Page {
        for v in res.headers().get_all("set-cookie").iter().filter_map(|v| v.to_str().ok()) {
            let pair = v.split(';').next().unwrap_or_default();
            if let Some((k, val)) = pair.split_once('=') {
                if val.is_empty() || v.contains("Max-Age=0") {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_string(), val.to_string());
                }
            }
        }
        let status = res.status().as_u16();
        let location = res.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_string);
        let content_type =
            res.headers().get("content-type").and_then(|l| l.to_str().ok()).unwrap_or_default().to_string();
        let html = res.text().await.unwrap_or_default();
        Page { status, location, content_type, html }
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let res = self
            .client
            .get(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("GET");
        self.finish(res).await
    }

    /// Posts form fields as a browser would (repeated names allowed).
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Page {
        let body: String = form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
        let res = self
            .client
            .post(format!("{}{path}", self.base))
            .header("cookie", self.cookie_header())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .expect("POST");
        self.finish(res).await
    }

    /// Opens `page`, then posts `fields` to `action` with the page's CSRF token.
    pub async fn submit(&mut self, page: &str, action: &str, fields: &[(&str, &str)]) -> Page {
        let csrf = self.get(page).await.csrf();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post(action, &all).await
    }

    /// Signs in through the sign-in form.
    pub async fn sign_in(&mut self, email: &str, password: &str) {
        let p = self
            .submit(
                "/account/sign-in",
                "/account/sign-in",
                &[("email", email), ("password", password), ("next", "/dashboard")],
            )
            .await;
        assert_eq!(p.status, 303, "{}", p.html);
    }
}
