//! The pages for integrators and platform administrators on the catalogs:
//! API tokens, webhook endpoints, the administration's lists and the API
//! reference. A Chinese session reads them without English left over; a bad
//! token or webhook form is refused on the field at fault with nothing
//! written.

use crate::browser::{Browser, Page};
use crate::helpers::*;
use serde_json::json;
use tessera_i18n::Locale;

crate::on_both_backends!(
    developer_and_admin_pages_read_in_chinese,
    bad_token_and_webhook_forms_name_the_field_and_write_nothing,
);

const PASSWORD: &str = "correct horse battery";

/// A Chinese page showing no English message (longer than a word) of the
/// catalog `areas`.
fn assert_chinese(path: &str, p: &Page, areas: &[&str]) {
    assert_eq!(p.status, 200, "{path}: {}", p.html);
    assert!(p.html.contains("<html lang=\"zh-CN\">"), "{path}: {}", p.html);
    let mut checked = 0;
    for (id, args) in tessera_i18n::messages(Locale::En) {
        if !areas.iter().any(|a| id.starts_with(&format!("{a}-"))) || !args.is_empty() {
            continue;
        }
        let english = tessera_i18n::t(Locale::En, &id);
        if english.len() > 8 && english != tessera_i18n::t(Locale::ZhCn, &id) {
            checked += 1;
            assert!(!p.html.contains(&english), "{path} shows {id} in English ({english:?}):\n{}", p.html);
        }
    }
    assert!(checked > 10, "the catalogs' English was looked for ({checked})");
}

/// The form field `name` is marked wrong, its message shown and linked from
/// the summary at the top.
fn refuses(p: &Page, name: &str) -> bool {
    p.html.contains(&format!("id=\"{name}-error\""))
        && p.html.contains(&format!("aria-describedby=\"{name}-error\""))
        && p.html.contains(&format!("href=\"#{name}\""))
}

