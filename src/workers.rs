//! Worker threads for bulk runs: `check`, `audit` and `letter` hand each input to a pool, in
//! batches, and take the results back in input order.
//!
//! Batches keep memory flat however many registers a run has (only one batch of results is held
//! at a time) and keep output in a stable order. A run with one input never starts a pool:
//! starting threads that then spin looking for work costs more than one register.

use rayon::prelude::*;

/// Inputs handed to the pool at a time: enough to keep every core busy between batches.
const BATCH: usize = 256;

/// A pool of worker threads, or none when one thread does the work.
pub struct Workers {
    pool: Option<rayon::ThreadPool>,
}

/// Why the worker threads could not be started.
#[derive(Debug, thiserror::Error)]
#[error("cannot start worker threads: {0}")]
pub struct WorkersError(#[from] rayon::ThreadPoolBuildError);

impl Workers {
    /// Workers for `inputs` items: `jobs` threads (default: one per core), or none when there
    /// is one input or one job.
    pub fn new(jobs: Option<usize>, inputs: usize) -> Result<Workers, WorkersError> {
        if inputs <= 1 || jobs == Some(1) {
            return Ok(Workers { pool: None });
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(jobs.unwrap_or(0))
            // Registers are read by a recursive reader; give it room (see `limits::MAX_DEPTH`).
            .stack_size(crate::limits::WORKER_STACK)
            .build()?;
        Ok(Workers { pool: Some(pool) })
    }

    /// Applies `work` to every item, handing the results to `sink` in input order, one batch
    /// at a time.
    pub fn each<T, R>(&self, items: &[T], work: impl Fn(&T) -> R + Sync, mut sink: impl FnMut(R))
    where
        T: Sync,
        R: Send,
    {
        for batch in items.chunks(BATCH) {
            let results: Vec<R> = match &self.pool {
                Some(pool) => pool.install(|| batch.par_iter().map(&work).collect()),
                None => batch.iter().map(&work).collect(),
            };
            results.into_iter().for_each(&mut sink);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_input_order_across_batches() {
        let items: Vec<usize> = (0..1000).collect();
        for jobs in [None, Some(1), Some(2)] {
            let workers = Workers::new(jobs, items.len()).unwrap();
            let mut seen = Vec::new();
            workers.each(&items, |i| i * 2, |r| seen.push(r));
            assert_eq!(seen, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn one_input_starts_no_threads() {
        assert!(Workers::new(None, 1).unwrap().pool.is_none());
        assert!(Workers::new(Some(1), 50).unwrap().pool.is_none());
        assert!(Workers::new(Some(2), 50).unwrap().pool.is_some());
    }
}
