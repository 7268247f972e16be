//! Record ids: UUID v7 (RFC 9562), in the order this process makes them, as
//! `uuid::Uuid::now_v7` makes them — but without asking the system for random bytes for
//! each id. A ledger's import makes three ids a row, and that system call was about 3 % of
//! its time (issue 16). The random bits come from a generator seeded once from the
//! system's; the counter, reseeded each millisecond, is the `uuid` crate's own.

use std::sync::{Mutex, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use uuid::{Builder, ClockSequence, ContextV7, Uuid};

/// xoshiro256++: a fast generator for the bits of an id that are neither time nor
/// counter. Its seed is the system's randomness, once per process.
struct Bits([u64; 4]);

impl Bits {
    fn seeded() -> Bits {
        use std::hash::BuildHasher;
        // Two sources of the system's randomness: a v7 id (74 random bits, from the
        // system's generator) and the standard library's hash keys (random per process).
        let seed = Uuid::now_v7().as_u128()
            ^ u128::from(std::hash::RandomState::new().hash_one(std::process::id()));
        let bytes = seed.to_le_bytes();
        let half = |b: &[u8]| u64::from_le_bytes(b.try_into().expect("eight bytes"));
        let mut x = half(&bytes[..8]) ^ half(&bytes[8..]).rotate_left(17);
        // splitmix64 spreads the seed over the four words (never all zero).
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Bits([next(), next(), next(), next()])
    }

    fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let out = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        out
    }

    fn next_u128(&mut self) -> u128 {
        (u128::from(self.next_u64()) << 64) | u128::from(self.next_u64())
    }
}

struct Maker {
    /// The millisecond and its counter (42 bits, reseeded at random each millisecond,
    /// moved on a millisecond when it runs out): ids made later sort later.
    context: ContextV7,
    bits: Bits,
}

static MAKER: Mutex<Option<Maker>> = Mutex::new(None);

/// A new UUID v7: the current millisecond, this process's counter, random bits.
pub(super) fn next() -> Uuid {
    let mut maker = MAKER.lock().unwrap_or_else(PoisonError::into_inner);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let maker = maker.get_or_insert_with(|| Maker {
        context: ContextV7::new(),
        bits: Bits::seeded(),
    });
    let (counter, seconds, nanos) = maker
        .context
        .generate_timestamp_sequence(now.as_secs(), now.subsec_nanos());
    let random = maker.bits.next_u128();
    let millis = seconds
        .saturating_mul(1000)
        .saturating_add(u64::from(nanos / 1_000_000));
    let counter_bits = u32::try_from(maker.context.usable_bits()).unwrap_or(42);
    Builder::from_unix_timestamp_millis(millis, &counter_and_random(counter, counter_bits, random))
        .into_uuid()
}

/// The 80 bits after the time, laid out as `Uuid::new_v7` lays them out: the counter
/// below the version nibble and around the variant, random bits after it.
fn counter_and_random(counter: u64, counter_bits: u32, random: u128) -> [u8; 10] {
    const RAND_A_BITS: u32 = 12;
    let mut counter = u128::from(counter);
    let mut counter_bits = counter_bits.min(RAND_A_BITS + 62);
    if counter_bits > RAND_A_BITS {
        let mask = u128::MAX << (counter_bits - RAND_A_BITS);
        counter = (counter & !mask) | ((counter & mask) << 2);
        counter_bits += 2;
    }
    let shift = 124 - counter_bits;
    let value = (random & (u128::MAX >> (128 - shift))) | (counter << shift);
    let mut out = [0u8; 10];
    out.copy_from_slice(&value.to_be_bytes()[..10]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_version_7_unique_and_in_the_order_made() {
        let ids: Vec<Uuid> = (0..20_000).map(|_| next()).collect();
        assert!(ids.iter().all(|u| u.get_version_num() == 7));
        assert!(
            ids.iter()
                .all(|u| u.get_variant() == uuid::Variant::RFC4122)
        );
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "ids sort in the order made"
        );
        let text: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        assert!(text.windows(2).all(|w| w[0] < w[1]), "as text too");
    }

    #[test]
    fn an_id_carries_the_time_it_was_made() {
        let before = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        let id = next();
        let after = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
        let (secs, nanos) = id.get_timestamp().expect("v7 has a time").to_unix();
        let millis = u128::from(secs) * 1000 + u128::from(nanos / 1_000_000);
        assert!(before.as_millis() <= millis && millis <= after.as_millis() + 1);
    }

    #[test]
    fn the_random_bits_differ_between_ids_of_one_millisecond() {
        let a = counter_and_random(5, 42, 0x1234_5678_9abc_def0);
        let b = counter_and_random(5, 42, 0x0fed_cba9_8765_4321);
        assert_ne!(a, b);
        // The counter's bits are the same, the last four bytes are the random ones.
        assert_eq!(a[..6], b[..6]);
    }
}
