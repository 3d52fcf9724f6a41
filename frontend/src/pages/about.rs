//! `/about`: what Coffer is and what it can and cannot see, and the credits for data it ships
//! (the country database behind the security log's places, CC BY 4.0).

use leptos::prelude::*;

use crate::api;

/// What Coffer is, what the server sees, and the attribution of the IP database in use.
#[component]
pub fn AboutPage() -> impl IntoView {
    let config = LocalResource::new(api::config);
    let places = move || {
        config.with(|config| match config {
            None => view! { <p class="muted" aria-busy="true">"Loading…"</p> }.into_any(),
            Some(Ok(config)) => match config.places_source.clone() {
                Some(source) => view! {
                    <p data-testid="about-places">
                        "The approximate places in the security log (a country, sometimes a city) come \
                         from " {source} ". Addresses are looked up on this server; none is sent \
                         anywhere else."
                    </p>
                    <p class="muted">
                        "Licence: "
                        <a href="https://creativecommons.org/licenses/by/4.0/" rel="noopener noreferrer">
                            "Creative Commons Attribution 4.0"
                        </a>
                        ". Data: "
                        <a href="https://www.nro.net/" rel="noopener noreferrer">"nro.net"</a>
                        ", compiled by "
                        <a href="https://github.com/sapics/ip-location-db" rel="noopener noreferrer">
                            "ip-location-db"
                        </a>
                        "."
                    </p>
                }
                .into_any(),
                None => view! {
                    <p data-testid="about-places">
                        "This server has no IP database: the security log shows addresses without places."
                    </p>
                }
                .into_any(),
            },
            Some(Err(failure)) => {
                view! { <p class="error" role="alert">{failure.to_string()}</p> }.into_any()
            }
        })
    };
    view! {
        <section class="card about" data-testid="about-page">
            <h1>"About Coffer"</h1>
            <p>
                "Coffer keeps a vault and shares secrets and files without the server learning what \
                 they are. This browser encrypts and decrypts everything; the server stores only \
                 ciphertext, expiry and view limits, sign-in codes and the security log."
            </p>
            <p>
                "The key of a shared link travels after the # and never reaches the server. Your \
                 passphrase never leaves this browser: the server gets a proof derived from it."
            </p>
            <h2>"Places in the security log"</h2>
            {places}
        </section>
    }
}
