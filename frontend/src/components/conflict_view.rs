//! Both versions of a record after a 409 `conflict`: the edit typed here and the one stored
//! meanwhile, member by member (lists summarised, secrets masked), with "Keep mine" and "Take
//! theirs".

use coffer_shared::crypto::vault::{FieldKind, RecordFields, VaultRecord};
use leptos::prelude::*;

use crate::fields::FieldKey;
use crate::vault::RecordType;

/// How a member is shown in the comparison: secrets are masked, only whether they differ shows.
fn shown(key: FieldKey, record: &VaultRecord) -> String {
    let value = key.get(record);
    if value.is_empty() {
        "—".to_owned()
    } else if key.is_secret() {
        "••••••••••".to_owned()
    } else {
        value.to_owned()
    }
}

/// The number of identity documents, for the comparison.
fn documents(record: &VaultRecord) -> usize {
    match &record.fields {
        RecordFields::Identity { documents, .. } => documents.len(),
        _ => 0,
    }
}

/// The members that are lists or flags, as text for the comparison: `(label, testid slug,
/// value)`. Secrets (hidden field values, earlier passwords) only show whether they differ.
fn summaries(record: &VaultRecord) -> Vec<(&'static str, &'static str, String)> {
    let dash = |text: String| if text.is_empty() { "—".to_owned() } else { text };
    let mut rows = vec![
        ("Folder", "folder", dash(record.folder.clone())),
        ("Favourite", "favorite", if record.favorite { "yes" } else { "no" }.to_owned()),
    ];
    if let RecordFields::Login { urls, password_history, .. } = &record.fields {
        rows.push(("Websites", "urls", dash(urls.join("\n"))));
        // Only how many there are; the passwords themselves never show here.
        rows.push(("Password history", "history", password_history.len().to_string()));
    }
    let fields = record
        .custom_fields
        .iter()
        .map(|field| match field.kind {
            FieldKind::Hidden if field.value.is_empty() => format!("{}: —", field.name),
            FieldKind::Hidden => format!("{}: ••••••", field.name),
            FieldKind::Boolean => {
                format!("{}: {}", field.name, if field.value == "true" { "yes" } else { "no" })
            }
            FieldKind::Text => format!("{}: {}", field.name, field.value),
        })
        .collect::<Vec<_>>();
    rows.push(("Custom fields", "custom", dash(fields.join("\n"))));
    rows.push(("Attachments", "attachments", record.attachments.len().to_string()));
    rows
}

/// Whether the two password histories differ.
fn history_differs(mine: &VaultRecord, theirs: &VaultRecord) -> bool {
    match (&mine.fields, &theirs.fields) {
        (
            RecordFields::Login { password_history: a, .. },
            RecordFields::Login { password_history: b, .. },
        ) => a != b,
        _ => false,
    }
}

/// The comparison and the two choices. A row that differs is tinted and its label says
/// "changed" (vault.css), so the difference does not rest on colour alone.
#[component]
pub fn ConflictView(
    /// The edit made here.
    mine: VaultRecord,
    /// The stored version.
    theirs: VaultRecord,
    /// Save this edit over the stored version.
    keep_mine: Callback<()>,
    /// Drop this edit and show the stored version.
    take_theirs: Callback<()>,
) -> impl IntoView {
    let kind = RecordType::of(&mine.fields);
    let same_type = RecordType::of(&theirs.fields) == kind;
    let rows = FieldKey::of(kind)
        .iter()
        .map(|&key| {
            let differs = key.get(&mine) != key.get(&theirs);
            view! {
                <tr class:differs=differs>
                    <th scope="row">{key.label(kind)}</th>
                    <td data-testid=format!("conflict-mine-{}", key.slug())>{shown(key, &mine)}</td>
                    <td data-testid=format!("conflict-theirs-{}", key.slug())>{shown(key, &theirs)}</td>
                </tr>
            }
        })
        .collect_view();
    let theirs_rows = summaries(&theirs);
    let lists = summaries(&mine)
        .into_iter()
        .zip(theirs_rows)
        .map(|((label, slug, mine_text), (_, _, theirs_text))| {
            // Hidden values compare as values, though both show masked.
            let differs = mine_text != theirs_text
                || (slug == "custom" && mine.custom_fields != theirs.custom_fields)
                || (slug == "history" && history_differs(&mine, &theirs));
            view! {
                <tr class:differs=differs>
                    <th scope="row">{label}</th>
                    <td class="multiline" data-testid=format!("conflict-mine-{slug}")>{mine_text}</td>
                    <td class="multiline" data-testid=format!("conflict-theirs-{slug}")>{theirs_text}</td>
                </tr>
            }
        })
        .collect_view();
    let extra = (kind == RecordType::Identity).then(|| {
        view! {
            <tr class:differs=documents(&mine) != documents(&theirs)>
                <th scope="row">"Documents"</th>
                <td>{documents(&mine)}</td>
                <td>{documents(&theirs)}</td>
            </tr>
        }
    });
    view! {
        <div class="conflict notice warning" data-testid="conflict" role="alert">
            <p>
                "This item was changed elsewhere while you were editing it. "
                "Choose which version to keep."
                {(!same_type).then_some(" The stored version is now of another type.")}
            </p>
            <div class="table-wrap">
                <table class="compare">
                    <thead>
                        <tr>
                            <th></th>
                            <th scope="col">"Yours"</th>
                            <th scope="col">"Stored"</th>
                        </tr>
                    </thead>
                    <tbody>
                        {rows}
                        {lists}
                        {extra}
                        <tr class:differs=mine.sensitive != theirs.sensitive>
                            <th scope="row">"Sensitive"</th>
                            <td>{if mine.sensitive { "yes" } else { "no" }}</td>
                            <td>{if theirs.sensitive { "yes" } else { "no" }}</td>
                        </tr>
                    </tbody>
                </table>
            </div>
            <div class="actions">
                <button type="button" data-testid="conflict-keep-mine" on:click=move |_| keep_mine.run(())>
                    "Keep mine"
                </button>
                <button
                    type="button"
                    class="secondary"
                    data-testid="conflict-take-theirs"
                    on:click=move |_| take_theirs.run(())
                >
                    "Take theirs"
                </button>
            </div>
        </div>
    }
}
