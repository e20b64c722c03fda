//! Account security over the API: password reset, address verification and
//! invitations into organizations.

use super::*;
use crate::extract::ClientIp;
use axum::http::HeaderMap;
use tessera_app::account::{InvitationInfo, InvitationView, NewInvitation};
use tessera_domain::OrgId;
use tessera_i18n::Locale;

/// The language of e-mails sent because of this request: the first tag of
/// `Accept-Language`, English by default.
fn mail_locale(headers: &HeaderMap) -> Locale {
    headers
        .get(axum::http::header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(',').next())
        .map(|tag| Locale::from_tag(tag.split(';').next().unwrap_or("")))
        .unwrap_or_default()
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetRequest {
    /// The account's e-mail address.
    pub email: String,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetConfirm {
    /// The `token` of the link in the e-mail.
    pub token: String,
    #[schema(min_length = 10, max_length = 256)]
    pub password: String,
}

#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LinkToken {
    /// The `token` of the link in the e-mail.
    pub token: String,
}

/// Ask for a password-reset e-mail.
///
/// The answer is 202 whether or not the address has an account, so it does
/// not reveal which addresses exist; if it has one, an e-mail with a link
/// (valid once, for an hour) is sent, in the language of `Accept-Language`.
#[utoipa::path(post, path = "/api/v1/auth/password-reset", tag = "auth", request_body = ResetRequest,
    responses((status = 202, description = "If the address has an account, a reset link was sent to it"),
              (status = 422, description = "`email` is not an e-mail address", body = ErrorBody),
              (status = 429, description = "Too many requests from this client or for this address; see Retry-After", body = ErrorBody)))]
pub async fn request_password_reset(
    State(s): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    ApiJson(r): ApiJson<ResetRequest>,
) -> ApiResult<StatusCode> {
    s.app.request_password_reset(&ip, &r.email, mail_locale(&headers)).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Set a new password with the link's token.
///
/// The link stops working, and every session of the account ends.
#[utoipa::path(post, path = "/api/v1/auth/password-reset/confirm", tag = "auth", request_body = ResetConfirm,
    responses((status = 204, description = "The password is changed; every session of the account was ended"),
              (status = 422, description = "`token`: unknown, used or expired (one answer for all); `password`: too weak", body = ErrorBody)))]
pub async fn confirm_password_reset(
    State(s): State<AppState>,
    ApiJson(r): ApiJson<ResetConfirm>,
) -> ApiResult<StatusCode> {
    s.app.reset_password(&r.token, r.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Verify the account's e-mail address with the link's token.
#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "auth", request_body = LinkToken,
    responses((status = 204, description = "The address is verified"),
              (status = 422, description = "`token`: unknown, used or expired, or the account's address changed since", body = ErrorBody)))]
pub async fn verify_email(State(s): State<AppState>, ApiJson(r): ApiJson<LinkToken>) -> ApiResult<StatusCode> {
    s.app.verify_email(&r.token).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Send the verification e-mail again.
#[utoipa::path(post, path = "/api/v1/me/verify-email", tag = "auth",
    responses((status = 202, description = "A new verification link was sent"),
              (status = 401, body = ErrorBody),
              (status = 409, description = "The address is already verified", body = ErrorBody),
              (status = 429, description = "Too many requests; see Retry-After", body = ErrorBody)),
    security(("session" = [])))]
pub async fn resend_verification(
    State(s): State<AppState>,
    headers: HeaderMap,
    caller: Caller,
) -> ApiResult<StatusCode> {
    s.app.send_verification(caller.actor.user()?, mail_locale(&headers)).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Pending invitations of the organization.
#[utoipa::path(get, path = "/api/v1/orgs/{org_id}/invitations", tag = "organizations", params(("org_id" = OrgId, Path)),
    responses((status = 200, body = Vec<InvitationView>), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn list_invitations(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath(org): ApiPath<OrgId>,
) -> ApiResult<Json<Vec<InvitationView>>> {
    Ok(Json(s.app.invitations(&caller.actor, org).await?))
}

/// Invite an e-mail address with a role; the invitee gets a link, valid for seven days.
#[utoipa::path(post, path = "/api/v1/orgs/{org_id}/invitations", tag = "organizations", params(("org_id" = OrgId, Path)),
    request_body = NewInvitation,
    responses((status = 201, body = InvitationView),
              (status = 403, description = "Not allowed to manage members, or only owners invite owners", body = ErrorBody),
              (status = 404, body = ErrorBody),
              (status = 409, description = "`email` is already a member or has a pending invitation", body = ErrorBody),
              (status = 422, body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn create_invitation(
    State(s): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    ApiPath(org): ApiPath<OrgId>,
    ApiJson(input): ApiJson<NewInvitation>,
) -> ApiResult<(StatusCode, Json<InvitationView>)> {
    let inv = s.app.invite(&caller.actor, org, input, mail_locale(&headers)).await?;
    Ok((StatusCode::CREATED, Json(inv)))
}

/// Withdraw a pending invitation; its link stops working.
#[utoipa::path(delete, path = "/api/v1/orgs/{org_id}/invitations/{invitation_id}", tag = "organizations",
    params(("org_id" = OrgId, Path), ("invitation_id" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorBody),
              (status = 404, description = "No pending invitation with this id", body = ErrorBody)),
    security(("session" = []), ("bearer" = [])))]
pub async fn revoke_invitation(
    State(s): State<AppState>,
    caller: Caller,
    ApiPath((org, id)): ApiPath<(OrgId, String)>,
) -> ApiResult<StatusCode> {
    s.app.revoke_invitation(&caller.actor, org, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accept an invitation as the signed-in account, which must have the invited address.
#[utoipa::path(post, path = "/api/v1/invitations/accept", tag = "organizations", request_body = LinkToken,
    responses((status = 200, description = "The caller is now a member with the invited role", body = InvitationInfo),
              (status = 401, body = ErrorBody),
              (status = 403, description = "The invitation is for another e-mail address", body = ErrorBody),
              (status = 422, description = "`token`: unknown, accepted, withdrawn or expired", body = ErrorBody)),
    security(("session" = [])))]
pub async fn accept_invitation(
    State(s): State<AppState>,
    caller: Caller,
    ApiJson(r): ApiJson<LinkToken>,
) -> ApiResult<Json<InvitationInfo>> {
    Ok(Json(s.app.accept_invitation(caller.actor.user()?, &r.token).await?))
}
