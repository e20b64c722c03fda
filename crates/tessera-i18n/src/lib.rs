//! Languages and translation catalogs.
//!
//! Every text a person reads (pages, e-mails, PDFs, error messages) is a
//! message in a [Fluent](https://projectfluent.org) catalog under
//! `locales/<language>/<area>.ftl`, looked up by id with [`t`] or, with
//! arguments (names, numbers that choose a plural form), [`t_args`]. The
//! catalogs are compiled into the binary. Tests here check that both
//! languages have the same ids with the same arguments and that every file
//! parses; tests of the crates that use them check that every id they use
//! exists.

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource};
use std::borrow::Cow;
use std::sync::LazyLock;

pub use fluent_bundle::FluentValue;

/// The languages Tessera speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize)]
pub enum Locale {
    #[default]
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::ZhCn];

    /// Maps a BCP 47 tag (`zh-CN`, `zh`, `zh_Hans_SG`, `en-GB`, …) to a locale,
    /// by its primary language: every Chinese tag gets Simplified Chinese (the
    /// only Chinese written here), anything else or garbage gets English.
    pub fn from_tag(tag: &str) -> Locale {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("zh") { Locale::ZhCn } else { Locale::En }
    }

    /// The tag for `<html lang>` and `Content-Language`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    fn index(self) -> usize {
        match self {
            Locale::En => 0,
            Locale::ZhCn => 1,
        }
    }
}

/// One catalog file: (area, Fluent source).
type File = (&'static str, &'static str);

macro_rules! catalogs {
    ($lang:literal: $($area:literal),* $(,)?) => {
        &[$(($area, include_str!(concat!("../locales/", $lang, "/", $area, ".ftl")))),*]
    };
}

/// The catalog files of each language, by area. Both languages list the same areas.
pub const FILES: [(Locale, &[File]); 2] = [
    (
        Locale::En,
        catalogs!("en": "common", "shell", "errors", "storefront", "account", "dashboard", "orders", "settings", "security", "seats", "scanner", "tickets", "mail", "pricing", "giftcards", "developers", "admin", "invoices", "transfers", "loyalty", "series", "waitlist", "members", "resale"),
    ),
    (
        Locale::ZhCn,
        catalogs!("zh-CN": "common", "shell", "errors", "storefront", "account", "dashboard", "orders", "settings", "security", "seats", "scanner", "tickets", "mail", "pricing", "giftcards", "developers", "admin", "invoices", "transfers", "loyalty", "series", "waitlist", "members", "resale"),
    ),
];

static BUNDLES: LazyLock<Vec<FluentBundle<FluentResource>>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(locale, files)| {
            let lang: unic_langid::LanguageIdentifier = locale.tag().parse().expect("a valid language tag");
            let mut bundle = FluentBundle::new_concurrent(vec![lang]);
            // No Unicode isolation marks around arguments: the text goes
            // into HTML, e-mails and PDFs, where they show as stray glyphs.
            bundle.set_use_isolating(false);
            for (area, source) in files.iter() {
                // The tests refuse files with errors; a release keeps what parsed.
                let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, errors)| {
                    tracing::error!(?errors, area, locale = locale.tag(), "catalog file has errors");
                    r
                });
                if let Err(errors) = bundle.add_resource(resource) {
                    tracing::error!(?errors, area, locale = locale.tag(), "catalog file repeats ids");
                }
            }
            bundle
        })
        .collect()
});

/// The message `id` in `locale`. An unknown id (the tests keep them out)
/// comes back as the id itself, so that it is noticed, not hidden.
pub fn t(locale: Locale, id: &str) -> String {
    format(locale, id, None)
}

