//! The visitor's app: create and reveal only (see `coffer_frontend::public_app`).

fn main() {
    coffer_frontend::start(coffer_frontend::public_app::PublicApp);
}
