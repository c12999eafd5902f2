//! A private key `openidconnect`'s token builders can sign with: RSA (its own type) or ECDSA
//! P-256, for which it has verification but no signing key, so RustCrypto's `p256` signs.
//! The hub signs ID and logout tokens with it; the portal signs its client assertions.

use openidconnect::core::{CoreJsonCurveType, CoreJsonWebKey, CoreJwsSigningAlgorithm, CoreRsaPrivateSigningKey};
use openidconnect::{JsonWebKeyId, PrivateSigningKey, SigningError};
use p256::ecdsa::signature::Signer;

/// A signing key and the algorithm it signs with.
pub enum SigningKey {
    /// ECDSA P-256 with SHA-256 (ES256).
    Es256 {
        /// The key.
        key: p256::ecdsa::SigningKey,
        /// Its public JWK.
        public: CoreJsonWebKey,
    },
    /// RSA, with RS256 or PS256.
    Rsa {
        /// The key.
        key: CoreRsaPrivateSigningKey,
        /// The algorithm.
        alg: CoreJwsSigningAlgorithm,
    },
}

impl SigningKey {
    /// A P-256 key published under `kid`.
    pub fn es256(key: p256::ecdsa::SigningKey, kid: Option<String>) -> Self {
        let public = ec_public(&key, kid);
        SigningKey::Es256 { key, public }
    }

    /// The JWS algorithm it signs with.
    pub fn algorithm(&self) -> CoreJwsSigningAlgorithm {
        match self {
            SigningKey::Es256 { .. } => CoreJwsSigningAlgorithm::EcdsaP256Sha256,
            SigningKey::Rsa { alg, .. } => alg.clone(),
        }
    }
}

impl PrivateSigningKey for SigningKey {
    type VerificationKey = CoreJsonWebKey;

    fn sign(&self, alg: &CoreJwsSigningAlgorithm, message: &[u8]) -> Result<Vec<u8>, SigningError> {
        match (self, alg) {
            (SigningKey::Es256 { key, .. }, CoreJwsSigningAlgorithm::EcdsaP256Sha256) => {
                let signature: p256::ecdsa::Signature = key.sign(message);
                Ok(signature.to_bytes().to_vec())
            }
            (SigningKey::Rsa { key, .. }, alg) => key.sign(alg, message),
            (_, alg) => Err(SigningError::UnsupportedAlg(format!("{alg:?}"))),
        }
    }

    fn as_verification_key(&self) -> CoreJsonWebKey {
        match self {
            SigningKey::Es256 { public, .. } => public.clone(),
            SigningKey::Rsa { key, .. } => key.as_verification_key(),
        }
    }
}

/// The public JWK of a P-256 key.
pub fn ec_public(key: &p256::ecdsa::SigningKey, kid: Option<String>) -> CoreJsonWebKey {
    let point = key.verifying_key().to_sec1_point(false);
    let bytes = point.as_bytes();
    // Uncompressed SEC1: 0x04, then x and y, 32 bytes each.
    CoreJsonWebKey::new_ec(
        bytes[1..33].to_vec(),
        bytes[33..65].to_vec(),
        CoreJsonCurveType::P256,
        kid.map(JsonWebKeyId::new),
    )
}