/// The message `id` with arguments: `t_args(l, "tickets-left", &[("count", 3.into())])`.
pub fn t_args(locale: Locale, id: &str, args: &[(&str, FluentValue<'_>)]) -> String {
    let mut fa = FluentArgs::with_capacity(args.len());
    for (k, v) in args {
        fa.set(*k, v.clone());
    }
    format(locale, id, Some(&fa))
}

fn format(locale: Locale, id: &str, args: Option<&FluentArgs<'_>>) -> String {
    let bundle = &BUNDLES[locale.index()];
    let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) else {
        tracing::warn!(id, locale = locale.tag(), "no such message");
        return id.to_string();
    };
    let mut errors = Vec::new();
    let text: Cow<'_, str> = bundle.format_pattern(pattern, args, &mut errors);
    if !errors.is_empty() {
        tracing::warn!(id, ?errors, "message formatted with errors");
    }
    text.into_owned()
}

/// Whether `id` is a message of the catalogs.
pub fn exists(id: &str) -> bool {
    BUNDLES[0].has_message(id)
}

/// Every message id of `locale`'s catalogs, with the names of the
/// arguments it uses (`$name`), in file order.
pub fn messages(locale: Locale) -> Vec<(String, Vec<String>)> {
    use fluent_syntax::ast;
    let mut out = Vec::new();
    for (l, files) in FILES {
        if l != locale {
            continue;
        }
        for (_, source) in files.iter() {
            let Ok(resource) = FluentResource::try_new(source.to_string()) else { continue };
            for entry in resource.entries() {
                if let ast::Entry::Message(m) = entry {
                    let mut vars = Vec::new();
                    if let Some(p) = &m.value {
                        pattern_vars(p, &mut vars);
                    }
                    vars.sort();
                    vars.dedup();
                    out.push((m.id.name.to_string(), vars));
                }
            }
        }
    }
    out
}

fn pattern_vars(p: &fluent_syntax::ast::Pattern<&str>, out: &mut Vec<String>) {
    use fluent_syntax::ast::{Expression, InlineExpression, PatternElement};
    fn inline(e: &InlineExpression<&str>, out: &mut Vec<String>) {
        match e {
            InlineExpression::VariableReference { id } => out.push(id.name.to_string()),
            InlineExpression::Placeable { expression } => expr(expression, out),
            InlineExpression::FunctionReference { arguments, .. } => {
                for a in &arguments.positional {
                    inline(a, out);
                }
            }
            _ => {}
        }
    }
    fn expr(e: &Expression<&str>, out: &mut Vec<String>) {
        match e {
            Expression::Inline(i) => inline(i, out),
            Expression::Select { selector, variants } => {
                inline(selector, out);
                for v in variants {
                    pattern_vars(&v.value, out);
                }
            }
        }
    }
    for el in &p.elements {
        if let PatternElement::Placeable { expression } = el {
            expr(expression, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_parses_and_no_id_repeats() {
        for (locale, files) in FILES {
            let mut seen = std::collections::HashSet::new();
            for (area, source) in files.iter() {
                if let Err((_, errors)) = FluentResource::try_new(source.to_string()) {
                    panic!("{}/{area}.ftl: {errors:?}", locale.tag());
                }
            }
            for (id, _) in messages(locale) {
                assert!(seen.insert(id.clone()), "{}: {id} is defined twice", locale.tag());
            }
        }
    }

    #[test]
    fn both_languages_have_the_same_messages_with_the_same_arguments() {
        let en = messages(Locale::En);
        let zh = messages(Locale::ZhCn);
        let zh_map: std::collections::HashMap<_, _> = zh.iter().cloned().collect();
        let en_map: std::collections::HashMap<_, _> = en.iter().cloned().collect();
        let missing: Vec<_> = en.iter().filter(|(id, _)| !zh_map.contains_key(id)).map(|(id, _)| id).collect();
        assert!(missing.is_empty(), "no Chinese for: {missing:?}");
        let extra: Vec<_> = zh.iter().filter(|(id, _)| !en_map.contains_key(id)).map(|(id, _)| id).collect();
        assert!(extra.is_empty(), "Chinese only: {extra:?}");
        for (id, vars) in &en {
            assert_eq!(&zh_map[id], vars, "{id}: the languages use different arguments");
        }
    }

    #[test]
    fn messages_format_with_arguments_and_plurals() {
        assert_eq!(t(Locale::En, "shell-events"), "Events");
        assert_eq!(t(Locale::ZhCn, "shell-events"), "活动");
        let one = t_args(Locale::En, "common-tickets-count", &[("count", 1.into())]);
        let many = t_args(Locale::En, "common-tickets-count", &[("count", 3.into())]);
        assert_eq!((one.as_str(), many.as_str()), ("1 ticket", "3 tickets"));
        assert_eq!(t_args(Locale::ZhCn, "common-tickets-count", &[("count", 3.into())]), "3 张门票");
        assert_eq!(t(Locale::En, "no-such-message"), "no-such-message", "unknown ids show themselves");
        assert!(exists("shell-events") && !exists("no-such-message"));
    }

    #[test]
    fn tags_map_to_locales() {
        assert_eq!(Locale::from_tag("zh_Hans_SG"), Locale::ZhCn);
        assert_eq!(Locale::from_tag("en-GB"), Locale::En);
        assert_eq!(Locale::from_tag("\u{0}garbage"), Locale::En);
        assert_eq!(Locale::ZhCn.tag(), "zh-CN");
    }
}
