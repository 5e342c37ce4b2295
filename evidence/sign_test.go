package evidence

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// The DSSE spec's example: PAE of "http://example.com/HelloWorld" and "hello world".
func TestPAE(t *testing.T) {
	got := string(PAE("http://example.com/HelloWorld", []byte("hello world")))
	if got != "DSSEv1 29 http://example.com/HelloWorld 11 hello world" {
		t.Fatal(got)
	}
}

func TestSignatureStatement(t *testing.T) {
	dir := writeRun(t)
	env, _ := os.ReadFile(filepath.Join(dir, SignatureFile))
	var e Envelope
	if err := json.Unmarshal(env, &e); err != nil {
		t.Fatal(err)
	}
	payload, _ := base64.StdEncoding.DecodeString(e.Payload)
	var st Statement
	json.Unmarshal(payload, &st)
	mb, _ := os.ReadFile(filepath.Join(dir, ManifestFile))
	if st.Type != "https://in-toto.io/Statement/v1" || st.Subject[0].Digest["sha256"] != SHA256(mb) || st.Predicate.MerkleRoot == "" || e.PayloadType != PayloadType {
		t.Fatalf("statement %+v", st)
	}
	// A valid signature over another manifest is rejected.
	other := append([]byte(nil), mb...)
	other = append(other, ' ')
	if _, err := VerifySignature(other, env); !errors.Is(err, ErrManifestChanged) {
		t.Fatal("signature accepted for a different manifest")
	}
}

func TestGenerateAndLoadKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys", "platscan.pem")
	k, err := GenerateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("private key mode %v", fi.Mode().Perm())
	}
	l, err := LoadKey(path)
	if err != nil || !l.Equal(k) {
		t.Fatalf("load: %v", err)
	}
	if _, err := GenerateKey(path); err == nil {
		t.Fatal("overwrote an existing key")
	}
}
