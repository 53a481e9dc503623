//! Thread policy: `None` runs on rayon's global pool (which honours
//! `RAYON_NUM_THREADS`, as b3sum does); `Some(n)` runs inside a dedicated
//! pool of `n` threads, built once per `n` and kept for the process.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use rayon::ThreadPool;

use crate::error::{CoreError, CoreResult};

fn pools() -> &'static Mutex<HashMap<usize, Arc<ThreadPool>>> {
    static POOLS: OnceLock<Mutex<HashMap<usize, Arc<ThreadPool>>>> = OnceLock::new();
    POOLS.get_or_init(|| Mutex::new(HashMap::new()))
}

fn pool_for(threads: usize) -> CoreResult<Arc<ThreadPool>> {
    // A poisoned lock only means another caller panicked while inserting;
    // the map itself is still consistent, so keep using it.
    let mut map = pools().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(pool) = map.get(&threads) {
        return Ok(Arc::clone(pool));
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("consist-hash-{i}"))
        .build()
        .map_err(|e| CoreError::ThreadPool {
            reason: e.to_string(),
        })?;
    let pool = Arc::new(pool);
    map.insert(threads, Arc::clone(&pool));
    Ok(pool)
}

/// Run `work` with the requested parallelism.
///
/// ```
/// let n = _core::threads::with_threads(Some(2), || rayon::current_num_threads()).unwrap();
/// assert_eq!(n, 2);
/// ```
pub fn with_threads<T: Send>(
    threads: Option<usize>,
    work: impl FnOnce() -> T + Send,
) -> CoreResult<T> {
    match threads {
        None => Ok(work()),
        Some(0) => Err(CoreError::InvalidArgument {
            reason: "threads must be at least 1".into(),
        }),
        Some(n) => Ok(pool_for(n)?.install(work)),
    }
}
