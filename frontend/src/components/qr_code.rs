//! A QR code of a link, drawn as SVG.

use leptos::prelude::*;
use qrcode::QrCode as Code;
use qrcode::render::svg;

/// The SVG markup of a QR code for `data`, without the XML prolog; `None` if it does not fit.
fn svg_of(data: &str) -> Option<String> {
    let code = Code::new(data.as_bytes()).ok()?;
    let image = code.render::<svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
    // The prolog means nothing inside HTML; the SVG itself carries no script or style.
    let start = image.find("<svg")?;
    Some(image[start..].to_owned())
}

/// A QR code of `data` (a share link, an authenticator key), for phones to scan.
#[component]
pub fn QrCode(
    /// The text to encode.
    data: String,
    /// The `data-testid` of the image.
    #[prop(default = "share-qr")]
    testid: &'static str,
    /// What the image shows, for screen readers.
    #[prop(default = "QR code of the secret link")]
    label: &'static str,
) -> impl IntoView {
    svg_of(&data).map(|image| {
        view! {
            <div class="qr" data-testid=testid role="img" aria-label=label inner_html=image></div>
        }
    })
}
