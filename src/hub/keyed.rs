//! What leaves the desk in place of ID numbers and phones: HMAC-SHA256 under the county
//! key (an unkeyed hash of an ID number is enumerable in minutes), and free text with any
//! run of eleven or more digits taken out.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The county key and its id, as the enrolment file carries them.
#[derive(Clone)]
pub struct CountyKey {
    pub id: String,
    /// The HMAC keyed once: each hash starts from a copy (a sync hashes a million).
    keyed: Hmac<Sha256>,
}

impl std::fmt::Debug for CountyKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "CountyKey({}, …)", self.id)
    }
}

impl CountyKey {
    /// From the key's hex form; None if it is not 32 bytes of hex.
    pub fn from_hex(id: &str, hex: &str) -> Option<CountyKey> {
        let key = decode_hex(hex)?;
        (key.len() == 32).then(|| CountyKey {
            id: id.to_string(),
            keyed: Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes any key length"),
        })
    }

    fn mac(&self, text: &str) -> String {
        let mut m = self.keyed.clone();
        m.update(text.as_bytes());
        format!("{}:{}", self.id, base64url(&m.finalize().into_bytes()))
    }

    /// `key_id:base64url(HMAC(key, "cnid:v1:" + the 18-character number, X upper-case))`.
    /// A 15-digit number is first made 18 (19 before the year, the check character
    /// computed), so both forms of one person's number hash alike. None for no number.
    pub fn id_number(&self, raw: &str) -> Option<String> {
        let n = normalise_id(raw)?;
        Some(self.mac(&format!("cnid:v1:{n}")))
    }

    /// `key_id:base64url(HMAC(key, "phone:v1:" + E.164))`. None for no phone.
    pub fn phone(&self, e164: &str) -> Option<String> {
        let p = e164.trim();
        if p.is_empty() {
            return None;
        }
        Some(self.mac(&format!("phone:v1:{p}")))
    }
}

/// An ID number as 18 characters, X upper-case; a 15-digit one converted.
pub fn normalise_id(raw: &str) -> Option<String> {
    let s: String = raw
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_ascii_uppercase();
    if s.is_empty() {
        return None;
    }
    if s.len() == 15 && s.bytes().all(|b| b.is_ascii_digit()) {
        let first17 = format!("{}19{}", &s[..6], &s[6..]);
        let check = crate::domain::id_number::check_char(&first17);
        return Some(format!("{first17}{check}"));
    }
    Some(s)
}

/// Free text as it goes to the hub: every run of 11 or more digits (a phone or an ID
/// number typed into a summary, digits apart by single spaces or dashes counted together,
/// full-width digits too, an ID number's final X with them) becomes `[…]`.
pub fn scrub(text: &str) -> std::borrow::Cow<'_, str> {
    crate::domain::digit_runs::replace_runs(text, |digits| {
        (digits.len() >= 11).then(|| "[…]".to_string())
    })
}

/// base64url without padding: no long runs of digits, unlike hex (a hex digest can hold
/// seventeen digits in a row and look like an ID number).
pub fn base64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..=chunk.len() {
            out.push(A[((n >> (18 - 6 * k)) & 63) as usize] as char);
        }
    }
    out
}

pub fn decode_hex(hex: &str) -> Option<Vec<u8>> {
    let hex = hex.trim();
    if !hex.len().is_multiple_of(2) {
        return None;
    }
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok())
        .collect()
}

pub fn encode_hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `n` random bytes from the system.
pub fn random_bytes(n: usize) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = vec![0u8; n];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut buf)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifteen_and_eighteen_hash_alike() {
        let k = CountyKey::from_hex("k1", &"ab".repeat(32)).unwrap();
        // 110105490101002 is the 15-digit form of 11010519490101002X's first 17.
        let eighteen = normalise_id("110105490101002").unwrap();
        assert_eq!(eighteen.len(), 18);
        assert_eq!(k.id_number("110105490101002"), k.id_number(&eighteen));
        assert_eq!(
            k.id_number(&eighteen.to_lowercase()),
            k.id_number(&eighteen)
        );
        assert!(k.id_number("").is_none());
    }

    #[test]
    fn scrub_takes_phones_and_ids_out() {
        assert_eq!(scrub("电话13800138000请回电"), "电话[…]请回电");
        assert_eq!(scrub("138 0013 8000"), "[…]");
        assert_eq!(scrub("身份证11010519491231002X。"), "身份证[…]。");
        assert_eq!(
            scrub("欠薪 12000 元,2026-11-30"),
            "欠薪 12000 元,2026-11-30"
        );
        assert_eq!(scrub("１３８００１３８０００"), "[…]");
    }

    #[test]
    fn base64url_matches_known_vectors() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }
}
