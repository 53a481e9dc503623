//! An open-addressing index from 32-bit fingerprints to slot numbers, 8 bytes
//! per bucket (a `HashMap<u64, u32>` costs 17). It stores no keys: the caller
//! owns them and confirms every candidate, so two keys with the same
//! fingerprint both stay reachable and a collision costs one comparison.

/// A bucket is `fingerprint << 32 | slot`; this slot number marks it empty.
const EMPTY_SLOT: u32 = u32::MAX;
const EMPTY: u64 = EMPTY_SLOT as u64;
const MIN_BUCKETS: usize = 16;

/// Fingerprint -> slot, with linear probing and at most 3/4 of buckets used.
#[derive(Debug, Default)]
pub struct FingerprintIndex {
    buckets: Vec<u64>,
    len: usize,
}

fn slot_of(bucket: u64) -> u32 {
    bucket as u32
}

fn fingerprint_of(bucket: u64) -> u32 {
    (bucket >> 32) as u32
}

impl FingerprintIndex {
    /// Number of slots indexed.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The first slot with `fingerprint` for which `is_match(slot)` holds.
    ///
    /// ```
    /// let mut index = _core::fingerprint_index::FingerprintIndex::default();
    /// index.insert(7, 0);
    /// index.insert(7, 1); // same fingerprint, another key
    /// assert_eq!(index.find(7, |slot| slot == 1), Some(1));
    /// assert_eq!(index.find(8, |_| true), None);
    /// ```
    pub fn find(&self, fingerprint: u32, mut is_match: impl FnMut(u32) -> bool) -> Option<u32> {
        if self.buckets.is_empty() {
            return None;
        }
        let mask = self.buckets.len() - 1;
        let mut at = fingerprint as usize & mask;
        loop {
            let bucket = self.buckets[at];
            if bucket == EMPTY {
                return None;
            }
            if fingerprint_of(bucket) == fingerprint && is_match(slot_of(bucket)) {
                return Some(slot_of(bucket));
            }
            at = (at + 1) & mask;
        }
    }

    /// Index `slot` (below `u32::MAX`) under `fingerprint`; the caller has
    /// checked with `find` that its key is not indexed yet.
    pub fn insert(&mut self, fingerprint: u32, slot: u32) {
        debug_assert!(slot != EMPTY_SLOT);
        if (self.len + 1) * 4 > self.buckets.len() * 3 {
            self.grow();
        }
        place(
            &mut self.buckets,
            u64::from(fingerprint) << 32 | u64::from(slot),
        );
        self.len += 1;
    }

    fn grow(&mut self) {
        let size = (self.buckets.len() * 2).max(MIN_BUCKETS);
        let old = std::mem::replace(&mut self.buckets, vec![EMPTY; size]);
        for bucket in old.into_iter().filter(|&b| b != EMPTY) {
            place(&mut self.buckets, bucket);
        }
    }
}

fn place(buckets: &mut [u64], bucket: u64) {
    let mask = buckets.len() - 1;
    let mut at = fingerprint_of(bucket) as usize & mask;
    while buckets[at] != EMPTY {
        at = (at + 1) & mask;
    }
    buckets[at] = bucket;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_keys_survive_growth_and_shared_fingerprints() {
        let mut index = FingerprintIndex::default();
        for slot in 0..10_000u32 {
            // Every fingerprint is shared by 4 slots.
            index.insert(slot / 4, slot);
        }
        assert_eq!(index.len(), 10_000);
        for slot in (0..10_000u32).step_by(7) {
            assert_eq!(index.find(slot / 4, |s| s == slot), Some(slot));
        }
        assert_eq!(index.find(5, |s| s == 3), None);
    }
}
