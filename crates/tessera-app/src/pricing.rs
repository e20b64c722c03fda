//! Promotions: managing promo codes and batches of single-use codes. The
//! codes are applied while reserving (`inventory.rs`, decided in the event's
//! inventory batch by `tessera_domain::inventory::decide`).

use crate::secrets::random_bytes;
use crate::{Actor, App, AppError, Result};
use tessera_domain::pricing::{CodeProblem, NewPromoBatch, NewPromoCode, PromoCode, PromoRefusal, normalize_code};
use tessera_domain::{Currency, EventId, MessageKey, Money, OrgId, Permission, PromoCodeId, Timestamp};
pub use tessera_store::pricing::{CounterCouponUse, PromoUse};

/// A coupon taken at a counter: the code, and what the customer bought.
#[derive(Debug, Clone, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CounterCoupon {
    /// The code as scanned or typed (any case).
    #[schema(max_length = 60)]
    pub code: String,
    /// What the purchase costs before the coupon, in minor units of `currency`.
    #[schema(minimum = 1, maximum = 1_000_000_000_000.0)]
    pub purchase_minor: i64,
    /// The purchase's currency; for `amount` and `fixed_price` codes it
    /// must be the code's.
    pub currency: Currency,
    /// What was bought (up to 200 characters).
    #[serde(default)]
    #[schema(max_length = 200)]
    pub note: String,
}

/// A generated batch: the one answer that lists its codes (the CSV export
/// lists them again, with their uses).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct PromoBatch {
    /// Names the batch: `GET .../promo-code-batches/{batch}/csv`.
    pub batch: String,
    pub count: i64,
    pub codes: Vec<String>,
}

fn record(id: PromoCodeId, org: OrgId, input: &NewPromoCode, code: String, now: Timestamp) -> PromoCode {
    PromoCode {
        id,
        org_id: org,
        event_id: input.event_id,
        code,
        description: input.description.trim().to_string(),
        kind: input.kind,
        value: input.value,
        currency: input.currency,
        ticket_type_ids: input.ticket_type_ids.clone(),
        min_quantity: input.min_quantity,
        valid_from: input.valid_from,
        valid_until: input.valid_until,
        max_uses: input.max_uses,
        max_uses_per_customer: input.max_uses_per_customer,
        unlocks_hidden: input.unlocks_hidden,
        channel: input.channel,
        batch: None,
        uses: 0,
        created_at: now,
    }
}

/// A code typed at a counter, checked like one typed at checkout (a
/// generated code's typo is caught before anything is looked up).
fn counter_code(typed: &str) -> Result<String> {
    normalize_code(typed).map_err(|problem| {
        let (id, english) = code_problem(problem);
        AppError::invalid_key("code", MessageKey::new(id), english)
    })
}

fn code_problem(problem: CodeProblem) -> (&'static str, &'static str) {
    match problem {
        CodeProblem::CheckFailed => ("pricing-error-code-typo", "this code has a typo: please check it"),
        CodeProblem::Malformed => ("pricing-error-code-malformed", "not a promo code"),
    }
}

/// A refusal of a code at a counter, naming `code`.
fn refusal(r: PromoRefusal) -> AppError {
    AppError::Rule { code: r.code(), field: "code".into(), message: r.message().into() }
}

/// A CSV field: quoted when it holds a separator, a quote or a line break,
/// and kept from being read as a formula by spreadsheets.
fn csv_field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

impl App {
    /// An event named in a code's body must be one of the organization's.
    async fn check_promo_event(&self, org: OrgId, event: Option<EventId>) -> Result<()> {
        if let Some(e) = event
            && self.store.event(org, e).await?.is_none()
        {
            return Err(AppError::invalid("event_id", "not an event of this organization"));
        }
        Ok(())
    }

