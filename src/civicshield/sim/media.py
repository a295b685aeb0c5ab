"""Test media with and without C2PA Content Credentials.

Content detectors and their tests sign their own fixtures with this module
instead of shipping binary files.  Signing uses a throw-away ES256 chain
(CA + leaf) made with ``cryptography``: c2pa-rs refuses a self-signed leaf
and wants a leaf that is not a CA, carries ``digitalSignature`` and an
extended key usage, so the chain mirrors what a real signing service issues.
Readers report such files as valid but ``signingCredential.untrusted``
(the CA is in no trust list), exactly like media from an unknown tool.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import c2pa
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID
from PIL import Image, ImageDraw

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"
AI_SOURCE_TYPES = ("trainedAlgorithmicMedia", "compositeWithTrainedAlgorithmicMedia", "algorithmicMedia")


@dataclass(frozen=True)
class SigningIdentity:
    """A PEM certificate chain (leaf first) and the leaf's PKCS#8 key."""

    cert_chain_pem: bytes
    private_key_pem: bytes
    tool: str = "civicshield-sim"


def _name(cn: str, org: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)])


def _usage(sign: bool) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign, content_commitment=False, key_encipherment=False, data_encipherment=False,
        key_agreement=False, key_cert_sign=not sign, crl_sign=not sign, encipher_only=False, decipher_only=False,
    )


def make_identity(org: str = "civicshield test signer", tool: str = "civicshield-sim") -> SigningIdentity:
    """A fresh CA and leaf certificate for ES256 signing (valid 2020-2040)."""
    start, end = dt.datetime(2020, 1, 1, tzinfo=dt.UTC), dt.datetime(2040, 1, 1, tzinfo=dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder().subject_name(_name(f"{org} CA", org)).issuer_name(_name(f"{org} CA", org))
        .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(sign=False), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder().subject_name(_name(f"{org} signer", org)).issuer_name(ca.subject)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(start).not_valid_after(end)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(sign=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    return SigningIdentity(
        cert_chain_pem=leaf.public_bytes(pem) + ca.public_bytes(pem),
        private_key_pem=key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()),
        tool=tool,
    )


@lru_cache(maxsize=1)
def default_identity() -> SigningIdentity:
    """One identity per process: key generation is the slow part of signing."""
    return make_identity()


def jpeg_bytes(title: str, size: tuple[int, int] = (96, 96), seed: int = 0) -> bytes:
    """A small, plausible-looking JPEG (gradient, shapes, caption)."""
    w, h = size
    base = (seed * 53 % 200 + 30, seed * 97 % 200 + 30, seed * 29 % 200 + 30)
    img = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(img)
    for i in range(0, h, 4):
        draw.line([(0, i), (w, i)], fill=(base[0], (base[1] + i) % 256, (base[2] + 2 * i) % 256))
    draw.ellipse([w // 4, h // 4, 3 * w // 4, 3 * h // 4], outline=(255, 255, 255), width=2)
    draw.text((4, h - 14), title[:14], fill=(255, 255, 255))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=80)
    return buf.getvalue()


def plain_jpeg(out_path: Path, title: str = "photo", seed: int = 0) -> Path:
    """A JPEG without Content Credentials."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_bytes(jpeg_bytes(title, seed=seed))
    return out_path


def _signer(identity: SigningIdentity) -> c2pa.Signer:
    info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, identity.cert_chain_pem, identity.private_key_pem, None)
    return c2pa.Signer.from_info(info)


def sign_jpeg(
    out_path: Path,
    digital_source_type: str | None,
    title: str,
    identity: SigningIdentity | None = None,
    seed: int = 0,
) -> Path:
    """Write a JPEG carrying a signed C2PA manifest.

    With ``digital_source_type`` (``trainedAlgorithmicMedia``, ... or a full
    IPTC URI) the manifest says the image was created by that process
    (``c2pa.created``).  With ``None`` it records an ordinary photo edit:
    ``c2pa.opened`` on a parent ingredient followed by colour adjustments,
    which is not AI generation.
    """
    identity = identity or default_identity()
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    manifest: dict = {
        "claim_generator_info": [{"name": identity.tool, "version": "1.0"}],
        "title": title,
        "format": "image/jpeg",
    }
    if digital_source_type is not None:
        dst = digital_source_type if "/" in digital_source_type else IPTC + digital_source_type
        actions = [{"action": "c2pa.created", "digitalSourceType": dst}]
    else:
        actions = [{"action": "c2pa.opened", "parameters": {"ingredientIds": ["parent"]}},
                   {"action": "c2pa.color_adjustments"}]
    manifest["assertions"] = [{"label": "c2pa.actions.v2", "data": {"actions": actions}}]
    builder = c2pa.Builder(manifest)
    try:
        if digital_source_type is None:
            parent = io.BytesIO(jpeg_bytes("original", seed=seed + 1))
            builder.add_ingredient({"title": "original.jpg", "relationship": "parentOf", "label": "parent"},
                                   "image/jpeg", parent)
        source = io.BytesIO(jpeg_bytes(title, seed=seed))
        signer = _signer(identity)
        try:
            with open(out_path, "wb") as dest:
                builder.sign(signer, "image/jpeg", source, dest)
        finally:
            signer.close()
    finally:
        builder.close()
    return out_path
