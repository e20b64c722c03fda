//! Stripe's request bodies: `application/x-www-form-urlencoded` with nested
//! fields in bracket notation (`line_items[0][price_data][currency]=eur`).

/// An ordered list of form fields. Order is kept so that the same request
/// always encodes to the same bytes (Stripe compares a retried request's
/// parameters with the first one under the same `Idempotency-Key`).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Form {
    pairs: Vec<(String, String)>,
}

impl Form {
    pub(crate) fn push(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.pairs.push((key.into(), value.into()));
    }

    /// `metadata[key]=value` for each entry, in the order given.
    pub(crate) fn push_metadata<'a>(&mut self, entries: impl IntoIterator<Item = (&'a str, &'a str)>) {
        for (key, value) in entries {
            self.push(format!("metadata[{key}]"), value);
        }
    }

    #[cfg(test)]
    pub(crate) fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The body: every key and value percent-encoded (brackets included,
    /// which Stripe decodes like any other character).
    pub(crate) fn encode(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (key, value) in &self.pairs {
            out.append_pair(key, value);
        }
        out.finish()
    }
}

/// Decodes a form body into its pairs, in order (used by the stand-in and
/// by tests).
#[cfg_attr(not(any(test, feature = "testing")), allow(dead_code))]
pub(crate) fn decode(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brackets_and_reserved_characters_survive_a_round_trip() {
        let mut form = Form::default();
        form.push("line_items[0][price_data][currency]", "eur");
        form.push("success_url", "https://shop.example/ok?order=1&x=a b");
        form.push_metadata([("order_id", "ord_1"), ("note", "ü+=&")]);
        let body = form.encode();
        assert!(body.starts_with("line_items%5B0%5D%5Bprice_data%5D%5Bcurrency%5D=eur&"));
        assert!(body.contains("success_url=https%3A%2F%2Fshop.example%2Fok%3Forder%3D1%26x%3Da+b"));
        assert_eq!(decode(body.as_bytes()), form.pairs());
    }
}
