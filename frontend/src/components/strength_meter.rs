//! The strength of a passphrase being chosen: a five-step bar, a word, the warning and tips.

use leptos::prelude::*;

use crate::strength::Assessment;

/// Words for each score.
const WORDS: [&str; 5] = ["Very weak", "Weak", "Fair", "Strong", "Very strong"];

/// The meter for `assessment` (recomputed by the caller from the typed passphrase).
#[component]
pub fn StrengthMeter(
    /// The current estimate; `None` while nothing is typed.
    #[prop(into)]
    assessment: Signal<Option<Assessment>>,
) -> impl IntoView {
    move || {
        assessment.get().map(|Assessment { score, warning, suggestions, acceptable }| {
            let steps = (0..5u8)
                .map(|step| view! { <span class="strength-step" class:on=step <= score></span> })
                .collect_view();
            view! {
                <div
                    class=format!("strength strength-{score}")
                    data-testid="strength-meter"
                    data-score=score.to_string()
                    role="status"
                >
                    <div class="strength-bar" aria-hidden="true">{steps}</div>
                    <span class="strength-word">
                        {WORDS[usize::from(score.min(4))]}
                        {(!acceptable).then_some(" · not accepted")}
                    </span>
                    {(!warning.is_empty())
                        .then(|| view! { <p class="strength-warning" data-testid="strength-warning">{warning}</p> })}
                    <ul class="strength-tips">
                        {suggestions.into_iter().map(|tip| view! { <li>{tip}</li> }).collect_view()}
                    </ul>
                </div>
            }
        })
    }
}
