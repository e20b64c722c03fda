//! The page shell on templates: navigation by role, the test-mode banner,
//! the language of the shell's own pages, and escaping of what it shows.

use crate::browser::Browser;
use crate::helpers::*;
use tessera_app::AppConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn buyers_see_no_tools_and_organizers_do() {
    let t = spawn_app().await;
    t.register("buyer@example.org").await;
    let mut buyer = Browser::new(&t.base);
    buyer.sign_in("buyer@example.org", "correct horse battery").await;
    let home = buyer.get("/").await;
    assert!(home.html.contains("href=\"/account\""), "{}", home.html);
    for tool in ["href=\"/dashboard\"", "href=\"/scan\"", "href=\"/admin\""] {
        assert!(!home.html.contains(tool), "a buyer's menu has no {tool}: {}", home.html);
    }
    t.organizer("boss@example.org", "boss").await;
    let mut boss = Browser::new(&t.base);
    boss.sign_in("boss@example.org", "correct horse battery").await;
    let home = boss.get("/").await;
    assert!(home.html.contains("href=\"/dashboard\"") && home.html.contains("href=\"/scan\""), "{}", home.html);
    assert!(!home.html.contains("test-mode"), "no banner without the sandbox");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_says_when_payments_are_only_a_test() {
    let t =
        spawn_app_with(AppConfig { allow_sandbox_payments: true, ..test_config() }, tessera_web::WebConfig::default())
            .await;
    let mut b = Browser::new(&t.base);
    let home = b.get("/").await;
    assert!(home.html.contains("class=\"test-mode\"") && home.html.contains("cost nothing"), "{}", home.html);
    let zh = b.get("/?lang=zh-CN").await;
    assert!(zh.html.contains("测试模式"), "{}", zh.html);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_shells_own_pages_speak_the_visitors_language() {
    let t = spawn_app().await;
    let mut b = Browser::new(&t.base);
    let en = b.get("/no/such/page").await;
    assert_eq!(en.status, 404);
    assert!(en.html.contains("There is nothing here.") && en.html.contains("<html lang=\"en\">"), "{}", en.html);
    let zh = b.get("/no/such/page?lang=zh-CN").await;
    assert_eq!(zh.status, 404);
    assert!(zh.html.contains("<html lang=\"zh-CN\">") && zh.html.contains("这里什么都没有"), "{}", zh.html);
    // No English text of the shell's catalog on the Chinese page.
    for (id, _) in tessera_i18n::messages(tessera_i18n::Locale::En) {
        if !id.starts_with("shell-") {
            continue;
        }
        let english = tessera_i18n::t(tessera_i18n::Locale::En, &id);
        if english.len() > 8 && english != tessera_i18n::t(tessera_i18n::Locale::ZhCn, &id) {
            assert!(!zh.html.contains(&english), "untranslated on a Chinese page: {english}");
        }
    }
}
