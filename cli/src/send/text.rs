//! A share without files: seal, sign when signed in, store; a fresh id if the server says the
//! id is taken (128-bit random ids: never in practice).

use coffer_shared::api::CreateShareResponse;
use coffer_shared::api::ErrorCode;
use coffer_shared::api::paths;
use coffer_shared::crypto::Key32;
use coffer_shared::crypto::envelope::{Header, Kind as EnvelopeKind};
use coffer_shared::crypto::share::{SealedShare, SharePayload, seal_to_sign, seal_with_header};
use coffer_shared::id::ShareId;
use zeroize::Zeroizing;

use super::{Created, Order};
use crate::exit::{Failure, Kind, Outcome};
use crate::http::Client;
use crate::signer::Signer;

/// How many fresh ids to try when the server says an id is taken.
const ID_ATTEMPTS: usize = 3;

/// Seals `order`'s text and stores the share.
pub async fn create(
    client: &Client,
    order: &Order,
    signer: Option<&Signer>,
    max_envelope_bytes: usize,
) -> Outcome<Created> {
    let share_key = Key32::random();
    let manage_secret = Key32::random();
    let payload = SharePayload { text: order.text.to_string(), blur: false, files: Vec::new() };
    let password_key = order.password.as_ref().map(|(_, key)| key);
    for attempt in 1..=ID_ATTEMPTS {
        // The id is bound into the envelope, so a new id means sealing again.
        let id = ShareId::random();
        let header = Header::new(EnvelopeKind::ShareText, order.password.as_ref().map(|(params, _)| *params));
        let sealed = match signer {
            None => seal_with_header(&share_key, &id, &payload, header, password_key),
            Some(signer) => {
                let sealed =
                    seal_to_sign(&share_key, &id, &payload, header, password_key, signer.public_key());
                SealedShare { envelope: signer.sign(&id, &sealed.envelope, &[])?, ..sealed }
            }
        };
        if sealed.envelope.len() > max_envelope_bytes {
            return Err(Failure::new(
                Kind::Refused,
                format!(
                    "The secret is too large: {} once encrypted, and this server takes up to {}. Send it as a file instead.",
                    crate::size::text(sealed.envelope.len() as u64),
                    crate::size::text(max_envelope_bytes as u64)
                ),
            ));
        }
        let (link, manage_link) = Created::links(client, &id, &share_key, &manage_secret);
        let link = Zeroizing::new(link);
        let request = order.request(&id, &sealed, &manage_secret, Vec::new(), signer, &link);
        match client.post::<_, CreateShareResponse>(paths::SHARES, &request).await {
            Ok(response) => {
                return Ok(Created {
                    id,
                    link: link.to_string(),
                    manage_link,
                    expires_at: response.expires_at,
                    max_views: response.max_views,
                    password: order.password.is_some(),
                    files: 0,
                    signed: signer.is_some(),
                });
            }
            Err(error) if error.code() == ErrorCode::IdTaken && attempt < ID_ATTEMPTS => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(Failure::new(Kind::Other, "The server refused every fresh id."))
}
