//! The whole app: every page, for signed-in people (see the crate's docs for the other one).

fn main() {
    coffer_frontend::start(coffer_frontend::app::App);
}
