use std::collections::BTreeMap;
use std::time::{SystemTime, UNIX_EPOCH};

use tessera_remote::stripe::testing::StandIn;
use tessera_remote::stripe::{
    CheckoutRequest, Client, DEFAULT_TOLERANCE_SECS, LineItem, PaymentMethod, PaymentStatus, RefundStatus,
    SessionStatus, StripeError, verify_webhook,
};

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64
}

fn request(order: &str) -> CheckoutRequest {
    CheckoutRequest {
        order_id: order.into(),
        org_id: "org_1".into(),
        success_url: "https://tickets.example/orders/ok".into(),
        cancel_url: "https://tickets.example/orders/cancel".into(),
        customer_email: Some("buyer@example.com".into()),
        currency: "EUR".into(),
        line_items: vec![
            LineItem { name: "Stalls".into(), unit_amount_minor: 4500, quantity: 2 },
            LineItem { name: "Fee".into(), unit_amount_minor: 150, quantity: 1 },
        ],
        payment_methods: vec![PaymentMethod::Card, PaymentMethod::Alipay, PaymentMethod::WechatPay],
        // A 15-minute hold: shorter than Stripe allows, so it is clamped.
        expires_at_unix: Some(now() + 15 * 60),
        now_unix: now(),
    }
}

fn client(stand_in: &StandIn) -> Client {
    Client::new(&stand_in.base_url(), stand_in.secret_key().to_string()).unwrap()
}

fn secrets(stand_in: &StandIn) -> Vec<String> {
    vec![stand_in.webhook_secret().to_string()]
}

#[tokio::test]
async fn a_session_is_created_paid_for_and_refunded() {
    let stand_in = StandIn::start().await;
    let client = client(&stand_in);

    let session = client.create_checkout_session(&request("ord_1"), "key-create-1").await.unwrap();
    assert!(session.id.starts_with("cs_test_"));
    assert_eq!(session.status, SessionStatus::Open);
    assert_eq!(session.payment_status, PaymentStatus::Unpaid);
    assert_eq!(session.amount_total, Some(9150));
    assert_eq!(session.currency.as_deref(), Some("eur"));
    assert_eq!(session.client_reference_id.as_deref(), Some("ord_1"));
    assert_eq!(session.metadata["order_id"], "ord_1");
    assert_eq!(session.metadata["org_id"], "org_1");
    assert!(session.url.as_deref().unwrap().starts_with(&stand_in.base_url()));

    let sent = &stand_in.requests()[0];
    assert_eq!((sent.method.as_str(), sent.path.as_str()), ("POST", "/v1/checkout/sessions"));
    assert_eq!(sent.idempotency_key.as_deref(), Some("key-create-1"));
    assert!(sent.form.contains(&("payment_method_options[wechat_pay][client]".into(), "web".into())));

    let (body, signature) = stand_in.complete_session(&session.id, true);
    let event = verify_webhook(&body, Some(&signature), &secrets(&stand_in), now(), DEFAULT_TOLERANCE_SECS).unwrap();
    assert_eq!(event.event_type, "checkout.session.completed");
    let paid = event.checkout_session().unwrap();
    assert_eq!(paid.payment_status, PaymentStatus::Paid);
    let payment_intent = paid.payment_intent.clone().unwrap();

    // Reconciliation reads the same state.
    let read = client.retrieve_checkout_session(&session.id).await.unwrap();
    assert_eq!(read, paid);

    let metadata = BTreeMap::from([("refund_id".to_string(), "rf_1".to_string())]);
    let refund = client.create_refund(&payment_intent, 4500, "key-refund-1", &metadata).await.unwrap();
    assert_eq!((refund.status, refund.amount, refund.currency.as_str()), (RefundStatus::Succeeded, 4500, "eur"));
    assert_eq!(refund.metadata, metadata);

    // The refunded total is tracked: 4650 are left.
    let error = client.create_refund(&payment_intent, 4651, "key-refund-2", &metadata).await.unwrap_err();
    assert_eq!(error.code(), Some("amount_too_large"));
    assert!(!error.is_retryable());
    let StripeError::Api(api) = &error else { panic!("{error:?}") };
    assert_eq!(
        (api.status, api.error_type.as_str(), api.param.as_deref()),
        (400, "invalid_request_error", Some("amount"))
    );
    let rest = client.create_refund(&payment_intent, 4650, "key-refund-3", &metadata).await.unwrap();
    assert_eq!(rest.amount, 4650);
}

#[tokio::test]
async fn a_retry_with_the_same_key_gets_the_same_session() {
    let stand_in = StandIn::start().await;
    let client = client(&stand_in);
    let request = request("ord_2");
    let first = client.create_checkout_session(&request, "key-2").await.unwrap();
    let again = client.create_checkout_session(&request, "key-2").await.unwrap();
    assert_eq!(first, again);

    let mut other = request.clone();
    other.customer_email = Some("someone@example.com".into());
    let StripeError::Api(error) = client.create_checkout_session(&other, "key-2").await.unwrap_err() else { panic!() };
    assert_eq!((error.status, error.error_type.as_str()), (400, "idempotency_error"));
    let fresh = client.create_checkout_session(&other, "key-3").await.unwrap();
    assert_ne!(fresh.id, first.id);
}

