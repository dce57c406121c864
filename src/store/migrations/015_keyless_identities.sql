-- Keyless signers (issue 15): besides public keys, a project may trust an identity that signs with short-lived
-- certificates (cosign keyless: OIDC issuer + subject), vouched for by a sigstore trusted root the project gives
-- (canonical JSON). Rules' `signed_by` names either kind. The fingerprint of an identity is SHA-256 over issuer,
-- subject and trusted root; signature_checks name it as they name a key.
ALTER TABLE trusted_keys ADD COLUMN kind text NOT NULL DEFAULT 'key';
ALTER TABLE trusted_keys ALTER COLUMN public_key_pem DROP NOT NULL;
ALTER TABLE trusted_keys ADD COLUMN issuer text;
ALTER TABLE trusted_keys ADD COLUMN subject text;
ALTER TABLE trusted_keys ADD COLUMN trusted_root text;
ALTER TABLE trusted_keys ADD CONSTRAINT trusted_keys_kind CHECK (
  (kind = 'key' AND public_key_pem IS NOT NULL)
  OR (kind = 'keyless' AND issuer IS NOT NULL AND subject IS NOT NULL AND trusted_root IS NOT NULL)
);
