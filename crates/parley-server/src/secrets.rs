//! Secrets: random codes for sessions, tokens and invitations, their SHA-256 hashes (what the
//! database keeps), and argon2id password hashing.
//!
//! Session ids and tokens carry 256 random bits, so a fast hash is enough to store them; only
//! passwords, which people choose, need argon2's deliberate slowness.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use sha2::{Digest, Sha256};

/// The prefix of personal API tokens: lets secret scanners and people recognise one.
pub const TOKEN_PREFIX: &str = "parley_";

/// 32 random bytes as 64 hex digits.
pub fn random_code() -> String {
    let mut bytes = [0u8; 32];
    // The operating system's generator failing means the machine cannot make secrets at all;
    // continuing would hand out predictable ones.
    getrandom::fill(&mut bytes).expect("the operating system's random generator failed");
    hex(&bytes)
}

/// A new personal API token.
pub fn new_token() -> String {
    format!("{TOKEN_PREFIX}{}", random_code())
}

/// The SHA-256 of `secret` in hex: how sessions, tokens and invitation codes are looked up.
pub fn hash_secret(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

/// SHA-256 of arbitrary bytes in hex (request fingerprints for idempotency).
pub fn fingerprint(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// argon2id with OWASP's second recommended setting (19 MiB, 2 passes, 1 lane): ~30 ms here,
/// slow for a guesser, bearable for a login.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// The PHC string of `password` with a fresh salt. CPU-heavy: call from `spawn_blocking`.
pub fn hash_password(password: &str) -> String {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt).expect("the operating system's random generator failed");
    let salt = SaltString::encode_b64(&salt).expect("16 bytes make a valid salt");
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("argon2 hashes any password up to its length limit")
        .to_string()
}

/// Whether `password` matches the PHC string `phc`. A malformed stored hash never matches.
/// CPU-heavy: call from `spawn_blocking`.
pub fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| argon2().verify_password(password.as_bytes(), &h).is_ok())
}

/// A PHC string that matches no password, verified when a login names an unknown address so
/// that such a login takes as long as a wrong password (no account enumeration by timing).
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password(&random_code()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse battery");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterz", &h));
        assert!(!verify_password("anything", "not a phc string"));
    }

    #[test]
    fn codes_are_random_and_hashes_stable() {
        assert_ne!(random_code(), random_code());
        assert_eq!(random_code().len(), 64);
        assert!(new_token().starts_with(TOKEN_PREFIX));
        assert_eq!(
            hash_secret("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
