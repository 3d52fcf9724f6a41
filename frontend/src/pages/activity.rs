//! `/activity`: the account's security log, newest first: what happened, when, from which
//! device and place, with filters by kind and severity, a search and "Show more".

use coffer_shared::api::{ActivityEvent, Severity};
use leptos::prelude::*;

use crate::activity::{self, GROUPS};
use crate::api::account::my_shares as my_shares_api;
use crate::api::activity::{ActivityQuery, activity as fetch_activity};
use crate::components::error_banner::ErrorBanner;
use crate::components::require_unlocked::RequireUnlocked;
use crate::components::vault_loader::VaultLoader;
use crate::format;
use crate::my_shares;
use crate::session::Session;

/// The page, behind the unlock gate.
#[component]
pub fn ActivityPage() -> impl IntoView {
    view! {
        <RequireUnlocked>
            // The vault's records name the items and files the log knows only by id.
            <VaultLoader>
                <ActivityLog />
            </VaultLoader>
        </RequireUnlocked>
    }
}

/// What the list shows now.
#[derive(Debug, Clone, Default, PartialEq)]
struct Listing {
    events: Vec<ActivityEvent>,
    next: Option<String>,
    loaded: bool,
}

/// The filters, the list and its paging.
#[component]
fn ActivityLog() -> impl IntoView {
    let session = Session::get();
    let current_session =
        StoredValue::new(session.with_unlocked(|unlocked| unlocked.session_id.clone()).unwrap_or_default());
    let group = RwSignal::new(String::new());
    let warnings_only = RwSignal::new(false);
    let search = RwSignal::new(String::new());
    let listing = RwSignal::new(Listing::default());
    let error = RwSignal::new(None::<String>);

    let query = move |before: Option<String>| ActivityQuery {
        types: group.with_untracked(|value| {
            activity::filter_types(value).into_iter().map(|kind| kind.as_str()).collect()
        }),
        severity: warnings_only.get_untracked().then_some(Severity::Warning),
        search: search.get_untracked(),
        countries: search.with_untracked(|text| activity::countries_named(text, format::country_name)),
        before,
    };
    // Loads the first page (`more = false`) or the next one.
    let load = Action::new_local(move |more: &bool| {
        let more = *more;
        async move {
            let before = if more { listing.with_untracked(|l| l.next.clone()) } else { None };
            match fetch_activity(&query(before)).await {
                Ok(page) => {
                    error.set(None);
                    listing.update(|listing| {
                        if !more {
                            listing.events.clear();
                        }
                        listing.events.extend(page.events);
                        listing.next = page.next;
                        listing.loaded = true;
                    });
                }
                Err(failure) => {
                    if !session.check_ended(&failure) {
                        error.set(Some(failure.to_string()));
                    }
                }
            }
        }
    });
    load.dispatch_local(false);
    let reload = move || {
        load.dispatch_local(false);
    };

    let shares = LocalResource::new(my_shares_api);
    let names = Memo::new(move |_| {
        let labels = shares.with(|shares| match shares {
            Some(Ok(list)) => my_shares::labels(session, &list.shares),
            _ => Default::default(),
        });
        session.records.with(|records| {
            let mut names = activity::Names { shares: labels, ..Default::default() };
            for entry in records.iter().flatten() {
                names.items.insert(entry.id.to_string(), entry.record.name.clone());
                for attachment in &entry.record.attachments {
                    names.files.insert(attachment.file_id.clone(), attachment.name.clone());
                }
            }
            names
        })
    });
    let row = move |event: ActivityEvent| {
        let title = {
            let event = event.clone();
            move || names.with(|names| activity::title(&event, names))
        };
        let particulars = activity::particulars(&event);
        let warning = event.severity == Severity::Warning;
        let this_session = current_session
            .with_value(|current| !current.is_empty() && event.session.as_deref() == Some(current.as_str()));
        let device = event.user_agent.as_deref().map(format::device);
        let place = match (event.place.as_deref(), event.ip.as_deref()) {
            (Some(place), _) => Some(activity::place_text(place, format::country_name)),
            (None, Some(ip)) => Some(activity::unplaced(ip).to_owned()),
            (None, None) => None,
        };
        let whence: Vec<String> = [device, event.ip.clone(), place].into_iter().flatten().collect();
        view! {
            <li class="activity-row" class:warning=warning data-testid="activity-row" data-type=event.kind.as_str()>
                <span class="activity-mark" aria-hidden="true">{if warning { "!" } else { "•" }}</span>
                <div class="activity-text">
                    <div class="activity-title">
                        <strong data-testid="activity-title">{title}</strong>
                        {warning.then(|| view! { <span class="badge warning">"Warning"</span> })}
                        {this_session.then(|| view! { <span class="badge">"This session"</span> })}
                    </div>
                    {(!particulars.is_empty()).then(|| view! { <span>{particulars}</span> })}
                    <span class="muted">
                        <time>{format::local_date_time(event.time)}</time>
                        {(!whence.is_empty()).then(|| format!(" · {}", whence.join(" · ")))}
                    </span>
                </div>
            </li>
        }
    };

    view! {
        <section class="card activity" data-testid="activity-page">
            <h1>"Activity"</h1>
            <p class="muted">
                "Everything that happened to your account and your shares: sign-ins, codes, sessions, \
                 changes and refused requests. Places are approximate. For your shares' readers no \
                 address is shown."
            </p>
            <form
                class="activity-filters"
                role="search"
                on:submit=move |ev| {
                    ev.prevent_default();
                    reload();
                }
            >
                <select
                    aria-label="Kind of event"
                    data-testid="activity-group"
                    on:change=move |ev| {
                        group.set(event_target_value(&ev));
                        reload();
                    }
                >
                    <option value="">"All events"</option>
                    {GROUPS
                        .iter()
                        .map(|g| {
                            view! {
                                <optgroup label=g.label>
                                    <option value=g.slug>{format!("All: {}", g.label.to_lowercase())}</option>
                                    {g.types
                                        .iter()
                                        .map(|kind| {
                                            view! {
                                                <option value=format!("type:{kind}")>{activity::type_label(*kind)}</option>
                                            }
                                        })
                                        .collect_view()}
                                </optgroup>
                            }
                        })
                        .collect_view()}
                </select>
                <label class="check">
                    <input
                        type="checkbox"
                        data-testid="activity-warnings"
                        prop:checked=move || warnings_only.get()
                        on:change=move |ev| {
                            warnings_only.set(event_target_checked(&ev));
                            reload();
                        }
                    />
                    "Warnings only"
                </label>
                <input
                    type="search"
                    class="search"
                    placeholder="Search (IP, device, place, country, id…)"
                    aria-label="Search the activity"
                    maxlength="100"
                    data-testid="activity-search"
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
                <button type="submit" class="secondary" data-testid="activity-search-submit">"Search"</button>
            </form>
            <ErrorBanner message=error testid="activity-error" />
            {move || {
                let listing = listing.get();
                if !listing.loaded {
                    return view! { <p class="muted" aria-busy="true">"Loading activity…"</p> }.into_any();
                }
                if listing.events.is_empty() && listing.next.is_none() {
                    return view! {
                        <p class="muted" data-testid="activity-empty">"No events match."</p>
                    }
                    .into_any();
                }
                view! {
                    <ul class="activity-list" data-testid="activity-list">
                        {listing.events.into_iter().map(row).collect_view()}
                    </ul>
                }
                .into_any()
            }}
            <Show when=move || listing.with(|l| l.next.is_some())>
                <button
                    type="button"
                    class="secondary"
                    data-testid="activity-more"
                    prop:disabled=move || load.pending().get()
                    on:click=move |_| {
                        load.dispatch_local(true);
                    }
                >
                    "Show more"
                </button>
            </Show>
        </section>
    }
}
