//! HTTPS without a reverse proxy: a certificate and key from files, or a
//! self-signed certificate made on first use and kept in `<data_dir>/tls/`.
//! Phones need HTTPS for the scanner's camera and for the session cookie,
//! so this is how gate staff scan against a server on the same network.
//! The listener itself is `tessera_web::TlsListener`.

use anyhow::{Context, Result, anyhow};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, pem::PemObject};

/// A certificate chain and its key, with the SHA-256 fingerprint of the
/// leaf to print for people who check it by eye.
pub struct Identity {
    pub chain: Vec<CertificateDer<'static>>,
    pub key: PrivateKeyDer<'static>,
    pub fingerprint: String,
}

fn fingerprint(cert: &CertificateDer<'_>) -> String {
    Sha256::digest(cert.as_ref()).iter().map(|b| format!("{b:02X}")).collect::<Vec<_>>().join(":")
}

/// Reads a PEM certificate chain and private key.
pub fn load(cert_file: &Path, key_file: &Path) -> Result<Identity> {
    let chain = CertificateDer::pem_file_iter(cert_file)
        .with_context(|| format!("reading {}", cert_file.display()))?
        .collect::<Result<Vec<_>, _>>()
        .with_context(|| format!("reading {}", cert_file.display()))?;
    let leaf = chain.first().ok_or_else(|| anyhow!("{} holds no certificate", cert_file.display()))?;
    let fingerprint = fingerprint(leaf);
    let key = PrivateKeyDer::from_pem_file(key_file).with_context(|| format!("reading {}", key_file.display()))?;
    Ok(Identity { chain, key, fingerprint })
}

/// The address this machine uses towards other networks (no packet is sent):
/// what a phone on the same network types in.
pub fn lan_address() -> Option<std::net::IpAddr> {
    let s = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    s.connect("192.0.2.1:9").ok()?;
    s.local_addr().ok().map(|a| a.ip()).filter(|ip| !ip.is_unspecified() && !ip.is_loopback())
}

/// The self-signed identity in `dir`, made (for localhost, this machine's
/// LAN address and `extra` names) when missing.
pub fn self_signed(dir: &Path, extra: &[String]) -> Result<Identity> {
    let cert_file = dir.join("cert.pem");
    let key_file = dir.join("key.pem");
    if cert_file.exists() && key_file.exists() {
        return load(&cert_file, &key_file);
    }
    let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "::1".to_string()];
    names.extend(lan_address().map(|ip| ip.to_string()));
    names.extend(extra.iter().cloned());
    names.sort();
    names.dedup();
    let made = rcgen::generate_simple_self_signed(names).context("making a self-signed certificate")?;
    tessera_store::create_private_dir(dir).with_context(|| format!("creating {}", dir.display()))?;
    write_private(&key_file, made.signing_key.serialize_pem().as_bytes())?;
    std::fs::write(&cert_file, made.cert.pem()).with_context(|| format!("writing {}", cert_file.display()))?;
    load(&cert_file, &key_file)
}

fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path).with_context(|| format!("creating {}", path.display()))?;
    f.write_all(bytes).with_context(|| format!("writing {}", path.display()))
}

/// A server TLS configuration for `identity` (HTTP/1.1).
pub fn server_config(identity: Identity) -> Result<Arc<ServerConfig>> {
    let mut config = ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(identity.chain, identity.key)
        .context("the certificate and key do not match")?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}
