//! Pages on templates: the shell every page extends (`templates/base.html`),
//! the text of the catalogs in templates, and the short message pages.
//!
//! A page is a struct deriving [`askama::Template`] with a `shell: Shell`
//! field and its own data; its template extends `base.html`, escapes every
//! value automatically, and takes its words from the catalogs
//! (`tessera-i18n`) with `{{ t("id") }}`, in the request's language
//! (messages with arguments get a method here when a page first needs one). [`render`] turns it into a
//! response with the UI's headers.

use super::{CSP, Extras, assets, lang, viewer};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use tessera_i18n::Locale;

/// What every template can call, in the request's language. A module with
/// templates imports it (`use super::shell::Text`): the templates' calls
/// are method calls on the page.
#[allow(dead_code, reason = "t1 and t2 serve the pages moving to templates next")]
pub(crate) trait Text {
    /// The catalog's message `id`.
    fn t(&self, id: &str) -> String {
        tessera_i18n::t(lang(), id)
    }

    /// The catalog's message `id` with one argument: `{{ t1("id", "name", value) }}`.
    fn t1(&self, id: &str, name: &str, value: impl Arg) -> String {
        tessera_i18n::t_args(lang(), id, &[(name, value.fluent())])
    }

    /// The catalog's message `id` with two arguments.
    fn t2(&self, id: &str, n1: &str, v1: impl Arg, n2: &str, v2: impl Arg) -> String {
        tessera_i18n::t_args(lang(), id, &[(n1, v1.fluent()), (n2, v2.fluent())])
    }

    /// The messages for field `name` among a form's errors.
    fn errors_for<'e>(&self, errors: &'e [(String, String)], name: &str) -> Vec<&'e str> {
        errors
            .iter()
            .filter(|(f, _)| f == name || f.starts_with(&format!("{name}.")) || f.starts_with(&format!("{name}[")))
            .map(|(_, m)| m.as_str())
            .collect()
    }
}

impl<T: askama::Template> Text for T {}

/// A value a message's argument can take: text, or a number (which picks
/// the plural form).
pub(crate) trait Arg {
    fn fluent(self) -> tessera_i18n::FluentValue<'static>;
}

impl Arg for &str {
    fn fluent(self) -> tessera_i18n::FluentValue<'static> {
        self.to_string().into()
    }
}

impl Arg for &String {
    fn fluent(self) -> tessera_i18n::FluentValue<'static> {
        self.clone().into()
    }
}

impl Arg for String {
    fn fluent(self) -> tessera_i18n::FluentValue<'static> {
        self.into()
    }
}

macro_rules! number_arg {
    ($($ty:ty),*) => {$(
        impl Arg for $ty {
            fn fluent(self) -> tessera_i18n::FluentValue<'static> {
                self.into()
            }
        }
        impl Arg for &$ty {
            fn fluent(self) -> tessera_i18n::FluentValue<'static> {
                (*self).into()
            }
        }
    )*};
}
number_arg!(i32, i64, u32, u64, usize);

/// The message `id` with arguments, for Rust code that fills a template's data.
#[allow(dead_code, reason = "serves the pages moving to templates next")]
pub(crate) fn t_args(id: &str, args: &[(&str, tessera_i18n::FluentValue<'_>)]) -> String {
    tessera_i18n::t_args(lang(), id, args)
}

/// The message `id` in the request's language, for Rust code that fills a
/// template's data.
pub(crate) fn t(id: &str) -> String {
    tessera_i18n::t(lang(), id)
}

/// What a refused form sent, for its template to fill the form again:
/// `{{ values.v("email") }}`.
pub(crate) struct Filled<'a>(pub &'a std::collections::HashMap<String, String>);

impl Filled<'_> {
    /// The value sent for `name`, or nothing.
    pub(crate) fn v(&self, name: &str) -> &str {
        self.0.get(name).map(String::as_str).unwrap_or("")
    }
}

