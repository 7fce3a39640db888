// A certificate and a header check: AL303 stays silent.
export const certificate = `-----BEGIN CERTIFICATE-----
MIIBszCCAVmgAwIBAgIUE0xA
-----END CERTIFICATE-----`;
export const isKey = (text: string) => text.startsWith("-----BEGIN EC PRIVATE KEY-----");