#[tokio::test]
async fn injected_server_errors_are_retryable_and_the_retry_succeeds() {
    let stand_in = StandIn::start().await;
    let client = client(&stand_in);
    stand_in.fail_next(500);
    stand_in.fail_next(429);
    let error = client.create_checkout_session(&request("ord_3"), "key-4").await.unwrap_err();
    assert!(error.is_retryable(), "{error:?}");
    assert_eq!(error.status(), Some(500));
    let error = client.create_checkout_session(&request("ord_3"), "key-4").await.unwrap_err();
    assert!(error.is_retryable());
    assert_eq!(error.status(), Some(429));
    let session = client.create_checkout_session(&request("ord_3"), "key-4").await.unwrap();
    assert_eq!(session.client_reference_id.as_deref(), Some("ord_3"));
}

#[tokio::test]
async fn a_wrong_key_is_an_authentication_error_that_does_not_echo_the_key() {
    let stand_in = StandIn::start().await;
    let client = Client::new(&stand_in.base_url(), "sk_test_wrong_and_secret".into()).unwrap();
    let error = client.retrieve_checkout_session("cs_test_x").await.unwrap_err();
    assert!(error.is_authentication(), "{error:?}");
    assert!(!error.is_retryable());
    assert!(!format!("{error} {error:?}").contains("wrong_and_secret"));
}

#[tokio::test]
async fn missing_and_unknown_parameters_are_named() {
    let stand_in = StandIn::start().await;
    let client = client(&stand_in);
    let mut bad = request("ord_4");
    bad.success_url = String::new();
    let StripeError::Api(error) = client.create_checkout_session(&bad, "key-5").await.unwrap_err() else { panic!() };
    assert_eq!(error.param.as_deref(), Some("success_url"));
    // Nothing was kept under the key: the corrected request goes through.
    let good = client.create_checkout_session(&request("ord_4"), "key-5").await.unwrap();
    assert_eq!(good.status, SessionStatus::Open);

    let error = client.retrieve_checkout_session("cs_test_missing").await.unwrap_err();
    assert_eq!((error.status(), error.code()), (Some(404), Some("resource_missing")));
    let error = client.create_refund("pi_nope", 100, "key-6", &BTreeMap::new()).await.unwrap_err();
    assert_eq!(error.code(), Some("resource_missing"));
}

#[tokio::test]
async fn an_expired_session_cannot_be_expired_again() {
    let stand_in = StandIn::start().await;
    let client = client(&stand_in);
    let session = client.create_checkout_session(&request("ord_5"), "key-7").await.unwrap();
    let expired = client.expire_checkout_session(&session.id, "key-8").await.unwrap();
    assert_eq!(expired.status, SessionStatus::Expired);
    assert_eq!(expired.url, None);
    let error = client.expire_checkout_session(&session.id, "key-9").await.unwrap_err();
    assert_eq!(error.status(), Some(400));
}

#[tokio::test]
async fn delayed_payments_and_expiry_send_their_events() {
    let stand_in = StandIn::start().await;
    let client = client(&stand_in);
    let secrets = secrets(&stand_in);
    let verify = |(body, signature): (Vec<u8>, String)| {
        verify_webhook(&body, Some(&signature), &secrets, now(), DEFAULT_TOLERANCE_SECS).unwrap()
    };

    let session = client.create_checkout_session(&request("ord_6"), "key-10").await.unwrap();
    let completed = verify(stand_in.complete_session(&session.id, false));
    assert_eq!(completed.checkout_session().unwrap().payment_status, PaymentStatus::Unpaid);
    let pi = completed.checkout_session().unwrap().payment_intent.unwrap();
    // Nothing captured yet, so nothing to refund.
    assert!(client.create_refund(&pi, 100, "key-11", &BTreeMap::new()).await.is_err());
    let cleared = verify(stand_in.async_payment_succeeded(&session.id));
    assert_eq!(cleared.event_type, "checkout.session.async_payment_succeeded");
    assert_eq!(cleared.checkout_session().unwrap().payment_status, PaymentStatus::Paid);
    assert!(client.create_refund(&pi, 100, "key-12", &BTreeMap::new()).await.is_ok());

    let other = client.create_checkout_session(&request("ord_7"), "key-13").await.unwrap();
    stand_in.complete_session(&other.id, false);
    let failed = verify(stand_in.async_payment_failed(&other.id));
    assert_eq!(failed.event_type, "checkout.session.async_payment_failed");

    let third = client.create_checkout_session(&request("ord_8"), "key-14").await.unwrap();
    let expired = verify(stand_in.expire_session(&third.id));
    assert_eq!(expired.event_type, "checkout.session.expired");
    assert_eq!(expired.checkout_session().unwrap().status, SessionStatus::Expired);
}

#[tokio::test]
async fn an_unreachable_server_is_a_retryable_network_error() {
    let stand_in = StandIn::start().await;
    let base = stand_in.base_url();
    drop(stand_in);
    let client = Client::new(&base, "sk_test_x".into()).unwrap();
    let error = client.retrieve_checkout_session("cs_test_1").await.unwrap_err();
    assert!(matches!(error, StripeError::Network(_)), "{error:?}");
    assert!(error.is_retryable());
}