async fn developer_and_admin_pages_read_in_chinese() {
    let t = spawn_app_on(&DB.with(Clone::clone), test_config(), tessera_web::WebConfig::default()).await;
    let owner = t.register("owner@zh.example.org").await;
    t.store.set_platform_admin(owner.user_id, true).await.unwrap();
    let owner = Auth::Session(owner);
    let r = t.post("/api/v1/orgs", &owner, json!({"name": "天桥剧场", "slug": "tianqiao"})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let org = r.body["id"].as_str().unwrap().to_string();
    let tokens = format!("/dashboard/orgs/{org}/tokens");
    let hooks = format!("/dashboard/orgs/{org}/webhooks");

    let mut b = Browser::new(&t.base);
    b.sign_in("owner@zh.example.org", PASSWORD).await;
    let empty = b.get(&format!("{tokens}?lang=zh-CN")).await;
    assert!(empty.html.contains("还没有 API 令牌。"), "{}", empty.html);
    assert_chinese(&tokens, &empty, &["developers"]);

    // A token made on the page: its secret shown once, in Chinese.
    let made = b.submit(&tokens, &tokens, &[("name", "售票机"), ("role", "staff"), ("expires_in_days", "30")]).await;
    assert_eq!(made.status, 303, "{}", made.html);
    let shown = b.get(made.location.as_deref().unwrap()).await;
    assert!(shown.html.contains("id=\"new-secret\"") && shown.html.contains("请立即复制"), "{}", shown.html);
    assert!(shown.html.contains("令牌已创建。") && shown.html.contains("工作人员"), "{}", shown.html);
    assert_chinese(&tokens, &shown, &["developers"]);
    let list = b.get(&tokens).await;
    assert!(!list.html.contains("id=\"new-secret\""), "shown once: {}", list.html);
    assert!(list.html.contains("撤销令牌“售票机”吗？"), "revoking asks first: {}", list.html);
    let id = t.get(&format!("/api/v1/orgs/{org}/tokens"), &owner).await.body[0]["id"].as_str().unwrap().to_string();
    let confirm = b.get(&format!("{tokens}/{id}/revoke")).await;
    assert!(confirm.html.contains("确认撤销"), "{}", confirm.html);
    assert_chinese("the revoke page", &confirm, &["developers"]);

    // An endpoint made on the page, its secret shown once; its log; deleting asks.
    let made = b
        .submit(
            &hooks,
            &hooks,
            &[("url", "https://hooks.example.org/tessera"), ("description", "财务系统"), ("topic.order.paid", "on")],
        )
        .await;
    assert_eq!(made.status, 303, "{}", made.html);
    let here = made.location.clone().unwrap();
    let shown = b.get(&here).await;
    assert!(shown.html.contains("value=\"whsec_") && shown.html.contains("端点已添加。"), "{}", shown.html);
    assert!(shown.html.contains("尚未向此端点发送任何内容。") && shown.html.contains("确认删除"), "{}", shown.html);
    assert_chinese(&here, &shown, &["developers"]);
    let list = b.get(&hooks).await;
    assert!(list.html.contains("财务系统") && list.html.contains("启用"), "{}", list.html);
    assert_chinese(&hooks, &list, &["developers"]);
    let here = here.split('?').next().unwrap().to_string();
    let delete = b.get(&format!("{here}/delete")).await;
    assert!(delete.html.contains("要删除端点 https://hooks.example.org/tessera 吗？"), "{}", delete.html);
    assert_chinese("the delete page", &delete, &["developers"]);
    let refused = b.submit(&here, &here, &[("enabled", "on")]).await;
    assert_eq!(refused.status, 422, "{}", refused.html);
    assert!(refused.html.contains("请检查") && refused.html.contains("lang=\"zh-CN\""), "{}", refused.html);

    // The administration.
    for path in ["/admin", "/admin/users"] {
        let p = b.get(path).await;
        assert!(p.html.contains("平台管理") && p.html.contains("第 1 页"), "{}", p.html);
        assert_chinese(path, &p, &["admin"]);
    }
    assert!(b.get("/admin").await.html.contains("天桥剧场"));

    // The API reference follows Accept-Language; the operations stay English.
    let zh = t.send(t.client.get(format!("{}/api/v1/docs", t.base)).header("accept-language", "zh-CN")).await;
    let html = zh.body.as_str().unwrap();
    assert!(html.contains("<html lang=\"zh-CN\">") && html.contains("<caption>参数</caption>"), "{html}");
    assert!(html.contains("响应：") && html.contains("id=\"schemas\">数据结构</h2>"), "{html}");
    for english in ["<caption>Parameters</caption>", "Responses:", ">Schemas</h2>", "About this API"] {
        assert!(!html.contains(english), "{english} on the Chinese reference");
    }
    assert_eq!(zh.headers.get("content-language").unwrap(), "zh-CN");
    let en = t.get("/api/v1/docs", &Auth::None).await;
    let html = en.body.as_str().unwrap();
    assert!(html.contains("<html lang=\"en\">") && html.contains("<caption>Parameters</caption>"), "{html}");
}

async fn bad_token_and_webhook_forms_name_the_field_and_write_nothing() {
    let t = spawn_app_on(&DB.with(Clone::clone), test_config(), tessera_web::WebConfig::default()).await;
    let (owner, org) = t.organizer("owner@bad.example.org", "bad").await;
    let tokens = format!("/dashboard/orgs/{org}/tokens");
    let hooks = format!("/dashboard/orgs/{org}/webhooks");
    let mut b = Browser::new(&t.base);
    b.sign_in("owner@bad.example.org", PASSWORD).await;

    for (fields, at_fault) in [
        (vec![("name", ""), ("role", "staff")], vec!["name"]),
        (vec![("name", "CI"), ("role", "superuser")], vec!["role"]),
        (vec![("name", ""), ("role", "")], vec!["name", "role"]),
        (vec![("name", "CI"), ("role", "staff"), ("expires_in_days", "soon")], vec!["expires_in_days"]),
        (vec![("name", "CI"), ("role", "staff"), ("expires_in_days", "99999")], vec!["expires_in_days"]),
    ] {
        let p = b.submit(&tokens, &tokens, &fields).await;
        assert_eq!(p.status, 422, "{fields:?}: {}", p.html);
        for f in &at_fault {
            assert!(refuses(&p, f), "{fields:?} is refused on {f}: {}", p.html);
        }
        for (name, _) in fields.iter().filter(|(n, _)| !at_fault.contains(n)) {
            assert!(!p.html.contains(&format!("id=\"{name}-error\"")), "{name} is not at fault: {}", p.html);
        }
    }
    let p = b.submit(&tokens, &tokens, &[("name", "CI"), ("role", "superuser")]).await;
    assert!(p.html.contains("value=\"CI\""), "what was typed stays: {}", p.html);
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/tokens"), &owner).await.body, json!([]));

    for (fields, at_fault) in [
        (vec![("url", ""), ("topic.order.paid", "on")], vec!["url"]),
        (vec![("url", "not a url"), ("topic.order.paid", "on")], vec!["url"]),
        (vec![("url", "http://hooks.example.org/x"), ("topic.*", "on")], vec!["url"]),
        (vec![("url", "https://hooks.example.org/x")], vec!["event_types"]),
        (vec![("url", "ftp://x"), ("description", &"long ".repeat(50))], vec!["url", "event_types", "description"]),
    ] {
        let p = b.submit(&hooks, &hooks, &fields).await;
        assert_eq!(p.status, 422, "{fields:?}: {}", p.html);
        for f in &at_fault {
            assert!(refuses(&p, f), "{fields:?} is refused on {f}: {}", p.html);
        }
    }
    assert_eq!(t.get(&format!("/api/v1/orgs/{org}/webhooks"), &owner).await.body, json!([]));
}
