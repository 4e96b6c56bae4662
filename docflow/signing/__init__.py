"""Electronic signatures that any reader can verify.

The organisation's certificate authority (`ca init`) certifies each signer's key; the key is kept
encrypted with a passphrase only the signer knows and typed at the moment of signing. Signing a
letter numbers it, stamps the signature block, a QR code to its public verification page and the
e-signature footer into the PDF, and PAdES-signs it with pyHanko (operations.sign_document). The
signing step itself sits behind `backend.Signer`, so the national signing service (BSrE) can
replace the local CA later. The public pages live in `docflow.verify`.
"""
