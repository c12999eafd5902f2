//! A shutdown signal that background tasks (index sync today, crawlers later) wait on, so
//! `motcua serve` stops them cleanly after the last request.

use tokio::sync::watch;

/// Cloneable receiver side: `wait` resolves once shutdown is signalled.
#[derive(Clone, Debug)]
pub struct Shutdown(pub watch::Receiver<bool>);

impl Shutdown {
    /// Resolves when shutdown has been signalled (or its sender is gone).
    pub async fn wait(&self) {
        let mut rx = self.0.clone();
        while !*rx.borrow() {
            if rx.changed().await.is_err() {
                return;
            }
        }
    }
}
