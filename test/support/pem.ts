// A client certificate and its key in PEM, for tests of the TLS options that never connect with
// them: a throwaway self-signed EC key made for these tests (CN=synced-test-fixture), trusted by
// nothing. Tests against real servers use the certificates of scripts/certs.sh instead.
import { generateKeyPairSync } from "node:crypto";

export const CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBkjCCATmgAwIBAgIUBw+vMdvnztm/ESYyXjc0sqoE+VswCgYIKoZIzj0EAwIw
HjEcMBoGA1UEAwwTc3luY2VkLXRlc3QtZml4dHVyZTAgFw0yNjEyMDMxOTIxMDJa
GA8yMTI2MTEwOTE5MjEwMlowHjEcMBoGA1UEAwwTc3luY2VkLXRlc3QtZml4dHVy
ZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABJ3pMxzWVUD43k8jGqQfa2KFX8+z
amIgwAyWVytoxLR6VUHCBLQHmdixjryGvD8hQCX0YoQXy44meKRr3iefFd2jUzBR
MB0GA1UdDgQWBBRfyX4vOcKhGcXhYWcsRlzkT6xcRjAfBgNVHSMEGDAWgBRfyX4v
OcKhGcXhYWcsRlzkT6xcRjAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0cA
MEQCIC/mWhEKZSxVoKJfECkBH+gYN4h4Af9AqKitiF+gS+UAAiBE8I6mc9ac+BfQ
EjGj0g8QJFj0j2wQeo3j7/qmafwlUQ==
-----END CERTIFICATE-----
`;

export const KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQghFnsQZThUx39ar6h
j3BpJVnDGNBcLFgRKgIgXWGajoWhRANCAASd6TMc1lVA+N5PIxqkH2tihV/Ps2pi
IMAMllcraMS0elVBwgS0B5nYsY68hrw/IUAl9GKEF8uOJnika94nnxXd
-----END PRIVATE KEY-----
`;

/** KEY_PEM's key under a passphrase, as `openssl pkey -aes256` writes it. */
export const ENCRYPTED_KEY_PEM = `-----BEGIN ENCRYPTED PRIVATE KEY-----
MIHsMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAgJv4kVX2AyVwICCAAw
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEAyofRGNSga+m5muM+4vscwEgZBo
Kx9qACN+FxucDE2PIcCLFSaBLcYNESm4ZYoXjVbZrITb8DNnjojHhI2iUvMNBtbs
zg9e/7NgAz0NkOj57FS/7zGZBpzUV5IPukUb7pKQkvoFQTD8jMAFdTNldAmJJ/J/
AhjgcKz5No5EVIrntLNDunVictYhMPENyLCi8Wbdes+geGpEe6C/1UYCxWDpthI=
-----END ENCRYPTED PRIVATE KEY-----
`;

/** A private key of another certificate. */
export function otherKeyPem(): string {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  return privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

/**
 * A client certificate that expired on 2020-02-01 (valid from 2020-01-01, CN=synced-test-expired,
 * self-signed, clientAuth), and its key.
 */
export const EXPIRED_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBbjCCAROgAwIBAgICEAAwCgYIKoZIzj0EAwIwHjEcMBoGA1UEAwwTc3luY2Vk
LXRlc3QtZXhwaXJlZDAeFw0yMDAxMDEwMDAwMDBaFw0yMDAyMDEwMDAwMDBaMB4x
HDAaBgNVBAMME3N5bmNlZC10ZXN0LWV4cGlyZWQwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAASPDm0uS+0aAqpTeqYERTA4pBx8yoV4q3gwATkC9TY7wPLPBGlQFjwj
84wDvRSC/U4HJmLHNTsGamvDB7z4NM29o0EwPzAJBgNVHRMEAjAAMBMGA1UdJQQM
MAoGCCsGAQUFBwMCMB0GA1UdDgQWBBTuVCAly+ciZiq0GkpCO3uCEhJWZjAKBggq
hkjOPQQDAgNJADBGAiEAslF80pl5X0TYIqoLA4UIZEYmYm5nYgvntfoX9y1QuBYC
IQCfmazY+2BT0mIaD8D75lsHjDm06zRr5FMDR7ZoEFaG+g==
-----END CERTIFICATE-----
`;

export const EXPIRED_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgS9JKCEtq5FdlVdZ4
Nyt5gOL1Lmb7bMQvY8UJkMKcsWKhRANCAASPDm0uS+0aAqpTeqYERTA4pBx8yoV4
q3gwATkC9TY7wPLPBGlQFjwj84wDvRSC/U4HJmLHNTsGamvDB7z4NM29
-----END PRIVATE KEY-----
`;
