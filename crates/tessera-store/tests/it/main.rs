//! The storage conformance suite: every case runs against a fresh SQLite
//! database and a fresh PostgreSQL database (see `tessera_store::testing`
//! for how the PostgreSQL server is found, and when it may be skipped).

mod cases;

use tessera_store::Store;
use tessera_store::testing::{drop_postgres_database, fresh_postgres_url, fresh_store, postgres_admin_url, sqlite_url};

pub async fn on_sqlite<F, Fut>(case: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let store = fresh_store(&sqlite_url()).await;
    case(store.clone()).await;
    store.close().await;
}

pub async fn on_postgres<F, Fut>(name: &str, case: F)
where
    F: FnOnce(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let Some(admin) = postgres_admin_url(name) else { return };
    let url = fresh_postgres_url(&admin).await;
    let store = fresh_store(&url).await;
    case(store.clone()).await;
    store.close().await;
    drop_postgres_database(&admin, &url).await;
}

macro_rules! conformance {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    crate::on_sqlite(crate::cases::$case).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    crate::on_postgres(stringify!($case), crate::cases::$case).await;
                }
            )*
        }
    };
}

conformance!(
    migrations_are_all_applied,
    payments_apply_once_refunds_stay_within_paid_and_the_ledger_balances,
    users_are_unique_by_email,
    totp_steps_are_single_use,
    sessions_expire,
    organizations_keep_an_owner,
    concurrent_demotions_keep_an_owner,
    tokens_are_scoped_and_revocable,
    venues_are_unique_per_org_even_under_races,
    events_only_use_their_own_venues,
    ticket_types_and_quotas_link_within_one_event,
    one_currency_per_event,
    event_status_changes_are_conditional,
    public_listing_filters_and_paginates,
    public_event_hides_drafts,
    reservations_never_oversell_under_concurrency,
    expired_holds_stop_counting_without_a_sweep,
    random_operations_match_a_reference_model,
    per_customer_limits_hold_across_batches,
    idempotency_keys_claim_once,
    idempotent_operations_answer_in_their_own_transaction,
    capacity_changes_race_with_sales,
    simultaneous_scans_admit_a_single_entry_ticket_once,
    scan_batches_admit_once_and_record_each_nonce_once,
    offline_conflicts_resolve_to_the_earliest_scan,
    entry_policies_apply_in_the_store,
    void_and_reissue_are_conditional,
    one_current_signing_key_per_org,
    seat_maps_are_versioned_per_venue,
    seats_are_never_taken_twice,
    remembered_seat_statuses_follow_other_processes,
    one_batch_with_opposite_seat_operations,
);
