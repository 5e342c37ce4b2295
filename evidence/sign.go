package evidence

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
)

// Signing: the manifest is the subject of an in-toto Statement
// (https://in-toto.io/Statement/v1), wrapped in a DSSE envelope
// (https://github.com/secure-systems-lab/dsse) and signed with ed25519.
// The signer is an interface so that a hardware key, a trusted timestamp
// authority or a transparency log can take its place (docs/evidence.md).

// File names of the signature and key material.
const (
	SignatureFile = "manifest.dsse.json"
	// PayloadType is the DSSE payload type of an in-toto statement.
	PayloadType = "application/vnd.in-toto+json"
	// PredicateType names what a platscan statement asserts.
	PredicateType = "https://github.com/platscan/platscan/run/v1"
)

// Signer signs DSSE pre-authentication encodings.
type Signer interface {
	// KeyID identifies the key (for ed25519: "sha256:" + hex of the
	// public key's DER SubjectPublicKeyInfo).
	KeyID() string
	// Sign returns a signature over msg.
	Sign(ctx context.Context, msg []byte) ([]byte, error)
}

// KeyInfo is what the manifest says about the signing key.
type KeyInfo struct {
	Algorithm   string `json:"algorithm"`
	PublicKey   string `json:"public_key"` // PEM
	Fingerprint string `json:"fingerprint"`
}

// Ed25519Signer signs with an ed25519 private key.
type Ed25519Signer struct {
	key ed25519.PrivateKey
}

// NewEd25519Signer wraps key.
func NewEd25519Signer(key ed25519.PrivateKey) *Ed25519Signer { return &Ed25519Signer{key: key} }

// KeyID implements Signer.
func (s *Ed25519Signer) KeyID() string { return Fingerprint(s.key.Public().(ed25519.PublicKey)) }

// Sign implements Signer.
func (s *Ed25519Signer) Sign(_ context.Context, msg []byte) ([]byte, error) {
	return s.key.Sign(rand.Reader, msg, crypto.Hash(0))
}

// Info describes the signer's public key for the manifest.
func (s *Ed25519Signer) Info() KeyInfo {
	pub := s.key.Public().(ed25519.PublicKey)
	der, _ := x509.MarshalPKIXPublicKey(pub)
	return KeyInfo{Algorithm: "ed25519", PublicKey: string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), Fingerprint: Fingerprint(pub)}
}

// Fingerprint is "sha256:" + hex SHA-256 of the key's DER SubjectPublicKeyInfo.
func Fingerprint(pub ed25519.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(der)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// GenerateKey creates an ed25519 key, writes it to path (PKCS#8 PEM, mode
// 0600) and its public half to path+".pub", and returns it. It refuses to
// overwrite an existing key.
func GenerateKey(path string) (ed25519.PrivateKey, error) {
	if _, err := os.Stat(path); err == nil {
		return nil, fmt.Errorf("generate key: %s already exists", path)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	pder, _ := x509.MarshalPKIXPublicKey(pub)
	if err := os.WriteFile(path+".pub", pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pder}), 0o644); err != nil {
		return nil, fmt.Errorf("generate key: %w", err)
	}
	return priv, nil
}

// LoadKey reads an ed25519 private key in PKCS#8 PEM.
func LoadKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load key: %w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("load key %s: not PEM", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("load key %s: %w", path, err)
	}
	ek, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("load key %s: not an ed25519 key", path)
	}
	return ek, nil
}

// PAE is DSSE's pre-authentication encoding: the bytes actually signed.
func PAE(payloadType string, payload []byte) []byte {
	out := []byte("DSSEv1 " + strconv.Itoa(len(payloadType)) + " " + payloadType + " " + strconv.Itoa(len(payload)) + " ")
	return append(out, payload...)
}

// Statement is an in-toto v1 statement.
type Statement struct {
	Type          string    `json:"_type"`
	Subject       []Subject `json:"subject"`
	PredicateType string    `json:"predicateType"`
	Predicate     Predicate `json:"predicate"`
}

// Subject names a signed artefact by digest.
type Subject struct {
	Name   string            `json:"name"`
	Digest map[string]string `json:"digest"`
}

// Predicate is what platscan asserts about a run.
type Predicate struct {
	Platform   string `json:"platform"`
	Records    int    `json:"records"`
	ChainHead  string `json:"chain_head"`
	MerkleRoot string `json:"merkle_root"`
}

// Envelope is a DSSE envelope.
type Envelope struct {
	PayloadType string         `json:"payloadType"`
	Payload     string         `json:"payload"`
	Signatures  []EnvelopeSign `json:"signatures"`
}

