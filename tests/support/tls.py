"""Throw-away TLS material for broker tests, made with the ``openssl`` command line.

A private CA signs a broker certificate for 127.0.0.1 (SAN IP and ``localhost``) and a client certificate;
keys are unencrypted PKCS#8 PEM (EC P-256: quick to make), which both Kafka (inline PEM key store) and
Python's ``ssl`` read.
Nothing here is fit for production: short-lived, unprotected keys, generated per test run.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

VALID_DAYS = 2
_NEW_KEY = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1")


@dataclass(frozen=True)
class TlsMaterial:
    """PEM files: the CA certificate, the broker's certificate and key, a client's certificate and key."""

    ca_cert: Path
    broker_cert: Path
    broker_key: Path
    client_cert: Path
    client_key: Path


def openssl_available() -> bool:
    return shutil.which("openssl") is not None


def _openssl(*args: str, cwd: Path) -> None:
    result = subprocess.run(["openssl", *args], cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"openssl {' '.join(args[:2])} failed: {result.stderr.strip()}")


def _self_signed_ca(directory: Path, name: str) -> tuple[Path, Path]:
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    _openssl(
        "req",
        "-x509",
        *_NEW_KEY,
        "-nodes",
        "-keyout",
        key.name,
        "-out",
        cert.name,
        "-days",
        str(VALID_DAYS),
        "-subj",
        f"/CN={name}",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        cwd=directory,
    )
    return cert, key


def _signed(directory: Path, name: str, ca: tuple[Path, Path], extensions: str) -> tuple[Path, Path]:
    cert, key = directory / f"{name}.pem", directory / f"{name}.key"
    request, extfile = directory / f"{name}.csr", directory / f"{name}.ext"
    extfile.write_text(extensions, encoding="ascii")
    _openssl(
        "req",
        *_NEW_KEY,
        "-nodes",
        "-keyout",
        key.name,
        "-out",
        request.name,
        "-subj",
        f"/CN={name}",
        cwd=directory,
    )
    _openssl(
        "x509",
        "-req",
        "-in",
        request.name,
        "-CA",
        str(ca[0]),
        "-CAkey",
        str(ca[1]),
        "-CAcreateserial",
        "-out",
        cert.name,
        "-days",
        str(VALID_DAYS),
        "-sha256",
        "-extfile",
        extfile.name,
        cwd=directory,
    )
    return cert, key


def make_tls_material(directory: Path) -> TlsMaterial:
    """In directory: a CA, a broker certificate for 127.0.0.1 and localhost, and a client certificate."""
    directory.mkdir(parents=True, exist_ok=True)
    ca = _self_signed_ca(directory, "test-ca")
    broker = _signed(
        directory,
        "broker",
        ca,
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth,clientAuth\n",
    )
    client = _signed(directory, "client", ca, "extendedKeyUsage=clientAuth\n")
    return TlsMaterial(
        ca_cert=ca[0],
        broker_cert=broker[0],
        broker_key=broker[1],
        client_cert=client[0],
        client_key=client[1],
    )


def make_unrelated_ca(directory: Path) -> Path:
    """A CA certificate that signed nothing the broker presents: trusting only it must fail the handshake."""
    directory.mkdir(parents=True, exist_ok=True)
    return _self_signed_ca(directory, "other-ca")[0]
