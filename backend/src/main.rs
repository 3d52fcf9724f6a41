//! `coffer-server`: parse the settings, start logging, run the application.

use clap::Parser;
use coffer_backend::settings::Settings;
use coffer_backend::startup::Application;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let settings = Settings::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    if settings.log_json {
        tracing_subscriber::fmt().json().with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let app = Application::build(settings).await?;
    tracing::info!(event = "server_started", address = %app.address(), "Coffer is listening on http://{}", app.address());
    app.run_until_stopped().await
}