/// A link of the main navigation.
pub(crate) struct NavLink {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// The organization's sections in the dashboard, for the `org_tabs`
/// component of `components.html`: `{% call c::org_tabs(tabs) %}{% endcall %}`.
#[allow(dead_code, reason = "the dashboard's pages move to templates next")]
pub(crate) struct OrgTabs {
    pub org_name: String,
    /// (href, label, current) of each section.
    pub tabs: Vec<(String, String, bool)>,
}

#[allow(dead_code, reason = "the dashboard's pages move to templates next")]
impl OrgTabs {
    /// The sections of organization `org`, the one named `current` marked
    /// (overview, events, orders, venues, team, tokens, webhooks, payments, invoices).
    pub(crate) fn new(org: tessera_domain::OrgId, org_name: &str, current: &str) -> OrgTabs {
        let sections = [
            ("overview", "/overview", "shell-tab-overview"),
            ("events", "", "shell-tab-events"),
            ("orders", "/orders", "shell-tab-orders"),
            ("venues", "/venues", "shell-tab-venues"),
            ("team", "/team", "shell-tab-team"),
            ("tokens", "/tokens", "shell-tab-tokens"),
            ("webhooks", "/webhooks", "shell-tab-webhooks"),
            ("payments", "/payments", "shell-tab-payments"),
            ("invoices", "/invoices", "invoices-tab"),
            ("giftcards", "/gift-cards", "shell-tab-giftcards"),
            ("loyalty", "/loyalty", "shell-tab-loyalty"),
            ("memberships", "/memberships", "members-tab"),
        ];
        OrgTabs {
            org_name: org_name.to_string(),
            tabs: sections
                .iter()
                .map(|(key, path, label)| (format!("/dashboard/orgs/{org}{path}"), t(label), *key == current))
                .collect(),
        }
    }
}

/// What the shell shows around a page.
pub(crate) struct Shell {
    pub title: String,
    pub lang: &'static str,
    pub css: String,
    pub scripts: Vec<String>,
    /// The session's token for scripts calling the JSON API.
    pub csrf: Option<String>,
    pub wide: bool,
    pub nav: Vec<NavLink>,
    pub switch_href: &'static str,
    pub switch_lang: &'static str,
    pub switch_label: &'static str,
    /// Payments go to the sandbox: say so on every page.
    pub test_mode: bool,
}

impl Shell {
    /// The shell for the current request's viewer and language.
    pub(crate) fn new(title: impl Into<String>, extras: &Extras<'_>) -> Shell {
        let viewer = viewer();
        let ctx = super::site();
        let mut nav = vec![NavLink { href: "/", label: t("shell-events"), current: false }];
        match &viewer {
            Some(v) => {
                nav.push(NavLink { href: "/account", label: t("shell-my-tickets"), current: false });
                // Buyers see their tickets; the tools are for organizations' staff.
                if v.staff {
                    nav.push(NavLink { href: "/dashboard", label: t("shell-dashboard"), current: false });
                    nav.push(NavLink { href: "/scan", label: t("shell-scanner"), current: false });
                }
                if v.user.is_platform_admin {
                    nav.push(NavLink { href: "/admin", label: t("shell-admin"), current: false });
                }
            }
            None => nav.push(NavLink { href: "/account/sign-in", label: t("shell-sign-in"), current: false }),
        }
        let (switch_href, switch_lang, switch_label) = match lang() {
            Locale::ZhCn => ("?lang=en", "en", "English"),
            Locale::En => ("?lang=zh-CN", "zh-CN", "中文"),
        };
        Shell {
            title: title.into(),
            lang: lang().tag(),
            css: assets::url("app.css"),
            scripts: extras.scripts.iter().map(|s| assets::url(s)).collect(),
            csrf: viewer.as_ref().map(|v| v.api_csrf.clone()),
            wide: extras.wide,
            nav,
            switch_href,
            switch_lang,
            switch_label,
            test_mode: ctx.test_mode,
        }
    }
}

/// A rendered page with the UI's headers: the content security policy, no
/// caching, and the cookies to set.
pub(crate) fn render(status: StatusCode, page: &impl askama::Template, cookies: &[String]) -> Response {
    let html = match page.render() {
        Ok(h) => h,
        Err(e) => {
            tracing::error!(error = %e, "a page did not render");
            return (StatusCode::INTERNAL_SERVER_ERROR, "something went wrong on our side").into_response();
        }
    };
    let mut res = (status, Html(html)).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            h.append(header::SET_COOKIE, v);
        }
    }
    res
}

/// A short page: what happened, and a link to go on.
#[derive(askama::Template)]
#[template(path = "shell/message.html")]
pub(crate) struct Message {
    pub shell: Shell,
    pub paragraphs: Vec<String>,
    pub link: Option<(String, String)>,
}

/// A message page titled by the catalog's `title`, saying `paragraphs`,
/// with an optional (href, label) link.
pub(crate) fn message(
    status: StatusCode,
    title: &str,
    paragraphs: Vec<String>,
    link: Option<(String, String)>,
) -> Response {
    let page = Message { shell: Shell::new(t(title), &Extras::default()), paragraphs, link };
    render(status, &page, &[])
}

#[cfg(test)]
mod tests {
    /// Every string in the UI's templates and Rust code that has the shape of
    /// a catalog id (`area-name`, for the catalogs' areas) is a message of
    /// the catalogs: a template cannot ask for text that is not there.
    #[test]
    fn every_catalog_id_the_ui_uses_exists() {
        const AREAS: [&str; 24] = [
            "common",
            "shell",
            "errors",
            "storefront",
            "account",
            "dashboard",
            "orders",
            "settings",
            "security",
            "seats",
            "scanner",
            "tickets",
            "mail",
            "pricing",
            "giftcards",
            "developers",
            "admin",
            "invoices",
            "transfers",
            "loyalty",
            "waitlist",
            "series",
            "members",
            "resale",
        ];
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        let mut dirs = vec![root.join("templates"), root.join("src/ui")];
        while let Some(d) = dirs.pop() {
            for e in std::fs::read_dir(&d).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    dirs.push(p);
                } else if p.extension().is_some_and(|x| x == "html" || x == "rs") {
                    files.push(p);
                }
            }
        }
        let mut checked = 0;
        let mut missing = Vec::new();
        for f in &files {
            let text = std::fs::read_to_string(f).unwrap();
            // Every run of text between two double quotes; ids are quoted
            // in both Rust and templates, and nothing else has their shape.
            let parts: Vec<&str> = text.split('"').collect();
            for literal in parts.iter().skip(1).take(parts.len().saturating_sub(2)).copied() {
                let Some((area, rest)) = literal.split_once('-') else { continue };
                let shaped = AREAS.contains(&area)
                    && !rest.is_empty()
                    && rest.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                if shaped {
                    checked += 1;
                    if !tessera_i18n::exists(literal) {
                        missing.push(format!("{}: {literal}", f.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "ids not in the catalogs: {missing:#?}");
        assert!(checked > 20, "the scan found the ids in use ({checked})");
    }
}
