//! Encrypted ID tokens (JWE, RFC 7516), which some national logins send so that only the
//! portal can read a citizen's data: RSA-OAEP-256 key wrapping with A128GCM or A256GCM
//! content encryption. `openidconnect` reads signed tokens only; this opens the envelope and
//! hands it the signed token inside. The public part of the key is published at
//! `/.well-known/jwks.json` for the provider to encrypt with.

use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes128Gcm, Aes256Gcm, Nonce};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rsa::pkcs1::DecodeRsaPrivateKey;
use rsa::traits::PublicKeyParts;
use rsa::{Oaep, RsaPrivateKey};
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// The portal's decryption key.
pub struct DecryptionKey {
    key: RsaPrivateKey,
    kid: String,
}

#[derive(Deserialize)]
struct Header {
    alg: String,
    enc: String,
}

impl DecryptionKey {
    /// Reads a PKCS#1 RSA private key (`-----BEGIN RSA PRIVATE KEY-----`).
    pub fn load(path: &std::path::Path) -> Result<Self, String> {
        let pem = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let key = RsaPrivateKey::from_pkcs1_pem(&pem)
            .map_err(|e| format!("{}: not a PKCS#1 RSA private key: {e}", path.display()))?;
        let kid = format!("enc-{}", hex::encode(&Sha256::digest(pem.trim().as_bytes())[..12]));
        Ok(Self { key, kid })
    }

    /// The public key, as published.
    pub fn public_jwk(&self) -> serde_json::Value {
        let b64 = |n: &rsa::BigUint| URL_SAFE_NO_PAD.encode(n.to_bytes_be());
        serde_json::json!({
            "kty": "RSA", "use": "enc", "alg": "RSA-OAEP-256", "kid": self.kid,
            "n": b64(self.key.n()), "e": b64(self.key.e()),
        })
    }

    /// The signed token inside a compact JWE.
    pub fn decrypt(&self, jwe: &str) -> Result<String, String> {
        let parts: Vec<&str> = jwe.split('.').collect();
        let [header_b64, key_b64, iv_b64, text_b64, tag_b64] = parts[..] else {
            return Err(format!("an encrypted token has 5 parts, this one {}", parts.len()));
        };
        let decode = |part: &str, what: &str| URL_SAFE_NO_PAD.decode(part).map_err(|e| format!("JWE {what}: {e}"));
        let header: Header =
            serde_json::from_slice(&decode(header_b64, "header")?).map_err(|e| format!("JWE header: {e}"))?;
        if header.alg != "RSA-OAEP-256" {
            return Err(format!("key encryption {} is not supported (RSA-OAEP-256)", header.alg));
        }
        let cek = self
            .key
            .decrypt(Oaep::new::<Sha256>(), &decode(key_b64, "key")?)
            .map_err(|_| "the content key is not encrypted to the portal's key".to_string())?;
        let iv = decode(iv_b64, "iv")?;
        if iv.len() != 12 {
            return Err("JWE iv is not 96 bits".into());
        }
        let mut sealed = decode(text_b64, "ciphertext")?;
        sealed.extend(decode(tag_b64, "tag")?);
        let payload = Payload { msg: &sealed, aad: header_b64.as_bytes() };
        let nonce = Nonce::from_slice(&iv);
        let plain = match header.enc.as_str() {
            "A256GCM" => Aes256Gcm::new_from_slice(&cek).map_err(|_| "bad content key")?.decrypt(nonce, payload),
            "A128GCM" => Aes128Gcm::new_from_slice(&cek).map_err(|_| "bad content key")?.decrypt(nonce, payload),
            other => return Err(format!("content encryption {other} is not supported (A128GCM, A256GCM)")),
        }
        .map_err(|_| "the encrypted token was altered or is not for the portal".to_string())?;
        String::from_utf8(plain).map_err(|_| "the decrypted token is not text".into())
    }
}
