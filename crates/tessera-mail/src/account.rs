//! The mails about a person's account rather than an order: a password
//! reset link, an address verification link, an invitation into an
//! organization. Their words are in the `mail.ftl` catalog (`mail-reset-`,
//! `mail-verify-`, `mail-invite-`).

use tessera_i18n::{FluentValue, t, t_args};

use crate::Locale;
use crate::mail::Mail;
use crate::render::{Block, Doc};

/// What an account mail says; every URL is absolute `http(s)`, every text
/// untrusted (escaped where it lands).
#[derive(Debug, Clone, PartialEq)]
pub enum AccountMail {
    /// A link to choose a new password, valid for `valid_minutes`.
    PasswordReset { url: String, valid_minutes: i64 },
    /// A link that proves the address belongs to the account holder.
    VerifyEmail { url: String, valid_minutes: i64 },
    /// An invitation to join `org_name` with `role` (`owner`, `admin`,
    /// `staff` or `scanner`), valid for `valid_days`.
    Invitation { org_name: String, inviter_name: String, role: String, url: String, valid_days: i64 },
}

impl AccountMail {
    pub(crate) fn url(&self) -> &str {
        match self {
            AccountMail::PasswordReset { url, .. }
            | AccountMail::VerifyEmail { url, .. }
            | AccountMail::Invitation { url, .. } => url,
        }
    }
}

/// "Hello," or "Hello {name},": `anonymous` and `named` are the ids of the two.
fn greeting(l: Locale, name: &str, anonymous: &str, named: &str) -> Block {
    match name.trim() {
        "" => Block::Para(t(l, anonymous)),
        name => Block::Para(t_args(l, named, &[("name", FluentValue::from(name.to_owned()))])),
    }
}

fn role_name(l: Locale, role: &str) -> String {
    match role {
        "owner" => t(l, "mail-invite-role-owner"),
        "admin" => t(l, "mail-invite-role-admin"),
        "staff" => t(l, "mail-invite-role-staff"),
        "scanner" => t(l, "mail-invite-role-scanner"),
        other => other.to_owned(),
    }
}

pub(crate) fn build(mail: &Mail, a: &AccountMail) -> Doc {
    let l = mail.locale;
    let site = "Tessera".to_owned();
    let name = mail.to_name.as_str();
    match a {
        AccountMail::PasswordReset { url, valid_minutes } => Doc {
            locale: l,
            title: t(l, "mail-reset-subject"),
            org_name: site,
            heading: t(l, "mail-reset-heading"),
            blocks: vec![
                greeting(l, name, "mail-reset-hello", "mail-reset-hello-name"),
                Block::Para(t(l, "mail-reset-body")),
                Block::Button { label: t(l, "mail-reset-button"), url: url.clone() },
                Block::Para(t_args(l, "mail-reset-expiry", &[("minutes", (*valid_minutes).into())])),
                Block::Para(t(l, "mail-reset-ignore")),
            ],
            footer: t(l, "mail-reset-footer"),
        },
        AccountMail::VerifyEmail { url, valid_minutes } => Doc {
            locale: l,
            title: t(l, "mail-verify-subject"),
            org_name: site,
            heading: t(l, "mail-verify-heading"),
            blocks: vec![
                greeting(l, name, "mail-verify-hello", "mail-verify-hello-name"),
                Block::Para(t(l, "mail-verify-body")),
                Block::Button { label: t(l, "mail-verify-button"), url: url.clone() },
                Block::Para(t_args(l, "mail-verify-expiry", &[("minutes", (*valid_minutes).into())])),
                Block::Para(t(l, "mail-verify-ignore")),
            ],
            footer: t(l, "mail-verify-footer"),
        },
        AccountMail::Invitation { org_name, inviter_name, role, url, valid_days } => {
            let org = || FluentValue::from(org_name.clone());
            Doc {
                locale: l,
                title: t_args(l, "mail-invite-subject", &[("org", org())]),
                org_name: org_name.clone(),
                heading: t_args(l, "mail-invite-heading", &[("org", org())]),
                blocks: vec![
                    greeting(l, name, "mail-invite-hello", "mail-invite-hello-name"),
                    Block::Para(t_args(
                        l,
                        "mail-invite-body",
                        &[
                            ("inviter", FluentValue::from(inviter_name.clone())),
                            ("org", org()),
                            ("role", FluentValue::from(role_name(l, role))),
                        ],
                    )),
                    Block::Button { label: t(l, "mail-invite-button"), url: url.clone() },
                    Block::Para(t_args(l, "mail-invite-expiry", &[("days", (*valid_days).into())])),
                    Block::Para(t(l, "mail-invite-ignore")),
                ],
                footer: t(l, "mail-invite-footer"),
            }
        }
    }
}
