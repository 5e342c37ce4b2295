package evidence

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
)

func ids(n int) []string {
	out := make([]string, n)
	for i := range out {
		s := sha256.Sum256([]byte(fmt.Sprint(i)))
		out[i] = hex.EncodeToString(s[:])
	}
	return out
}

// Every leaf of trees of every size up to 40 has a proof that verifies,
// and a proof for the wrong leaf, index or root does not.
func TestInclusionProofs(t *testing.T) {
	for n := 1; n <= 40; n++ {
		all := ids(n)
		r, err := MerkleRoot(all)
		if err != nil {
			t.Fatal(err)
		}
		for i := range all {
			p, err := InclusionProof(all, i)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyInclusion(p, r); err != nil {
				t.Fatalf("n=%d i=%d: %v", n, i, err)
			}
			bad := p
			bad.Record = ids(n + 1)[n]
			if VerifyInclusion(bad, r) == nil {
				t.Fatalf("n=%d i=%d: wrong leaf accepted", n, i)
			}
			if n > 1 {
				bad = p
				bad.Index = (i + 1) % n
				if VerifyInclusion(bad, r) == nil {
					t.Fatalf("n=%d i=%d: wrong index accepted", n, i)
				}
			}
		}
	}
}

// The root of two leaves is the RFC 6962 hash by hand.
func TestMerkleRootByHand(t *testing.T) {
	two := ids(2)
	a, _ := hex.DecodeString(two[0])
	b, _ := hex.DecodeString(two[1])
	want := hex.EncodeToString(nodeHash(leafHash(a), leafHash(b)))
	if got, _ := MerkleRoot(two); got != want {
		t.Fatalf("%s != %s", got, want)
	}
}