    /// The organization's codes; with `event`, that event's and the
    /// organization-wide ones; with `batch`, one generated batch.
    pub async fn promo_codes(
        &self,
        actor: &Actor,
        org: OrgId,
        event: Option<EventId>,
        batch: Option<&str>,
    ) -> Result<Vec<PromoCode>> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        if let Some(e) = event {
            self.store.event(org, e).await?.ok_or(AppError::NotFound)?;
        }
        Ok(self.store.promo_codes(org, event, true, batch).await?)
    }

    pub async fn promo_code(&self, actor: &Actor, org: OrgId, id: PromoCodeId) -> Result<PromoCode> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        self.store.promo_code(org, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn create_promo_code(&self, actor: &Actor, org: OrgId, input: NewPromoCode) -> Result<PromoCode> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        input.validate()?;
        self.check_promo_event(org, input.event_id).await?;
        let code =
            normalize_code(&input.code).map_err(|_| AppError::invalid("code", "3 to 40 letters, digits or _"))?;
        let p = record(PromoCodeId::new(), org, &input, code, self.now());
        self.store.create_promo_codes(std::slice::from_ref(&p)).await?;
        Ok(p)
    }

    /// Replaces a code's settings; its uses stay. Its event cannot change.
    pub async fn replace_promo_code(
        &self,
        actor: &Actor,
        org: OrgId,
        id: PromoCodeId,
        mut input: NewPromoCode,
    ) -> Result<PromoCode> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        let current = self.store.promo_code(org, id).await?.ok_or(AppError::NotFound)?;
        if input.event_id.is_some() && input.event_id != current.event_id {
            return Err(AppError::invalid("event_id", "a code's event cannot change"));
        }
        input.event_id = current.event_id;
        input.validate()?;
        let code =
            normalize_code(&input.code).map_err(|_| AppError::invalid("code", "3 to 40 letters, digits or _"))?;
        // A generated code keeps its form (its check character).
        let code = if current.batch.is_some() { current.code.clone() } else { code };
        let p = PromoCode { batch: current.batch.clone(), ..record(id, org, &input, code, current.created_at) };
        self.store.replace_promo_code(&p).await?;
        self.store.promo_code(org, id).await?.ok_or(AppError::NotFound)
    }

    pub async fn delete_promo_code(&self, actor: &Actor, org: OrgId, id: PromoCodeId) -> Result<()> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        Ok(self.store.delete_promo_code(org, id).await?)
    }

    /// The orders that used a code (usage report).
    pub async fn promo_uses(&self, actor: &Actor, org: OrgId, id: PromoCodeId) -> Result<Vec<PromoUse>> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        self.store.promo_code(org, id).await?.ok_or(AppError::NotFound)?;
        Ok(self.store.promo_uses(org, id).await?)
    }

    /// A code as a counter shows it before taking it: staff who take
    /// money look it up by its text.
    pub async fn counter_coupon_lookup(&self, actor: &Actor, org: OrgId, typed: &str) -> Result<PromoCode> {
        self.authorize(actor, org, Permission::ManageOrders).await?;
        let code = counter_code(typed)?;
        let promo = self.store.promo_code_by_code(org, &code).await?.ok_or_else(|| refusal(PromoRefusal::Unknown))?;
        if !promo.channel.counter() {
            return Err(refusal(PromoRefusal::NotAtCounter));
        }
        Ok(promo)
    }

    /// Takes a coupon at a counter: one of the code's uses, for good.
    /// `request_key` (the request's Idempotency-Key, or the form's key)
    /// makes a repeat answer the first redemption and take nothing more.
    pub async fn redeem_coupon_at_counter(
        &self,
        actor: &Actor,
        org: OrgId,
        input: CounterCoupon,
        request_key: Option<&str>,
    ) -> Result<CounterCouponUse> {
        self.authorize(actor, org, Permission::ManageOrders).await?;
        let mut e = tessera_domain::ValidationError::new();
        let code = normalize_code(&input.code);
        if let Err(problem) = code {
            let (id, english) = code_problem(problem);
            e.add_key("code", MessageKey::new(id), english);
        }
        let max = tessera_domain::catalog::MAX_PRICE_MINOR;
        let key = MessageKey::new("errors-range").num("min", 1).num("max", max);
        e.check_key((1..=max).contains(&input.purchase_minor), "purchase_minor", key, "more than zero");
        tessera_domain::validation::check_text(&mut e, "note", &input.note, 0, 200);
        e.finish()?;
        let code = code.unwrap_or_default();
        let purchase = Money::new(input.purchase_minor, input.currency);
        let who = crate::inventory::actor_name(actor);
        match self
            .store
            .redeem_coupon_at_counter(org, &code, purchase, &who, input.note.trim(), request_key, self.now())
            .await?
        {
            Ok((_, used)) => Ok(used),
            Err(PromoRefusal::NotApplicable) => Err(AppError::Rule {
                code: PromoRefusal::NotApplicable.code(),
                field: "currency".into(),
                message: "this code is for purchases in another currency".into(),
            }),
            Err(r) => Err(refusal(r)),
        }
    }

    /// A code's counter redemptions (usage report), newest first.
    pub async fn counter_coupon_uses(
        &self,
        actor: &Actor,
        org: OrgId,
        id: PromoCodeId,
    ) -> Result<Vec<CounterCouponUse>> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        self.store.promo_code(org, id).await?.ok_or(AppError::NotFound)?;
        Ok(self.store.counter_coupon_uses(org, id).await?)
    }

    /// Generates `count` single-use codes with a check character, stored in
    /// one transaction (a code that happens to exist already makes the
    /// batch try again with fresh codes).
    pub async fn generate_promo_batch(&self, actor: &Actor, org: OrgId, input: NewPromoBatch) -> Result<PromoBatch> {
        self.authorize(actor, org, Permission::ManageCatalog).await?;
        input.validate()?;
        self.check_promo_event(org, input.event_id).await?;
        let prefix = input.prefix.trim().to_uppercase();
        let settings = input.settings();
        let now = self.now();
        for _ in 0..3 {
            let batch = uuid::Uuid::now_v7().to_string();
            let mut seen = std::collections::HashSet::new();
            let mut codes = Vec::with_capacity(input.count as usize);
            while codes.len() < input.count as usize {
                let code = tessera_domain::pricing::generated_code(&prefix, &random_bytes::<11>());
                if seen.insert(code.clone()) {
                    let p = record(PromoCodeId::new(), org, &settings, code, now);
                    codes.push(PromoCode { batch: Some(batch.clone()), ..p });
                }
            }
            match self.store.create_promo_codes(&codes).await {
                Ok(()) => {
                    return Ok(PromoBatch {
                        batch,
                        count: input.count,
                        codes: codes.into_iter().map(|c| c.code).collect(),
                    });
                }
                Err(tessera_store::StoreError::Conflict { .. }) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        Err(AppError::Internal("could not generate unused codes".into()))
    }

    /// A batch's codes as CSV: `code,event_id,kind,value,currency,valid_from,valid_until,uses`.
    pub async fn promo_batch_csv(&self, actor: &Actor, org: OrgId, batch: &str) -> Result<String> {
        self.authorize(actor, org, Permission::ViewCatalog).await?;
        let codes = self.store.promo_codes(org, None, true, Some(batch)).await?;
        if codes.is_empty() {
            return Err(AppError::NotFound);
        }
        let mut out = String::from("code,event_id,kind,value,currency,valid_from,valid_until,uses\r\n");
        for c in codes {
            let row = [
                c.code,
                c.event_id.map(|e| e.to_string()).unwrap_or_default(),
                c.kind.as_str().to_string(),
                c.value.to_string(),
                c.currency.map(|c| c.to_string()).unwrap_or_default(),
                c.valid_from.map(|t| t.to_string()).unwrap_or_default(),
                c.valid_until.map(|t| t.to_string()).unwrap_or_default(),
                c.uses.to_string(),
            ];
            out.push_str(&row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
            out.push_str("\r\n");
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_fields_are_quoted_and_defused() {
        assert_eq!(super::csv_field("A-1"), "A-1");
        assert_eq!(super::csv_field("a,b"), "\"a,b\"");
        assert_eq!(super::csv_field("=cmd()"), "'=cmd()");
        assert_eq!(super::csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }
}