// EnvelopeSign is one signature in an envelope.
type EnvelopeSign struct {
	KeyID string `json:"keyid"`
	Sig   string `json:"sig"`
}

// SignManifest signs dir/manifest.json and writes dir/manifest.dsse.json.
func SignManifest(ctx context.Context, dir string, s Signer) error {
	mb, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	var m Manifest
	if err := json.Unmarshal(mb, &m); err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	st := Statement{Type: "https://in-toto.io/Statement/v1", PredicateType: PredicateType,
		Subject:   []Subject{{Name: ManifestFile, Digest: map[string]string{"sha256": SHA256(mb)}}},
		Predicate: Predicate{Platform: m.Platform, Records: m.Records, ChainHead: m.ChainHead, MerkleRoot: m.MerkleRoot}}
	payload, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	sig, err := s.Sign(ctx, PAE(PayloadType, payload))
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	env := Envelope{PayloadType: PayloadType, Payload: base64.StdEncoding.EncodeToString(payload),
		Signatures: []EnvelopeSign{{KeyID: s.KeyID(), Sig: base64.StdEncoding.EncodeToString(sig)}}}
	b, err := json.MarshalIndent(env, "", "  ")
	if err != nil {
		return fmt.Errorf("sign: %w", err)
	}
	return WriteFile(dir, SignatureFile, append(b, '\n'))
}

// Signature errors.
var (
	ErrNoSignature  = errors.New("the run is not signed (no " + SignatureFile + ")")
	ErrBadSignature = errors.New("signature does not verify")
	// ErrManifestChanged means the signature is valid but for other
	// manifest bytes: the manifest was changed after signing.
	ErrManifestChanged = errors.New("changed after it was signed: its digest is not the one in the signed statement")
	// ErrManifestKey means the manifest's signing_key entry is damaged.
	ErrManifestKey = errors.New("manifest signing key")
)

// VerifySignature checks envelope (the bytes of manifest.dsse.json) over
// manifest (the bytes of manifest.json) with the key the manifest names.
// It returns the key's fingerprint, which a reader compares with the one
// the signer published.
func VerifySignature(manifest, envelope []byte) (string, error) {
	var m Manifest
	if err := json.Unmarshal(manifest, &m); err != nil {
		return "", fmt.Errorf("manifest: %w", err)
	}
	if m.SigningKey == nil {
		return "", fmt.Errorf("%w: none named", ErrManifestKey)
	}
	blk, _ := pem.Decode([]byte(m.SigningKey.PublicKey))
	if blk == nil {
		return "", fmt.Errorf("%w: not PEM", ErrManifestKey)
	}
	k, err := x509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrManifestKey, err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		return "", fmt.Errorf("%w: not ed25519", ErrManifestKey)
	}
	fp := Fingerprint(pub)
	if fp != m.SigningKey.Fingerprint {
		return fp, fmt.Errorf("%w: fingerprint %s does not match the key (%s)", ErrManifestKey, m.SigningKey.Fingerprint, fp)
	}
	var env Envelope
	if err := json.Unmarshal(envelope, &env); err != nil {
		return fp, fmt.Errorf("envelope: %w", err)
	}
	// JSON decoding forgives case in key names and spacing; the file must
	// be exactly what SignManifest wrote, so that no byte can change
	// unnoticed.
	if again, err := json.MarshalIndent(env, "", "  "); err != nil || !bytes.Equal(append(again, '\n'), envelope) {
		return fp, fmt.Errorf("envelope: not in the form platscan writes (edited?)")
	}
	payload, err := base64.StdEncoding.Strict().DecodeString(env.Payload)
	if err != nil {
		return fp, fmt.Errorf("envelope payload: %w", err)
	}
	verified := false
	for _, s := range env.Signatures {
		sig, err := base64.StdEncoding.Strict().DecodeString(s.Sig)
		if err == nil && s.KeyID == fp && ed25519.Verify(pub, PAE(env.PayloadType, payload), sig) {
			verified = true
		}
	}
	if !verified || env.PayloadType != PayloadType {
		return fp, ErrBadSignature
	}
	var st Statement
	if err := json.Unmarshal(payload, &st); err != nil {
		return fp, fmt.Errorf("statement: %w", err)
	}
	if len(st.Subject) != 1 || st.Subject[0].Digest["sha256"] != SHA256(manifest) {
		return fp, ErrManifestChanged
	}
	return fp, nil
}
